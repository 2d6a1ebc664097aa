"""The auditor's pages: a programme's history as a timeline and its state at a chosen date or
after any of its events, replayed by reporting; bad dates said beside the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.adapters.database import connect
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_web_people import field_error
from tests.web_support import WebClient

BACKDATED_DAYS = 20


async def backdate_history(world: World, programme: str, days: int) -> None:
    """As if what the programme has stored so far had happened `days` ago: the services stamp
    events with the moment they are stored, so a test cannot write a past otherwise."""
    await world.api.caught_up(world.coordinator("s1"))
    connection = await connect(world.api.database)
    try:
        await connection.execute(
            "UPDATE event_history SET occurred_at = occurred_at - make_interval(days => $2)"
            " WHERE programme_id = $1",
            programme,
            days,
        )
    finally:
        await connection.close()


@pytest.fixture
async def programme(world: World) -> str:
    """A programme of s1 with one pair approved twenty days ago, and since then a second pair
    and a meeting of the first."""
    programme = await world.programme("s1")
    mentors = [await world.person("s1", f"Наставник Аудитов {n}", "mentor") for n in (1, 2)]
    mentees = [
        await world.person("s1", f"Ученик Аудитов {n}", "mentee", birth_date=date(2012, 4, n))
        for n in (1, 2)
    ]
    first = await world.pair("s1", programme, mentors[0], mentees[0])
    await backdate_history(world, programme, BACKDATED_DAYS)
    await world.pair("s1", programme, mentors[1], mentees[1])
    await world.meeting("s1", first)
    await world.api.caught_up(world.coordinator("s1"))
    return programme


async def _auditor(web: WebClient, world: World) -> None:
    await web.sign_in(world.token(Role.AUDITOR, "region"))


async def test_the_auditor_finds_the_programme_and_reads_its_timeline(
    web: WebClient, world: World, programme: str
) -> None:
    await _auditor(web, world)

    listing = await web.get("/audit/programmes?year=2025/26")
    assert "Школа № 1" in listing.text
    assert f"/audit/programmes/{programme}" in listing.text
    timeline = await web.get(f"/audit/programmes/{programme}")

    assert timeline.status_code == 200, timeline.text
    html = timeline.text
    for what in ("Программа открыта", "Сформирована пара (группа)", "Записана встреча"):
        assert what in html
    assert "Пара утверждена приказом" in html
    assert "координатор" in html  # the role of who did it
    assert "руководитель ОО" in html
    assert "[персональные данные]" in html  # feedback comments stay sealed
    assert "оценка наставника" in html  # fields in Russian words, people numbered
    assert "участник № 1" in html
    assert "Аудитов" not in html  # no names in the history
    old = (region_today() - timedelta(days=BACKDATED_DAYS)).strftime("%d.%m.%Y")
    assert old in html
    assert "UTC" in html


async def test_the_state_at_a_past_date_holds_what_had_happened_by_then(
    web: WebClient, world: World, programme: str
) -> None:
    await _auditor(web, world)
    past = (region_today() - timedelta(days=BACKDATED_DAYS - 5)).strftime("%d.%m.%Y")

    then = await web.get(f"/audit/programmes/{programme}/state?on={past}")
    now = await web.get(f"/audit/programmes/{programme}/state")
    before = await web.get(f"/audit/programmes/{programme}/state?on=01.09.2025")

    assert then.status_code == 200, then.text
    assert f"Состояние программы как знала платформа на {past}" in then.text
    assert "Пары и группы (1)" in then.text
    assert "Пары и группы (2)" in now.text
    assert "работает" in then.text  # approved by the order by then
    assert "Аудитов" not in now.text  # above the school: no names
    # … but each participant numbered, so that the rows can be told apart.
    for alias in ("наставник № 1", "наставник № 2", "наставляемый № 1", "наставляемый № 2"):
        assert alias in now.text
    assert "На эту дату программы ещё не было" in before.text


async def test_the_state_after_an_event_counts_the_events_up_to_it(
    web: WebClient, world: World, programme: str
) -> None:
    await _auditor(web, world)

    response = await web.get(f"/audit/programmes/{programme}/state?version=1")

    assert "после события 1" in response.text
    assert "Учтено событий: 1 из" in response.text
    assert "Пар ещё не было" in response.text


async def test_bad_dates_are_said_beside_the_field_with_the_value_kept(
    web: WebClient, world: World, programme: str
) -> None:
    await _auditor(web, world)
    tomorrow = (region_today() + timedelta(days=1)).strftime("%d.%m.%Y")

    for typed, message in (
        ("32.13.2026", "Укажите дату в формате ДД.ММ.ГГГГ"),
        (tomorrow, "Дата ещё не наступила"),
    ):
        response = await web.get(f"/audit/programmes/{programme}/state?on={typed}")
        assert response.status_code == 400
        assert message in response.text.split('id="e-on"')[1][:200]
        assert f'value="{typed}"' in response.text
        assert "Traceback" not in response.text


async def test_other_roles_and_unknown_programmes_get_clear_pages(
    web: WebClient, world: World, programme: str
) -> None:
    await web.sign_in(world.coordinator("s1"))
    assert (await web.get(f"/audit/programmes/{programme}")).status_code == 403
    await _auditor(web, world)
    missing = await web.get("/audit/programmes/9b0a3c1e-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert "Страница не найдена" in missing.text
    assert (await web.get("/audit/programmes/не-программа")).status_code == 404


async def test_the_director_reads_the_state_with_names(
    web: WebClient, world: World, programme: str
) -> None:
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))

    now = await web.get(f"/audit/programmes/{programme}/state")

    assert now.status_code == 200, now.text
    for name in ("Наставник Аудитов 1", "Наставник Аудитов 2", "Ученик Аудитов 1"):
        assert name in now.text
    assert "наставник № 1" not in now.text


async def test_a_stage_dated_last_month_reads_on_both_axes(web: WebClient, world: World) -> None:
    """The director enters a stage begun last month by the date field of the programme's page;
    the auditor sees it as the documents say on last month's day, and the timeline both dates."""
    programme = await world.programme("s1")
    start, last_month = region_today() - timedelta(days=40), region_today() - timedelta(days=30)
    await world.api.command(
        "programs",
        f"/programmes/{programme}/stage",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"stage": 2, "effective_on": str(start)},
        expect=200,
    )
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    assert 'name="effective_on" type="text"' in (await web.get("/programme")).text
    tomorrow = region_today() + timedelta(days=1)
    refused = await web.submit(
        "/programme/stage", {"stage": "3", "effective_on": str(tomorrow), "confirmed": "yes"}
    )
    assert refused.status_code == 400
    assert "не может быть позже сегодняшнего дня" in field_error(refused.text, "effective_on")
    moved = await web.submit(
        "/programme/stage", {"stage": "3", "effective_on": str(last_month), "confirmed": "yes"}
    )
    assert moved.status_code == 303
    assert f"с {last_month:%d.%m.%Y}" in (await web.get("/programme")).text

    await _auditor(web, world)
    day = f"{last_month:%d.%m.%Y}"
    documents = await web.get(f"/audit/programmes/{programme}/state?asof={day}")
    assert f"Состояние программы по документам на {day}" in documents.text
    assert f"3 из 7: формирование базы наставников — с {day} по документам" in documents.text
    earlier = f"{start - timedelta(days=1):%d.%m.%Y}"
    before = await web.get(f"/audit/programmes/{programme}/state?asof={earlier}")
    assert "На эту дату программы ещё не было" in before.text
    known = await web.get(f"/audit/programmes/{programme}/state?on={day}")
    assert "На эту дату программы ещё не было" in known.text
    timeline = (await web.get(f"/audit/programmes/{programme}")).text
    assert f"По документам {day} · внесено {region_today():%d.%m.%Y}" in timeline
