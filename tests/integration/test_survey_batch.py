"""A school's survey responses submitted together: each checked as one response is, all stored
or none, and a refusal names every response refused."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from uuid import UUID

from services.programs.application import NewResponse
from services.programs.domain import Purpose, default_template_id
from shared.adapters.settings import Settings, region_today
from shared.kernel.errors import AppError
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import EventCounter, World, refusal_of
from tests.integration.test_personal_data import _pair_with_meeting

SATISFIED = {
    "overall": 9,
    "meetings": 8,
    "organisation": 7,
    "frequency": "в самый раз",
    "continue": True,
}


async def test_responses_submitted_together_are_checked_and_stored_all_or_none(
    world: World, settings: Settings, events: EventCounter
) -> None:
    programme, mentor, mentee, pair = await _pair_with_meeting(world, tag="-surveys")
    other = await world.person("s1", "Не Участник Пары", "mentee", birth_date=date(2012, 2, 2))
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))
    entry = default_template_id(Purpose.ENTRY_DIAGNOSTICS)
    diagnostics = {c: 5 for c in ("confidence", "goals", "communication", "motivation")}
    good = [
        NewResponse(entry, UUID(mentee), region_today(), diagnostics | {"independence": 4}),
        NewResponse(
            default_template_id(Purpose.MENTOR_SATISFACTION),
            UUID(mentor),
            region_today(),
            SATISFIED | {"mentee_progress": 8, "best": "Совместный проект"},
            UUID(pair),
        ),
    ]
    outsider = NewResponse(
        entry, UUID(other), region_today(), diagnostics | {"independence": 3}, UUID(pair)
    )

    def submit(responses: list[NewResponse]) -> Awaitable[AppError | None]:
        return refusal_of(
            settings,
            lambda programs: programs.submit_responses(coordinator, UUID(programme), responses),
        )

    before = await events()
    refused = await submit([*good, outsider])
    after_refusal = await events()
    stored = await submit(good)
    after = await events()
    results = await world.api.graphql(
        world.coordinator("s1"),
        "query($id: ID!) { surveyResults(programmeId: $id) { purpose responses } }",
        id=programme,
    )

    assert refused is not None
    assert refused.code == "batch_refused"
    # the outsider's answers are complete but the pair is not theirs
    assert [(p["item"], p["code"]) for p in refused.details["problems"]] == [(3, "not_a_member")]
    assert after_refusal == before
    assert stored is None
    assert after[1] == before[1] + 2
    counts = {r["purpose"]: r["responses"] for r in results["data"]["surveyResults"]}
    assert counts[str(Purpose.ENTRY_DIAGNOSTICS)] == counts[str(Purpose.MENTOR_SATISFACTION)] == 1
