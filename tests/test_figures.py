"""The figures a region reads: one «пара» in every view (approved by an order, not ended)."""

from __future__ import annotations

from datetime import date, timedelta

from shared.auth import Role
from tests.conftest import World, nodes


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
    month_later = str(date.today() + timedelta(days=30))
    lagging = await world.api.graphql(
        coordinator,
        "query($on: Date) { laggingPairs(on: $on) { edges { node { pair { id } } } } }",
        on=month_later,
    )

    assert [n["pair"]["id"] for n in nodes(lagging["data"]["laggingPairs"])] == [working]
