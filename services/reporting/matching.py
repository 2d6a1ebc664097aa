"""Matching mentees with mentors: a score with its reasons for every possible pair, the best
suggestions per mentee, and the whole-programme assignment that maximises the total score under
the mentors' capacities (an optimal assignment, not a greedy loop). No I/O.

A read model's query, not a rule of programs: it scores what reporting's read models hold (the
registry's profiles and questionnaires, programs' pairs and rejected suggestions), and what it
suggests binds no one — the curator's command records the pair and its basis (suggested, chosen,
directive), which programs checks on its own. Kept in programs, it made reporting import the
write side and would have had programs read the registry's profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

import numpy as np
from scipy.optimize import linear_sum_assignment

from shared.dictionaries import CATEGORY_NAMES, MenteeCategory

# Points per reason. A pair scoring zero or less is no better than leaving the mentee unmatched.
NEED_MET = 10
SHARED_INTEREST = 3
AGE_FITS = 5
AGE_OUTSIDE = -5
CATEGORY_PREFERRED = 4
TIME_AVAILABLE = 2
ENOUGH_HOURS = 4


@dataclass(frozen=True)
class MenteeCandidate:
    id: UUID
    age: int | None = None
    categories: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()  # what the mentee asks help with, as topics
    interests: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MentorCandidate:
    id: UUID
    free_places: int  # capacity less the pairs the mentor already works in
    competences: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    preferred_age_min: int | None = None
    preferred_age_max: int | None = None
    preferred_categories: frozenset[str] = frozenset()
    hours_per_month: int = 0


@dataclass(frozen=True)
class Reason:
    text: str
    points: int


@dataclass(frozen=True)
class Suggestion:
    mentee_id: UUID
    mentor_id: UUID
    score: int
    reasons: tuple[Reason, ...]


@dataclass
class Assignment:
    pairs: list[Suggestion] = field(default_factory=list)
    unmatched: list[UUID] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.score for p in self.pairs)


def _normal(words: Iterable[str]) -> dict[str, str]:
    return {w.strip().casefold(): w.strip() for w in words if w.strip()}


def score(mentee: MenteeCandidate, mentor: MentorCandidate) -> Suggestion:
    """How well a mentor suits a mentee, and why."""
    reasons: list[Reason] = []
    competences = _normal(mentor.competences)
    for need in sorted(_normal(mentee.needs)):
        if need in competences:
            reasons.append(
                Reason(f"запрос «{competences[need]}» — компетенция наставника", NEED_MET)
            )
    shared = sorted(set(_normal(mentee.interests)) & set(_normal(mentor.interests)))
    reasons += [Reason(f"общий интерес «{i}»", SHARED_INTEREST) for i in shared]
    reasons += _age_reasons(mentee, mentor)
    for category in sorted(mentee.categories & mentor.preferred_categories):
        name = CATEGORY_NAMES.get(MenteeCategory(category), category)
        reasons.append(Reason(f"категория «{name}» в предпочтениях наставника", CATEGORY_PREFERRED))
    if mentor.hours_per_month >= ENOUGH_HOURS:
        reasons.append(
            Reason(f"у наставника есть время: {mentor.hours_per_month} ч в месяц", TIME_AVAILABLE)
        )
    return Suggestion(mentee.id, mentor.id, sum(r.points for r in reasons), tuple(reasons))


def _age_reasons(mentee: MenteeCandidate, mentor: MentorCandidate) -> list[Reason]:
    low, high = mentor.preferred_age_min, mentor.preferred_age_max
    if mentee.age is None or (low is None and high is None):
        return []
    span = f"{low or '…'}–{high or '…'}"
    if (low is None or low <= mentee.age) and (high is None or mentee.age <= high):
        return [Reason(f"возраст {mentee.age} в предпочтениях наставника ({span})", AGE_FITS)]
    return [Reason(f"возраст {mentee.age} вне предпочтений наставника ({span})", AGE_OUTSIDE)]


Rejected = frozenset[tuple[UUID, UUID]]  # (mentee, mentor) pairs the curator turned down


def suggestions(
    mentees: Sequence[MenteeCandidate],
    mentors: Sequence[MentorCandidate],
    per_mentee: int = 3,
    rejected: Rejected = frozenset(),
) -> dict[UUID, list[Suggestion]]:
    """The best mentors with a free place for each mentee, best first."""
    open_mentors = [m for m in mentors if m.free_places > 0]
    return {
        mentee.id: sorted(
            (
                score(mentee, mentor)
                for mentor in open_mentors
                if (mentee.id, mentor.id) not in rejected
            ),
            key=lambda s: (-s.score, str(s.mentor_id)),
        )[:per_mentee]
        for mentee in mentees
    }


def assign(
    mentees: Sequence[MenteeCandidate],
    mentors: Sequence[MentorCandidate],
    rejected: Rejected = frozenset(),
) -> Assignment:
    """The assignment with the greatest total score where no mentor exceeds their free places
    and no pair the curator rejected comes back.

    Each mentor becomes as many columns as free places, and each mentee gets a column of its
    own worth 0 ("stays unmatched"); the Hungarian method (scipy's `linear_sum_assignment`)
    then finds the maximum-weight matching exactly.
    """
    slots = [mentor for mentor in mentors for _ in range(max(mentor.free_places, 0))]
    if not mentees:
        return Assignment()
    scores = [[score(mentee, mentor) for mentor in slots] for mentee in mentees]
    forbidden = -(10**9)
    weights = np.full((len(mentees), len(slots) + len(mentees)), forbidden, dtype=np.int64)
    for row, mentee_scores in enumerate(scores):
        for column, suggestion in enumerate(mentee_scores):
            if (
                suggestion.score > 0
                and (suggestion.mentee_id, suggestion.mentor_id) not in rejected
            ):
                weights[row, column] = suggestion.score
        weights[row, len(slots) + row] = 0
    rows, columns = linear_sum_assignment(weights, maximize=True)
    result = Assignment()
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if column < len(slots) and weights[row, column] > 0:
            result.pairs.append(scores[row][column])
        else:
            result.unmatched.append(mentees[row].id)
    return result


def assign_greedily(
    mentees: Sequence[MenteeCandidate], mentors: Sequence[MentorCandidate]
) -> Assignment:
    """The obvious loop — each mentee in turn takes the best mentor still free. Kept as the
    baseline the optimal assignment is measured against."""
    free = {mentor.id: mentor.free_places for mentor in mentors}
    result = Assignment()
    for mentee in mentees:
        options = [score(mentee, m) for m in mentors if free[m.id] > 0]
        best = max(options, key=lambda s: s.score, default=None)
        if best is None or best.score <= 0:
            result.unmatched.append(mentee.id)
            continue
        free[best.mentor_id] -= 1
        result.pairs.append(best)
    return result
