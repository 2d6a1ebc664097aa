"""The figures a region reads: one «пара» in every view (approved by an order, not ended)."""

from __future__ import annotations

from datetime import date

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
