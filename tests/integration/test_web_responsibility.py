"""Responsibility in the web interface, over plain HTTP: the director makes the curator responsible
for stages 2–3, the curator moves the programme through them on the programme's page and is told
what is missing at stage 4; the grant shows who gave it and when, and is revoked."""

from __future__ import annotations

from datetime import timedelta

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_responsibility import rudenko
from tests.integration.test_web_people import field_error
from tests.web_support import WebClient


async def test_the_director_grants_stages_the_curator_moves_through_them(
    web: WebClient, world: World
) -> None:
    person, curator_token = await rudenko(world)
    await world.programme("s1")
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"), next_path="/responsibilities")

    empty = await web.get("/responsibilities")
    nothing = await web.submit("/responsibilities", {"person_id": person, "granted_on": ""})
    granted = await web.submit(
        "/responsibilities",
        {"person_id": person, "stage": ["2", "3"], "granted_on": "01.09.2025"},
    )
    shown = await web.get("/responsibilities")

    assert "Школа пока никому не поручила ответственность" in empty.text
    assert "Руденко Ольга Викторовна" in empty.text  # among the curators to choose
    assert nothing.status_code == 400
    assert field_error(nothing.text, "stage") == "Укажите, за что назначается ответственность"
    assert granted.status_code == 303
    assert "Этап 2 «формирование базы наставляемых»; Этап 3" in shown.text
    assert "Поручено с 01.09.2025 · поручил(а): руководитель ОО" in shown.text

    curator = WebClient(web.client, web.api)
    await curator.sign_in(curator_token, next_path="/programme")
    day = str(region_today() - timedelta(days=1))
    await curator.get("/programme")
    moved = await curator.submit(
        "/programme/stage", {"stage": "2", "effective_on": day, "confirmed": "yes"}
    )
    await curator.get("/programme")
    await curator.submit(
        "/programme/stage", {"stage": "3", "effective_on": day, "confirmed": "yes"}
    )
    page = await curator.get("/programme")
    refused = await curator.submit(
        "/programme/stage", {"stage": "4", "effective_on": day, "confirmed": "yes"}
    )
    no_grant_form = await curator.get("/responsibilities")

    assert moved.status_code == 303
    assert "Перейти к этапу 4" in page.text
    assert refused.status_code == 403
    assert "не поручено: этап 4 «отбор и обучение наставников»" in refused.text
    assert "Поручают руководитель ОО и координатор" in no_grant_form.text

    # the same browser: the director signs in again
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"), next_path="/responsibilities")
    await web.get("/responsibilities")
    [grant] = (await world.api.graphql(world.coordinator("s1"), "{ responsibilities { id } }"))[
        "data"
    ]["responsibilities"]
    revoked = await web.submit(f"/responsibilities/{grant['id']}/revocation")
    after = await web.get("/responsibilities")

    assert revoked.status_code == 303
    assert f"отменено с {region_today():%d.%m.%Y}" in after.text
