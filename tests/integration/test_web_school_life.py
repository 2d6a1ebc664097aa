"""The programme's stages in the school's own words, and «Мероприятия»: the school's events
recorded from a form without JavaScript and listed — over plain HTTP, as a browser sends them."""

from __future__ import annotations

import html
from datetime import timedelta

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World
from tests.integration.test_school_life import DONETSK_SCHEME, KREMOVO_SCHEME, write_scheme
from tests.web_support import WebClient


async def test_the_programme_page_names_the_stages_as_the_school_does(
    web: WebClient, world: World
) -> None:
    await write_scheme(world, "s1", DONETSK_SCHEME)
    await world.programme("s1")
    await web.sign_in(world.coordinator("s1"))

    page = html.unescape((await web.get("/programme")).text)

    assert (
        '<li aria-current="step" class="current">'
        "Подготовка условий для реализации системы наставничества" in page
    )
    assert "Информационная поддержка системы наставничества" in page
    assert "Вне этапов целевой модели" in page
    assert (
        "Этапы целевой модели: формирование наставнических пар и групп;"
        " организация работы наставнических пар и групп" in page
    )


async def test_a_round_table_is_recorded_on_the_events_page_and_listed(
    web: WebClient, world: World, events: EventCounter
) -> None:
    held = region_today() - timedelta(days=7)
    await web.sign_in(world.token(Role.SCHOOL_CURATOR, "s1"))
    empty = html.unescape((await web.get("/events")).text)
    before = await events()

    refused = await web.submit(
        "/events",
        {"kind": "publicity", "held_on": held.strftime("%d.%m.%Y"), "title": "Итоги на сайте"},
    )
    stored_after_refusal = await events()
    recorded = await web.submit(
        "/events",
        {
            "kind": "round_table",
            "held_on": held.strftime("%d.%m.%Y"),
            "title": "Круглый стол по выявлению лучших практик наставничества",
            "classes": "7А, 8Б",
            "material_1_title": "Отчёт на сайте школы",
            "material_1_url": "https://school.example/news/round-table",
        },
    )
    page = html.unescape((await web.get("/events")).text)

    assert "Мероприятий пока не записано" in empty
    assert refused.status_code == 400
    assert "Укажите ссылку на публикацию об итогах" in html.unescape(refused.text)
    assert 'value="Итоги на сайте"' in html.unescape(refused.text)  # the values are kept
    assert stored_after_refusal == before
    assert recorded.status_code == 303
    assert "Круглый стол по выявлению лучших практик наставничества" in page
    assert f"Итоговое мероприятие (круглый стол) · {held.strftime('%d.%m.%Y')}" in page
    assert "Присутствовали: 7А класс, 8Б класс" in page
    assert '<a href="https://school.example/news/round-table">Отчёт на сайте школы</a>' in page


async def test_the_director_writes_seed_002s_stages_on_a_form(
    web: WebClient, world: World, events: EventCounter
) -> None:
    await world.programme("s1")
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    lines = "\n".join(
        f"{stage['name']}; {', '.join(map(str, stage['stages']))}" for stage in KREMOVO_SCHEME
    )
    await web.get("/programme/stages")
    before = await events()

    refused = await web.submit("/programme/stages", {"stages": lines + "\nИтоги; 9"})
    after_refusal = await events()
    written = await web.submit("/programme/stages", {"stages": lines})
    form = html.unescape((await web.get("/programme/stages")).text)
    page = html.unescape((await web.get("/programme")).text)

    assert refused.status_code == 400
    assert "Этап «Итоги»: этапа № 9 среди семи этапов целевой модели нет" in html.unescape(
        refused.text
    )
    assert after_refusal == before
    assert written.status_code == 303
    assert "Организация хода наставнической программы; 5, 6" in form
    assert (
        '<li aria-current="step" class="current">'
        "Подготовка условий для запуска программы наставничества" in page
    )
    assert "Изменить схему этапов школы" in page


async def test_the_municipality_reads_its_schools_events_counted_by_kind(
    web: WebClient, world: World
) -> None:
    held = region_today() - timedelta(days=3)
    for school in ("s1", "s2", "s3"):  # s3 is another municipality's
        await world.api.command(
            "programs",
            f"/schools/{world.ids[school]}/events",
            world.token(Role.SCHOOL_CURATOR, school),
            {"kind": "group_meeting", "held_on": str(held), "title": f"Групповая встреча {school}"},
        )
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))

    page = html.unescape((await web.get("/")).text)

    assert "<dt>Групповая встреча наставников и наставляемых</dt><dd>2 (школ: 2)</dd>" in page
    assert "<dt>Семинар</dt><dd>0</dd>" in page
    assert "Групповая встреча s1" not in page  # titles stay in the school
