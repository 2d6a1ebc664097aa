"""The values programs' events carry and its readers interpret: a programme's stages, a roadmap
item's status, a survey's purpose, a nomination and its result, and who may mentor in a form (a
roadmap item's deadline is `deadlines.py`'s).

Published beside the event contracts and the labels: the domain decides with these, and reporting
reads them without importing programs' domain. Pure: it imports the dictionaries only. The
events store an enumeration's value (`Stage` its number, the others their codes), never its class,
so these moved here from the domain without touching a stored event.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from shared.dictionaries import MentoringForm

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


class SchoolEventKind(StrEnum):
    """What a school's own event is (an event of the school, not of one pair)."""

    GROUP_MEETING = "group_meeting"  # групповая встреча наставников и наставляемых
    ORIENTATION_SESSION = "orientation_session"  # установочная сессия наставников
    CONFERENCE = "conference"  # школьная конференция
    SEMINAR = "seminar"
    ROUND_TABLE = "round_table"  # итоговое мероприятие, круглый стол
    MENTOR_COURSE = "mentor_course"  # the school's own training of its mentors
    PUBLICITY = "publicity"  # освещение итогов: a publication, with its link


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ResponsibilityPart(StrEnum):
    """What of its programmes a school makes a staff person responsible for. `ORDERS` is named
    to be refused: approving orders is the director's by law and never granted."""

    STAGE = "stage"  # one of the seven stages, by number
    FORM = "form"  # a form of mentoring, by code
    BLOCK = "block"  # a block of the roadmap as written, by its number
    PAIR = "pair"  # a pair or group, by id
    ORDERS = "orders"


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
