"""Pairs and groups formed together (`Programs.form_pairs`): each checked as one pair is, a
mentor's places counted across the batch, all stored or none, and a refusal names every pair
refused."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from uuid import UUID

from services.programs.application import NewPair
from shared.adapters.settings import Settings
from shared.dictionaries import MentoringForm
from shared.kernel.errors import AppError
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import EventCounter, World, refusal_of

PUPIL = date(2012, 5, 5)


async def test_a_batch_with_bad_pairs_is_refused_whole_naming_each(
    world: World, settings: Settings, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = UUID(await world.person("s1", "Наставник Пакетный", "mentor", capacity=2))
    first, second, third = [
        UUID(await world.person("s1", f"Ученик {n}", "mentee", birth_date=PUPIL))
        for n in ("Первый", "Второй", "Третий")
    ]
    unconsented = UUID(
        await world.person("s1", "Ученик Без Согласия", "mentee", birth_date=PUPIL, consent=False)
    )
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))
    teacher_student = MentoringForm.TEACHER_STUDENT

    def form(pairs: list[NewPair]) -> Awaitable[AppError | None]:
        return refusal_of(
            settings, lambda programs: programs.form_pairs(coordinator, UUID(programme), pairs)
        )

    before = await events()
    refused = await form(
        [
            NewPair(teacher_student, mentor, [first]),
            # with the first pair's mentee the mentor would have three of two places
            NewPair(teacher_student, mentor, [second, third]),
            NewPair(teacher_student, mentor, [unconsented]),
        ],
    )
    after_refusal = await events()
    stored = await form(
        [NewPair(teacher_student, mentor, [first]), NewPair(teacher_student, mentor, [second])],
    )
    after = await events()
    # the batch's pairs count against the mentor's places like pairs formed one by one
    over = await world.pair("s1", programme, str(mentor), str(third), expect=422)

    assert refused is not None
    assert refused.code == "batch_refused"
    assert [(p["item"], p["code"]) for p in refused.details["problems"]] == [
        (2, "mentor_at_capacity"),
        (3, "consent_missing"),
    ]
    assert after_refusal == before
    assert stored is None
    assert after[1] == before[1] + 5  # two pairs formed, the mentor's load started, two assigned
    assert over["code"] == "mentor_at_capacity"


async def test_a_batch_of_one_is_refused_as_the_single_command(
    world: World, settings: Settings, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = UUID(await world.person("s1", "Наставник Одиночный", "mentor"))
    unconsented = UUID(
        await world.person("s1", "Ученик Без Согласия", "mentee", birth_date=PUPIL, consent=False)
    )
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))

    before = await events()
    refused = await refusal_of(
        settings,
        lambda programs: programs.form_pairs(
            coordinator,
            UUID(programme),
            [NewPair(MentoringForm.TEACHER_STUDENT, mentor, [unconsented])],
        ),
    )

    assert refused is not None
    assert refused.code == "consent_missing"
    assert refused.details == {"person_id": str(unconsented)}
    assert await events() == before
