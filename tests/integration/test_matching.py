"""Matching quality: optimal on small programmes, better than greedy on a school, within capacity,
and every score explained."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date
from uuid import UUID

from services.reporting.matching import (
    AGE_FITS,
    NEED_MET,
    SHARED_INTEREST,
    Assignment,
    MenteeCandidate,
    MentorCandidate,
    assign,
    assign_greedily,
    score,
    suggestions,
)
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World

TOPICS = [
    "математика",
    "физика",
    "русский язык",
    "английский",
    "программирование",
    "химия",
    "биология",
    "история",
    "профориентация",
    "олимпиады",
]
HOBBIES = ["шахматы", "футбол", "театр", "робототехника", "рисование", "музыка", "туризм"]
CATEGORIES = ["low_results", "outstanding_abilities", "detached", "disabilities"]


def uid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128))


def generated_programme(
    rng: random.Random, mentees: int, mentors: int, max_capacity: int
) -> tuple[list[MenteeCandidate], list[MentorCandidate]]:
    mentee_list = [
        MenteeCandidate(
            id=uid(rng),
            age=rng.randint(10, 17),
            categories=frozenset(rng.sample(CATEGORIES, rng.randint(0, 2))),
            needs=frozenset(rng.sample(TOPICS, rng.randint(1, 3))),
            interests=frozenset(rng.sample(HOBBIES, rng.randint(0, 3))),
        )
        for _ in range(mentees)
    ]
    mentor_list = [
        MentorCandidate(
            id=uid(rng),
            free_places=rng.randint(1, max_capacity),
            competences=frozenset(rng.sample(TOPICS, rng.randint(1, 4))),
            interests=frozenset(rng.sample(HOBBIES, rng.randint(0, 3))),
            preferred_age_min=rng.choice([None, 10, 12]),
            preferred_age_max=rng.choice([None, 14, 17]),
            preferred_categories=frozenset(rng.sample(CATEGORIES, rng.randint(0, 2))),
            hours_per_month=rng.choice([2, 4, 8]),
        )
        for _ in range(mentors)
    ]
    return mentee_list, mentor_list


def best_by_exhaustive_search(
    mentees: Sequence[MenteeCandidate], mentors: Sequence[MentorCandidate]
) -> int:
    """Try every way to give each mentee a mentor or nobody, within capacities."""
    best = 0
    for choice in itertools.product([None, *mentors], repeat=len(mentees)):
        load = Counter(m.id for m in choice if m is not None)
        if any(load[m.id] > m.free_places for m in mentors):
            continue
        total = sum(
            max(score(mentee, mentor).score, 0)
            for mentee, mentor in zip(mentees, choice, strict=True)
            if mentor is not None
        )
        best = max(best, total)
    return best


def check_capacity(result: Assignment, mentors: Sequence[MentorCandidate], mentees: int) -> None:
    load = Counter(p.mentor_id for p in result.pairs)
    assert all(load[m.id] <= m.free_places for m in mentors)
    placed = [p.mentee_id for p in result.pairs]
    assert len(placed) == len(set(placed))
    assert len(placed) + len(result.unmatched) == mentees


def test_the_assignment_equals_the_optimum_of_exhaustive_search() -> None:
    rng = random.Random(7)
    for _ in range(150):
        mentees, mentors = generated_programme(
            rng, rng.randint(1, 5), rng.randint(1, 3), max_capacity=2
        )

        result = assign(mentees, mentors)

        assert result.total == best_by_exhaustive_search(mentees, mentors)
        check_capacity(result, mentors, len(mentees))


def test_on_a_school_it_beats_greedy_and_never_exceeds_a_capacity() -> None:
    rng = random.Random(2025)
    mentees, mentors = generated_programme(rng, 300, 60, max_capacity=5)

    optimal = assign(mentees, mentors)
    greedy = assign_greedily(mentees, mentors)

    check_capacity(optimal, mentors, 300)
    check_capacity(greedy, mentors, 300)
    assert optimal.total > greedy.total
    print(f"\nmatching 300×60: optimal {optimal.total}, greedy {greedy.total}")


def test_a_score_is_explained_reason_by_reason() -> None:
    mentee = MenteeCandidate(
        id=UUID(int=1),
        age=13,
        categories=frozenset({"outstanding_abilities"}),
        needs=frozenset({"Математика", "химия"}),
        interests=frozenset({"шахматы", "театр"}),
    )
    mentor = MentorCandidate(
        id=UUID(int=2),
        free_places=1,
        competences=frozenset({"математика", "физика"}),
        interests=frozenset({"Шахматы"}),
        preferred_age_min=11,
        preferred_age_max=15,
        preferred_categories=frozenset({"outstanding_abilities"}),
        hours_per_month=8,
    )

    suggestion = score(mentee, mentor)

    assert [(r.text, r.points) for r in suggestion.reasons] == [
        ("запрос «математика» — компетенция наставника", NEED_MET),
        ("общий интерес «шахматы»", SHARED_INTEREST),
        ("возраст 13 в предпочтениях наставника (11–15)", AGE_FITS),
        ("категория «проявляющий выдающиеся способности» в предпочтениях наставника", 4),
        ("у наставника есть время: 8 ч в месяц", 2),
    ]
    assert suggestion.score == sum(r.points for r in suggestion.reasons) == 24


def test_suggestions_rank_mentors_with_free_places_best_first() -> None:
    mentee = MenteeCandidate(id=UUID(int=1), needs=frozenset({"физика"}))
    full = MentorCandidate(id=UUID(int=2), free_places=0, competences=frozenset({"физика"}))
    good = MentorCandidate(id=UUID(int=3), free_places=1, competences=frozenset({"физика"}))
    weak = MentorCandidate(id=UUID(int=4), free_places=2, hours_per_month=8)

    [first, second] = suggestions([mentee], [full, good, weak], per_mentee=2)[mentee.id]

    assert (first.mentor_id, first.score) == (good.id, NEED_MET)
    assert (second.mentor_id, second.score) == (weak.id, 2)


def test_a_mentee_nobody_suits_stays_unmatched() -> None:
    mentee = MenteeCandidate(id=UUID(int=1), age=17, needs=frozenset({"химия"}))
    mentor = MentorCandidate(id=UUID(int=2), free_places=3, preferred_age_max=12)

    result = assign([mentee], [mentor])

    assert result.pairs == []
    assert result.unmatched == [mentee.id]


async def test_a_school_sees_its_matching_with_reasons_and_the_region_sees_none(
    world: World,
) -> None:
    coordinator = world.coordinator("s1")
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Учитель Математики", "mentor", capacity=1)
    await world.api.command(
        "registry",
        f"/people/{mentor}/mentor-questionnaire",
        coordinator,
        {
            "competences": ["математика"],
            "interests": [],
            "hours_per_month": 8,
            "capacity": 1,
            "preferred_age_min": 10,
            "preferred_age_max": 14,
        },
        expect=200,
        method="PUT",
    )
    mentees = {}
    for name, needs in (("Ученик Алгебра", ["математика"]), ("Ученик Хор", ["пение"])):
        mentees[name] = await world.person("s1", name, "mentee", birth_date=date(2013, 1, 1))
        await world.api.command(
            "registry",
            f"/people/{mentees[name]}/mentee-profile",
            coordinator,
            {"categories": [], "needs": needs},
            expect=200,
            method="PUT",
        )
    await world.person("s1", "Ученик Без Согласия", "mentee", consent=False)
    query = """query($id: ID!) { programmeMatching(programmeId: $id) {
        suggestions { mentee { fullName } options { mentor { fullName } score reasons { text } } }
        assignment { mentee { fullName } mentor { fullName } score }
        assignmentTotal unmatched { fullName } } }"""

    school = (await world.api.graphql(coordinator, query, id=programme))["data"]
    region = (
        await world.api.graphql(world.token(Role.REGION_OFFICER, "region"), query, id=programme)
    )["data"]

    matching_view = school["programmeMatching"]
    assert matching_view["assignment"] == [
        {
            "mentee": {"fullName": "Ученик Алгебра"},
            "mentor": {"fullName": "Учитель Математики"},
            "score": 17,
        }
    ]
    assert matching_view["unmatched"] == [{"fullName": "Ученик Хор"}]
    options = {s["mentee"]["fullName"]: s["options"] for s in matching_view["suggestions"]}
    assert set(options) == {"Ученик Алгебра", "Ученик Хор"}  # no consent, no suggestion
    assert [r["text"] for r in options["Ученик Алгебра"][0]["reasons"]] == [
        "запрос «математика» — компетенция наставника",
        f"возраст {region_today().year - 2013} в предпочтениях наставника (10–14)",
        "у наставника есть время: 8 ч в месяц",
    ]
    assert region["programmeMatching"] is None
