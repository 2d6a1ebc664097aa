"""The values programs' events carry and its readers interpret: a programme's stages, a roadmap
item's status and deadline, a survey's purpose, a nomination and its result, and who may mentor
in a form.

Published beside the event contracts and the labels: the domain decides with these, and reporting
reads them without importing programs' domain. Pure: the kernel and the dictionaries only. The
events store an enumeration's value (`Stage` its number, the others their codes), never its class,
so these moved here from the domain without touching a stored event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from shared.dictionaries import SCHOOL_YEAR_STARTS_MONTH, MentoringForm
from shared.kernel.errors import RuleViolated

PUPIL = "student"  # the registry's kind of a school's pupil (обучающийся)


class Stage(IntEnum):
    """The seven stages of a programme (DOMAIN.md)."""

    PREPARING_CONDITIONS = 1
    MENTEE_BASE = 2
    MENTOR_BASE = 3
    MENTOR_SELECTION_AND_TRAINING = 4
    FORMING_PAIRS = 5
    WORK_OF_PAIRS = 6
    COMPLETION = 7


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Purpose(StrEnum):
    """What a survey is for."""

    ENTRY_DIAGNOSTICS = "entry_diagnostics"
    EXIT_DIAGNOSTICS = "exit_diagnostics"
    MENTEE_SATISFACTION = "mentee_satisfaction"
    MENTOR_SATISFACTION = "mentor_satisfaction"
    CURATOR = "curator"
    SWOT = "swot"
    OTHER = "other"


class Nomination(StrEnum):
    MENTOR_OF_THE_YEAR = "mentor_of_the_year"
    BEST_PAIR = "best_pair"
    BEST_PRACTICE = "best_practice"


class AwardResult(StrEnum):
    WINNER = "winner"
    PRIZE = "prize"
    PARTICIPANT = "participant"


def may_mentor(form: MentoringForm, kind: str) -> bool:
    """In «ученик – ученик» a pupil mentors; a pupil mentors in no other form."""
    return (kind == PUPIL) == (form == MentoringForm.STUDENT_STUDENT)


def may_be_mentored(form: MentoringForm, kind: str) -> bool:
    """«ученик – ученик» mentors pupils only."""
    return form != MentoringForm.STUDENT_STUDENT or kind == PUPIL


def day_in_school_year(school_year: str, month: int, day: int) -> date:
    """The date of «day.month» within a school year (September to August)."""
    start = int(school_year[:4])
    return date(start if month >= SCHOOL_YEAR_STARTS_MONTH else start + 1, month, day)


@dataclass(frozen=True)
class Deadline:
    """A roadmap item's deadline: a fixed date, or a recurring «by day.month each school year»."""

    on: date | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        recurring = self.month is not None and self.day is not None
        if (self.on is None) == (not recurring):
            raise RuleViolated(
                "deadline_shape", "Срок — либо дата, либо день и месяц каждого учебного года"
            )
        if recurring:
            try:
                date(2000, self.month or 0, self.day or 0)  # a leap year accepts 29 February
            except ValueError:
                raise RuleViolated("deadline_shape", "Такого дня в году нет") from None

    @property
    def recurring(self) -> bool:
        return self.on is None

    def in_school_year(self, school_year: str) -> date:
        if self.on is not None:
            return self.on
        return day_in_school_year(school_year, self.month or 0, self.day or 0)

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "month": self.month, "day": self.day}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deadline:
        return cls(on=data.get("on"), month=data.get("month"), day=data.get("day"))
