"""The participants' own pages over plain HTTP (no JavaScript): a pupil and a parent open their
personal links; a mentor logs a meeting and ticks a task; a revoked, unknown or mistyped link
opens nothing, and bad input is refused with a Russian page and nothing stored."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World
from tests.integration.test_web_school import school_with_a_pair
from tests.web_support import WebClient


async def opened(web: WebClient, link: str) -> Any:
    """Open a personal link as its holder (once reporting shows what the test set up): the
    page asks one tap, then their own page."""
    await web.api.caught_up(web.api.token(Role.OPERATOR, ""))
    asked = await web.get(f"/l/{link}")
    assert asked.status_code == 200
    assert "Войти" in asked.text
    return await web.submit(f"/l/{link}")


async def test_a_pupil_opens_her_link_and_rates_the_meeting_once(
    web: WebClient, world: World
) -> None:
    _, pair, _, mentee = await school_with_a_pair(world)
    meeting = await world.meeting("s1", pair, mentee_feedback=None)
    issued = await world.link("s1", mentee, Role.MENTEE)

    signed_in = await opened(web, issued["link"])
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/my"
    mine = await web.get("/my")
    assert mine.status_code == 200
    assert "Наставник: Орлова Ирина Павловна" in mine.text
    assert "Хорошее начало" not in mine.text  # the mentor's own comment
    assert "Оцените встречу" in mine.text

    action = f"/my/pairs/{pair}/meetings/{meeting['id']}/feedback"
    out_of_scale = await web.submit(action, {"rating": "11"})
    assert out_of_scale.status_code == 400
    assert "Не больше 10" in out_of_scale.text
    rated = await web.submit(action, {"rating": "9", "comment": "Интересно"})
    assert rated.status_code == 303
    mine = await web.get("/my")
    assert "моя оценка 9" in mine.text
    assert "Оцените встречу" not in mine.text
    again = await web.submit(action, {"rating": "3"})
    assert again.status_code == 400  # the page again, with why
    assert "уже оставлен" in again.text
    assert "моя оценка 9" in (await web.get("/my")).text

    # The school tells her own score from those it entered for the participants.
    await web.sign_in(world.coordinator("s1"))
    home = await web.get("/")
    assert "Наставляемые, сами: 1 оценок, средняя 9,0" in home.text
    assert "Наставники, внесено школой за них: 1 оценок, средняя 9,0" in home.text
    assert "Встреч без отзыва, оставленного самим участником: <strong>0</strong>" in home.text
    pair_page = await web.get(f"/pairs/{pair}")
    assert pair_page.text.count("сам участник") == 1
    assert pair_page.text.count("внесено школой") == 1


async def test_a_pupil_answers_her_entry_diagnostics_herself(web: WebClient, world: World) -> None:
    _, _, _, mentee = await school_with_a_pair(world)
    issued = await world.link("s1", mentee, Role.MENTEE)
    await opened(web, issued["link"])

    mine = await web.get("/my")
    survey = re.search(r'href="(/my/surveys/[0-9a-f-]+/[0-9a-f-]+)"', mine.text)
    assert survey is not None
    form = await web.get(survey.group(1))
    assert form.status_code == 200
    codes = set(re.findall(r'name="q_(\w+)"', form.text))
    assert codes == {"confidence", "goals", "communication", "motivation", "independence"}
    missing = await web.submit(survey.group(1), {"q_confidence": "5"})
    assert missing.status_code == 400
    answered = await web.submit(survey.group(1), {f"q_{c}": "6" for c in codes})
    assert answered.status_code == 303
    mine = await web.get("/my")
    assert "Анкеты: ответьте сами" not in mine.text
    assert (await web.get(survey.group(1))).status_code == 404  # answered: no longer due


async def test_a_participant_sees_no_staff_page(web: WebClient, world: World) -> None:
    _, _, _, mentee = await school_with_a_pair(world)
    issued = await world.link("s1", mentee, Role.MENTEE)
    await opened(web, issued["link"])

    assert (await web.get("/")).headers["location"] == "/my"
    for staff_page in ("/pairs", "/people/mentees", "/programme"):
        answer = await web.get(staff_page)
        assert answer.status_code in (403, 404), staff_page
        assert "Орлова" not in answer.text


async def test_a_revoked_or_unknown_link_opens_nothing_and_says_why(
    web: WebClient, world: World
) -> None:
    _, _, _, mentee = await school_with_a_pair(world)
    leaked = await world.link("s1", mentee, Role.MENTEE)
    await world.api.command(
        "registry",
        f"/people/{mentee}/links/{leaked['id']}/revocation",
        world.coordinator("s1"),
        expect=200,
    )

    refused = await opened(web, leaked["link"])
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "Ссылка отозвана" in refused.text
    assert "Орлов" not in refused.text
    assert (await web.get("/my")).status_code == 303  # no session: to the login page

    unknown = await opened(web, mentee.replace("-", "") + "not-the-secret")
    assert unknown.status_code == 403
    assert "Ссылка недействительна" in unknown.text


async def test_a_parent_reads_the_consent_and_withdraws_it_and_the_pair_stops(
    web: WebClient, world: World
) -> None:
    _, pair, _, mentee = await school_with_a_pair(world)
    issued = await world.link("s1", mentee, Role.LEGAL_REPRESENTATIVE)
    await opened(web, issued["link"])

    mine = await web.get("/my")
    assert "Орлов Денис Игоревич" in mine.text
    assert "152-ФЗ" in mine.text
    assert "Отозвать согласие" in mine.text
    consent = mine.text.split('action="/my/consents/')[1].split("/")[0]
    action = f"/my/consents/{consent}/withdrawal"
    asked = await web.submit(action)
    assert asked.status_code == 200
    assert "Да, отозвать согласие" in asked.text
    withdrawn = await web.submit(action, {"confirmed": "yes"})
    assert withdrawn.status_code == 303
    assert "отозвано" in (await web.get("/my")).text

    refused = await world.api.command(  # the pair stops: no meeting is recorded any more
        "programs",
        f"/pairs/{pair}/meetings",
        world.coordinator("s1"),
        {
            "kind": "introduction",
            "held_on": str(region_today()),
            "duration_minutes": 40,
            "format": "in_person",
            "topic": "После отзыва",
        },
        expect=None,
    )
    assert refused["code"] == "consent_missing", refused
    data = await web.get("/my/data")
    assert data.headers["content-type"].startswith("application/json")
    assert "Орлов Денис Игоревич" in data.text


async def test_a_mentor_logs_a_meeting_and_ticks_a_task_of_his_own_pair_only(
    web: WebClient, world: World, events: EventCounter
) -> None:
    programme, pair, mentor, _ = await school_with_a_pair(world)
    await world.plan("s1", pair, ("Подготовиться к олимпиаде",))
    other_mentor = await world.person("s1", "Другая Наставница", "mentor")
    other_mentee = await world.person("s1", "Другой Ученик", "mentee", birth_date=date(2012, 2, 2))
    other_pair = await world.pair("s1", programme, other_mentor, other_mentee)
    issued = await world.link("s1", mentor, Role.MENTOR)
    await opened(web, issued["link"])

    mine = await web.get("/my")
    assert "Наставляемый: Орлов Денис Игоревич" in mine.text
    assert "Подготовиться к олимпиаде" in mine.text
    assert "Другой Ученик" not in mine.text
    meeting = {
        "kind": "introduction",
        "held_on": str(region_today()),
        "duration_minutes": "40",
        "topic": "Знакомство",
        "rating": "9",
    }
    logged = await web.submit(f"/my/pairs/{pair}/meetings", meeting)
    assert logged.status_code == 303
    mine = await web.get("/my")
    assert "Знакомство" in mine.text
    task = mine.text.split("/tasks/")[1].split("/")[0]
    ticked = await web.submit(f"/my/pairs/{pair}/tasks/{task}/completion")
    assert ticked.status_code == 303
    assert "выполнено" in (await web.get("/my")).text

    past = {"starts_on": "2020-01-01", "start_time": "15:30", "duration_minutes": "45"}
    refused = await web.submit(f"/my/pairs/{pair}/planned-meetings", past | {"place": "каб. 12"})
    assert refused.status_code == 400
    assert "сегодня или позже" in refused.text
    soon = str(region_today() + timedelta(days=3))
    planned = await web.submit(
        f"/my/pairs/{pair}/planned-meetings",
        past | {"starts_on": soon, "place": "каб. 12, школа", "topic": "Олимпиада"},
    )
    assert planned.status_code == 303
    mine = await web.get("/my")
    assert "Следующая встреча" in mine.text
    calendar = re.search(r'href="(/my/meetings/[0-9a-f-]+/calendar\.ics)"', mine.text)
    assert calendar is not None
    ics = await web.get(calendar.group(1))
    assert ics.headers["content-type"].startswith("text/calendar")
    assert f"DTSTART:{soon.replace('-', '')}T153000" in ics.text
    assert "LOCATION:каб. 12\\, школа" in ics.text
    assert "Орлов Денис Игоревич" in ics.text

    await web.get("/my")
    before = await events()
    foreign = await web.submit(f"/my/pairs/{other_pair}/meetings", meeting)
    assert foreign.status_code in (403, 404)
    assert await events() == before


async def test_the_coordinator_prints_a_class_sheet_sees_who_used_a_link_and_revokes_it(
    web: WebClient, world: World
) -> None:
    for n, name in enumerate(("Белова Анна", "Белов Иван", "Чужой Класс")):
        grade = "5А" if n < 2 else "6Б"
        await world.person("s1", name, "mentee", birth_date=date(2014, 3, n + 1), grade=grade)
    await web.sign_in(world.coordinator("s1"))

    await web.get("/links")
    sheet = await web.submit("/links/sheet", {"grade": "5А", "role": "mentee"})
    assert sheet.status_code == 200
    assert sheet.text.count("<svg") == 2  # a QR code per pupil of the class
    assert "Белова Анна" in sheet.text
    assert "Чужой Класс" not in sheet.text
    links = re.findall(r"/l/([0-9a-f]{32}[A-Za-z0-9_-]+)", sheet.text)
    assert len(set(links)) == 2

    pupil = WebClient(web.client, web.api)  # the same browser, after the coordinator
    await opened(pupil, links[0])
    await web.sign_in(world.coordinator("s1"))
    listing = await web.get("/links?grade=5А")
    assert "вход 1 раз" in listing.text
    assert "ещё не открывалась" in listing.text
    assert "Чужой Класс" not in listing.text
    revoke = re.search(r'action="(/links/[0-9a-f-]+/[0-9a-f-]+/revocation)"', listing.text)
    assert revoke is not None
    assert (await web.submit(revoke.group(1))).status_code == 303

    revoked = [await opened(pupil, link) for link in links]
    assert sorted(r.status_code for r in revoked) == [303, 403]  # the revoked one alone


async def test_only_the_schools_management_issues_links(web: WebClient, world: World) -> None:
    await web.sign_in(world.token(Role.SCHOOL_CURATOR, "s1"))
    assert (await web.get("/links")).status_code == 403
