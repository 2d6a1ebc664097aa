"""The school's staff in the web interface, over plain HTTP (no browser): an employee added in
neither base, a role given with its duties and the act of the register that appoints it, a
refused role back with its message beside the field."""

from __future__ import annotations

import re

from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_staff import ORDER_852
from tests.web_support import WebClient


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', html)
    return found.group(1) if found else ""


async def test_a_director_adds_an_employee_and_appoints_her_by_the_register_s_act(
    web: WebClient, world: World
) -> None:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.command(
        "programs", f"/organisations/{world.ids['s1']}/acts", director, ORDER_852
    )
    await web.sign_in(director)

    await web.get("/staff/new")
    added = await web.submit(
        "/staff/new",
        {
            "full_name": "Кузьмина Т.И.",
            "kind": "psychologist",
            "position": "педагог-психолог",
            "other_kinds": "class_teacher",
        },
    )
    assert added.status_code == 303, added.text
    listing = await web.get("/staff")
    assert "Сотрудник добавлен" in listing.text
    person = re.search(r'href="/staff/([0-9a-f-]{36})/roles/new"', listing.text)
    assert person is not None
    assert "педагог-психолог, классный руководитель" in listing.text

    form = await web.get(f"/staff/{person.group(1)}/roles/new")
    assert "Приказ от 06.09.2023 № 852" in form.text
    act = re.search(r'<option value="([0-9a-f-]{36})">Приказ от 06.09.2023', form.text)
    assert act is not None
    role = {
        "role": "working_group_member",
        "area": "психолого-педагогическое сопровождение",
        "since": "06.09.2023",
        "until": "01.09.2023",
        "duties": "Сбор дополнительной информации о запросах наставляемых\nКонсультации",
        "act_id": act.group(1),
    }
    refused = await web.submit(f"/staff/{person.group(1)}/roles/new", role)
    assert refused.status_code == 400
    assert "06.09.2023" in field_error(refused.text, "until")
    assert 'value="01.09.2023"' in refused.text  # kept as typed
    appointed = await web.submit(
        f"/staff/{person.group(1)}/roles/new", role | {"until": "31.08.2024"}
    )
    assert appointed.status_code == 303, appointed.text
    assert appointed.headers["location"] == f"/staff#p-{person.group(1)}"

    page = (await web.get("/staff")).text
    assert "Роль назначена" in page
    assert "член рабочей группы" in page
    assert "с 06.09.2023 по 31.08.2024; назначен(а) актом № 852 от 06.09.2023" in page
    assert "<li>Консультации</li>" in page
    assert "Кузьмина Т.И." not in (await web.get("/people/mentors")).text
