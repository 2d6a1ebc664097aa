"""Two timelines (DESIGN.md, decision 11): a fact carries the day its document gives besides when
it was recorded. A stage entered today about last month reads, for the auditor, «as the
documents say» from last month's day and «as the platform knew it» only from today; a date in
the future or before the fact it rests on is refused with the field named, nothing stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, nodes

STATE = """query($id: ID!, $asOf: Date, $date: Date, $time: DateTime) {
  programmeState(programmeId: $id, asOf: $asOf, atDate: $date, atTime: $time) {
    programme { stage stageSince stageChangedAt }
    pairs { status orderDate meetings { heldOn } }
  }
}"""
HISTORY = """query($id: ID!) {
  programmeHistory(programmeId: $id) { edges { node { eventType occurredAt effectiveOn } } }
}"""


async def _state(world: World, programme: str, **at: Any) -> dict[str, Any]:
    auditor = world.token(Role.AUDITOR, "region")
    answer = await world.api.graphql(auditor, STATE, id=programme, **at)
    assert "errors" not in answer, answer
    state: dict[str, Any] = answer["data"]["programmeState"]
    return state


async def _stage(world: World, programme: str, body: dict[str, Any], expect: int) -> Any:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    return await world.api.command(
        "programs", f"/programmes/{programme}/stage", director, body, expect=expect
    )


async def test_a_stage_entered_today_about_last_month_on_both_axes(world: World) -> None:
    programme = await world.programme("s1")
    earlier, last_month = region_today() - timedelta(days=40), region_today() - timedelta(days=30)
    await _stage(world, programme, {"stage": 2, "effective_on": str(earlier)}, 200)
    before_the_move = datetime.now(UTC)
    await _stage(world, programme, {"stage": 3, "effective_on": str(last_month)}, 200)

    # as the documents say: stage 3 from last month's day, stage 2 the day before, and before
    # its first document the programme was not there
    on_the_day = await _state(world, programme, asOf=str(last_month))
    assert on_the_day["programme"]["stage"] == 3
    assert on_the_day["programme"]["stageSince"] == str(last_month)
    day_before = await _state(world, programme, asOf=str(last_month - timedelta(days=1)))
    assert day_before["programme"]["stage"] == 2
    before = await _state(world, programme, asOf=str(earlier - timedelta(days=1)))
    assert before["programme"] is None
    # as the platform knew it: nothing of it yesterday, stage 3 only once recorded today
    yesterday = await _state(world, programme, date=str(region_today() - timedelta(days=1)))
    assert yesterday["programme"] is None
    known_before = await _state(world, programme, time=before_the_move.isoformat())
    assert known_before["programme"]["stage"] == 2
    assert (await _state(world, programme, date=str(region_today())))["programme"]["stage"] == 3
    # both axes at once: last month's documents as known before the move was entered
    both = await _state(world, programme, asOf=str(last_month), time=before_the_move.isoformat())
    assert both["programme"]["stage"] == 2

    # the timeline shows both dates of the entry
    history = await world.api.graphql(world.token(Role.AUDITOR, "region"), HISTORY, id=programme)
    *_, move = [
        e
        for e in nodes(history["data"]["programmeHistory"])
        if e["eventType"] == "PROGRAMME_STAGE_CHANGED"
    ]
    assert move["effectiveOn"] == str(last_month)
    assert move["occurredAt"].startswith(str(region_today()))


async def test_a_stage_without_a_date_takes_effect_the_day_it_is_recorded(world: World) -> None:
    programme = await world.programme("s1")
    await _stage(world, programme, {"stage": 2}, 200)
    today = await _state(world, programme, asOf=str(region_today()))
    assert today["programme"]["stageSince"] == str(region_today())
    yesterday = await _state(world, programme, asOf=str(region_today() - timedelta(days=1)))
    assert yesterday["programme"] is None  # opened today, and no document says otherwise


async def test_a_pair_of_last_month_shows_on_last_months_dates(world: World) -> None:
    """A pair formed today by an order of last month, with a meeting of last month: the
    documents' axis shows it from the order's day, the pair's formation pulled back to it."""
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставница Прошлова", "mentor", consent_on=date(2020, 1, 9))
    mentee = await world.person(
        "s1", "Ученик Прошлов", "mentee", birth_date=date(2011, 3, 1), consent_on=date(2020, 1, 9)
    )
    pair = await world.pair("s1", programme, mentor, mentee, approve=False)
    order_day, meeting_day = (
        region_today() - timedelta(days=40),
        region_today() - timedelta(days=35),
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": str(order_day)},
    )
    await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"number": "7-н", "order_date": str(order_day), "pair_ids": [pair]},
    )
    await world.meeting("s1", pair, held_on=str(meeting_day))

    before = await _state(world, programme, asOf=str(order_day - timedelta(days=1)))
    assert before["pairs"] == []
    on_order = await _state(world, programme, asOf=str(order_day))
    assert [(p["status"], p["meetings"]) for p in on_order["pairs"]] == [("active", [])]
    after = await _state(world, programme, asOf=str(meeting_day))
    assert after["pairs"][0]["meetings"] == [{"heldOn": str(meeting_day)}]


async def test_a_stage_in_the_future_is_refused(world: World, events: EventCounter) -> None:
    programme = await world.programme("s1")
    stored = await events()
    tomorrow = region_today() + timedelta(
        days=2
    )  # ahead of the region's date too (Moscow's is a day on at night)
    refused = await _stage(world, programme, {"stage": 2, "effective_on": str(tomorrow)}, 422)
    assert refused["code"] == "effective_date_in_future"
    assert refused["details"]["field"] == "effective_on"
    assert "Дата начала этапа" in refused["message"]
    assert await events() == stored


async def test_a_stage_before_the_implementation_order_is_refused(
    world: World, events: EventCounter
) -> None:
    await world.roadmap("s1")  # the order of 25.08.2025
    programme = await world.programme("s1")
    stored = await events()
    refused = await _stage(world, programme, {"stage": 2, "effective_on": "2025-08-24"}, 422)
    assert refused["code"] == "stage_before_order"
    assert refused["details"]["field"] == "effective_on"
    assert "25.08.2025" in refused["message"]
    assert await events() == stored
    await _stage(world, programme, {"stage": 2, "effective_on": "2025-08-25"}, 200)


async def test_a_stage_before_the_one_it_follows_is_refused(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    await _stage(world, programme, {"stage": 2, "effective_on": "2025-10-01"}, 200)
    stored = await events()
    refused = await _stage(world, programme, {"stage": 3, "effective_on": "2025-09-30"}, 422)
    assert refused["code"] == "stage_before_previous"
    assert "01.10.2025" in refused["message"]
    assert await events() == stored


ROLES = """query($id: ID!) { person(id: $id) { staffRoles { role since } } }"""


async def test_a_staff_role_from_the_day_of_its_order(world: World, events: EventCounter) -> None:
    """«координатор с 09.02.2023»: a role held from the order's day, ended on a later one; a
    role from tomorrow or ending before it began is refused with the field named."""
    teacher = await world.person("s1", "Координатор Давняя", "mentor")
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    roles = f"/people/{teacher}/staff-roles"
    tomorrow = region_today() + timedelta(
        days=2
    )  # ahead of the region's date too (Moscow's is a day on at night)
    stored = await events()
    future = await world.api.command(
        "registry", roles, director, {"role": "coordinator", "since": str(tomorrow)}, expect=422
    )
    assert (future["code"], future["details"]["field"]) == ("effective_date_in_future", "since")
    assert await events() == stored

    await world.api.command(
        "registry", roles, director, {"role": "coordinator", "since": "2023-02-09"}, expect=200
    )
    answer = await world.api.graphql(world.coordinator("s1"), ROLES, id=teacher)
    assert answer["data"]["person"]["staffRoles"] == [
        {"role": "coordinator", "since": "2023-02-09"}
    ]

    stored = await events()
    ends = (
        ("2023-02-08", "role_ends_before_start", "назначена с 09.02.2023"),
        (str(tomorrow), "effective_date_in_future", "позже сегодняшнего дня"),
    )
    for until, code, words in ends:
        refused = await world.api.command(
            "registry",
            f"{roles}/coordinator?until={until}",
            director,
            method="DELETE",
            expect=422,
        )
        assert (refused["code"], refused["details"]["field"]) == (code, "until")
        assert words in refused["message"]
    assert await events() == stored
    await world.api.command(
        "registry", f"{roles}/coordinator?until=2024-08-31", director, method="DELETE", expect=200
    )
    answer = await world.api.graphql(world.coordinator("s1"), ROLES, id=teacher)
    assert answer["data"]["person"]["staffRoles"] == []


async def test_a_consent_an_order_a_meeting_and_an_end_in_the_future_are_refused(
    world: World, events: EventCounter
) -> None:
    """Each fact a document backs is dated on a day already come; an end or a meeting before
    the pair's order is refused too. Each refusal names its field and stores nothing."""
    programme = await world.programme("s1")
    signed = region_today() - timedelta(days=10)
    mentor = await world.person("s1", "Наставница Будущева", "mentor", consent_on=signed)
    mentee = await world.person(
        "s1", "Ученик Будущев", "mentee", birth_date=date(2012, 5, 5), consent_on=signed
    )
    proposed = await world.pair("s1", programme, mentor, mentee, approve=False)
    tomorrow = str(region_today() + timedelta(days=2))  # ahead of the region's date too
    coordinator, director = world.coordinator("s1"), world.token(Role.SCHOOL_DIRECTOR, "s1")
    order_day = str(region_today() - timedelta(days=3))
    refusals: list[Any] = []
    stored = await events()
    refusals.append(
        await world.api.command(
            "registry",
            f"/people/{mentor}/consents",
            coordinator,
            {"kind": "additional_duty", "signed_on": tomorrow},
            expect=422,
        )
    )
    refusals.append(
        await world.api.command(
            "programs",
            f"/programmes/{programme}/orders",
            director,
            {"number": "9-н", "order_date": tomorrow, "pair_ids": [proposed]},
            expect=422,
        )
    )
    assert await events() == stored
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"kind": "additional_duty", "signed_on": order_day},
    )
    await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        director,
        {"number": "9-н", "order_date": order_day, "pair_ids": [proposed]},
    )
    stored = await events()
    ending = f"/pairs/{proposed}/ending"
    for ended_on in (tomorrow, str(region_today() - timedelta(days=4))):
        body = {"outcome": "ended_early", "ended_on": ended_on, "reason": "relocation"}
        refusals.append(await world.api.command("programs", ending, coordinator, body, expect=422))
    before_order = str(region_today() - timedelta(days=4))
    refusals.append(
        await world.api.command(
            "programs",
            f"/pairs/{proposed}/meetings",
            coordinator,
            {
                "kind": "introduction",
                "held_on": before_order,
                "duration_minutes": 45,
                "format": "in_person",
                "topic": "Знакомство",
            },
            expect=422,
        )
    )
    assert await events() == stored
    assert [(r["code"], r["details"]["field"]) for r in refusals] == [
        ("effective_date_in_future", "signed_on"),
        ("effective_date_in_future", "order_date"),
        ("effective_date_in_future", "ended_on"),
        ("ended_before_order", "ended_on"),
        ("meeting_before_order", "held_on"),
    ]
    assert "Дата подписания согласия не может быть позже сегодняшнего дня" in refusals[0]["message"]
    assert f"{region_today() - timedelta(days=3):%d.%m.%Y}" in refusals[3]["message"]


INDICATORS = """query($on: Date) {
  indicators(schoolYear: "2020/21", on: $on) { rows { code numerator denominator } }
}"""
TEMPLATE = """query($p: String) { surveyTemplates(purpose: $p) { edges { node { id } } } }"""
SCALES = ("confidence", "goals", "communication", "motivation", "independence")


async def test_a_programme_period_across_school_years_counts_its_last_diagnostic(
    world: World,
) -> None:
    """Seed 003: the programme of 2020/21 runs November 2020 – December 2021, so its exit
    diagnostic of December 2021 counts on 31.12.2021; a day past its period is refused."""
    coordinator = world.coordinator("s1")
    opened = await world.api.command(
        "programs",
        "/programmes",
        coordinator,
        {
            "school_id": str(world.ids["s1"]),
            "school_year": "2020/21",
            "title": "Программа наставничества МКОУ «Санаторная школа-интернат № 82»",
            "forms": ["teacher_teacher"],
        },
    )
    programme = opened["id"]
    await world.api.command(
        "programs",
        f"/programmes/{programme}/description",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"starts_on": "2020-11-01", "ends_on": "2021-12-31", "goals": ["Адаптация педагогов"]},
        expect=200,
        method="PUT",
    )
    mentee = await world.person("s1", "Педагог Молодая", "mentee", consent_on=date(2020, 10, 1))
    for purpose, answered_on, level in (
        ("entry_diagnostics", "2020-11-20", 4),
        ("exit_diagnostics", "2021-12-20", 8),
    ):
        found = await world.api.graphql(coordinator, TEMPLATE, p=purpose)
        [template, *_] = nodes(found["data"]["surveyTemplates"])
        await world.api.command(
            "programs",
            f"/programmes/{programme}/survey-responses",
            coordinator,
            {
                "template_id": template["id"],
                "respondent_id": mentee,
                "answered_on": answered_on,
                "answers": dict.fromkeys(SCALES, level),
            },
        )

    def dynamics(answer: dict[str, Any]) -> tuple[int, int]:
        assert "errors" not in answer, answer
        [row] = [
            r for r in answer["data"]["indicators"]["rows"] if r["code"] == "positive_dynamics"
        ]
        return row["numerator"], row["denominator"]

    in_year = await world.api.graphql(coordinator, INDICATORS, on="2021-08-31")
    assert dynamics(in_year) == (0, 0)  # the exit diagnostic is still ahead
    at_the_end = await world.api.graphql(coordinator, INDICATORS, on="2021-12-31")
    assert dynamics(at_the_end) == (1, 1)
    beyond = await world.api.graphql(coordinator, INDICATORS, on="2022-01-10")
    [error] = beyond["errors"]
    assert error["extensions"]["code"] == "date_outside_school_year"
    assert error["message"] == (
        "Отчётная дата 10.01.2022 вне учебного года 2020/21"
        " и сроков его программ (01.09.2020 – 31.12.2021)"
    )


OVERVIEW = """query($school: ID!, $on: Date) {
  schoolOverview(schoolId: $school, schoolYear: "2020/21", on: $on) {
    summary { programmes { stage stageName } }
  }
}"""


async def test_a_school_enters_its_past_and_a_report_on_a_past_date_shows_it(
    world: World,
) -> None:
    """Stages reached in 2020 and 2021, entered today: the municipality's overview of the
    school (what the annual report prints) shows on each past date the stage reached by then."""
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    opened = await world.api.command(
        "programs",
        "/programmes",
        director,
        {
            "school_id": str(world.ids["s1"]),
            "school_year": "2020/21",
            "title": "Программа наставничества",
            "forms": ["teacher_teacher"],
        },
    )
    for stage, day in ((2, "2020-11-16"), (3, "2021-01-11"), (4, "2021-03-01")):
        await _stage(world, opened["id"], {"stage": stage, "effective_on": day}, 200)
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")

    async def stage_on(day: str) -> list[dict[str, Any]]:
        answer = await world.api.graphql(officer, OVERVIEW, school=str(world.ids["s1"]), on=day)
        assert "errors" not in answer, answer
        found: list[dict[str, Any]] = answer["data"]["schoolOverview"]["summary"]["programmes"]
        return found

    assert await stage_on("2020-10-01") == [
        {"stage": 1, "stageName": "подготовка условий для запуска программы"}
    ]
    assert [p["stage"] for p in await stage_on("2021-02-01")] == [3]
    assert [p["stage"] for p in await stage_on("2021-08-31")] == [4]
