"""The figures a region reads: one «пара» in every view (approved by an order, not ended)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from docx import Document

from services.reporting.rebuild import rebuild
from services.wiring import master_keys_of
from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes
from tests.integration.test_personal_data import snapshot


async def test_every_view_counts_a_pair_from_its_order_until_it_ends(world: World) -> None:
    programme = await world.programme("s1")
    signed = date(2025, 9, 1)
    mentor = await world.person("s1", "Наставник Пар", "mentor", capacity=3, consent_on=signed)
    mentees = [
        await world.person("s1", f"Ученик {n}", "mentee", consent_on=signed)
        for n in ("Один", "Два", "Три")
    ]
    pairs = [await world.pair("s1", programme, mentor, m, approve=False) for m in mentees]
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": "2026-02-01"},
    )
    await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"number": "3-н", "order_date": "2026-03-01", "pair_ids": pairs[:2]},
    )  # the third waits for an order
    await world.api.command(
        "programs",
        f"/pairs/{pairs[1]}/ending",
        world.coordinator("s1"),
        {"outcome": "ended_early", "ended_on": "2026-04-01", "reason": "relocation"},
        expect=200,
    )
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    await world.api.caught_up(officer)
    counts = await world.api.graphql(
        officer, "{ counts(level: SCHOOL) { edges { node { name pairs } } } }"
    )

    comparison = await world.api.graphql(
        officer,
        """{ schoolComparison(schoolYear: "2025/26", on: "2026-05-20") {
             edges { node { organisation { name } pairs } } } }""",
    )

    by_counts = {n["name"]: n["pairs"] for n in nodes(counts["data"]["counts"])}
    by_comparison = {
        n["organisation"]["name"]: n["pairs"] for n in nodes(comparison["data"]["schoolComparison"])
    }
    assert by_counts["Школа № 1"] == 1
    assert by_comparison["Школа № 1"] == 1


async def test_a_pair_that_held_its_final_meeting_no_longer_lags(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Итогов", "mentor", capacity=2)
    working, finished = [
        await world.pair("s1", programme, mentor, await world.person("s1", name, "mentee"))
        for name in ("Ученик Работает", "Ученик Завершил")
    ]
    for pair in (working, finished):
        await world.meeting("s1", pair)
    await world.meeting("s1", finished, kind="final", topic="Итоги")
    coordinator = world.coordinator("s1")
    await world.api.caught_up(coordinator)
    month_later = str(region_today() + timedelta(days=30))
    lagging = await world.api.graphql(
        coordinator,
        "query($on: Date) { laggingPairs(on: $on) { edges { node { pair { id } } } } }",
        on=month_later,
    )

    assert [n["pair"]["id"] for n in nodes(lagging["data"]["laggingPairs"])] == [working]


async def test_an_order_without_monitoring_dates_stays_visibly_incomplete(world: World) -> None:
    """The usual 1 October – 30 May is offered, never filled in for an order that states none."""
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    order = {
        "number": "1-о",
        "order_date": "2025-08-25",
        "period_from": "2025-09-01",
        "period_to": "2027-06-30",
    }
    half = await world.api.command(
        "programs",
        f"/schools/{world.ids['s2']}/implementation",
        world.token(Role.SCHOOL_DIRECTOR, "s2"),
        order | {"monitoring_from": {"month": 10, "day": 1}},
        expect=400,
    )
    await world.api.command(
        "programs", f"/schools/{world.ids['s1']}/implementation", director, order
    )
    await world.api.command(
        "programs",
        f"/schools/{world.ids['s2']}/implementation",
        world.token(Role.SCHOOL_DIRECTOR, "s2"),
        order
        | {"monitoring_from": {"month": 10, "day": 15}, "monitoring_to": {"month": 5, "day": 15}},
    )
    await world.api.caught_up(director)
    query = "query($s: ID!) { roadmap(schoolId: $s) { monitoringWindow } }"
    unstated = await world.api.graphql(director, query, s=str(world.ids["s1"]))
    stated = await world.api.graphql(
        world.token(Role.SCHOOL_DIRECTOR, "s2"), query, s=str(world.ids["s2"])
    )
    report = await world.api.reporting.get(
        "/reports/school-annual",
        params={"school_year": "2025/26", "on": "2026-05-20"},
        headers=world.api.auth(director),
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)

    assert half["code"] == "monitoring_window_incomplete"
    assert unstated["data"]["roadmap"]["monitoringWindow"] is None
    assert stated["data"]["roadmap"]["monitoringWindow"] == "15.10 – 15.05"
    assert "Сроки мониторинга эффективности программ наставничества не указаны." in text
    assert "01.10 – 30.05" not in text


async def test_years_of_teaching_and_the_young_specialist_mark_hold_as_of_a_date(
    world: World,
) -> None:
    """As the indicators count a young teacher: up to 3 years of teaching, under 35 that year."""
    created = await world.api.command(
        "registry",
        "/people",
        world.coordinator("s1"),
        {
            "school_id": str(world.ids["s1"]),
            "kind": "teacher",
            "full_name": "Молодая Анна Сергеевна",
            "birth_date": "1998-03-01",
            "teaching_since": "2023-09-01",
            "roles": ["mentee"],
            "consent": {"signed_on": "2025-09-01"},
        },
    )
    coordinator = world.coordinator("s1")
    await world.api.caught_up(coordinator)
    query = """query($id: ID!, $a: Date, $b: Date, $c: Date) { person(id: $id) {
        a: teachingYears(on: $a) b: teachingYears(on: $b) c: teachingYears(on: $c)
        youngA: youngSpecialist(on: $a) youngB: youngSpecialist(on: $b)
        youngC: youngSpecialist(on: $c) } }"""
    answer = await world.api.graphql(
        coordinator, query, id=created["id"], a="2026-08-31", b="2026-09-01", c="2026-09-02"
    )
    person = answer["data"]["person"]

    assert (person["a"], person["b"], person["c"]) == (2, 3, 3)
    assert (person["youngA"], person["youngB"], person["youngC"]) == (True, True, False)


async def test_a_pair_ended_on_its_orders_day_counts_nothing_however_it_is_projected(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    """Approved and ended on the same day, it counts on no day: live, it first counted, then
    came to nothing; replayed in one batch it never counted. Neither keeps a row for it."""
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Дня", "mentor")
    pair = await world.pair(
        "s1", programme, mentor, await world.person("s1", "Ученик Дня", "mentee")
    )
    await world.api.command(
        "programs",
        f"/pairs/{pair}/ending",
        world.coordinator("s1"),
        {"outcome": "ended_early", "ended_on": str(region_today()), "reason": "relocation"},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))
    tables = ["indicator_contributions", "indicator_days", "indicator_years"]
    live = await snapshot(database, tables)
    await rebuild(database, master_keys_of(settings), ["indicator_facts"], batch_size=500)
    batched = await snapshot(database, tables)

    assert not any(pair in row for row in live["indicator_contributions"])
    assert live == batched
