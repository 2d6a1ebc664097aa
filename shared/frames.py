"""The frames a programme belongs to (DOMAIN.md, «Two frames»): the students' target model
(распоряжение Р-145 of 25.12.2019) and the system of mentoring of pedagogical workers (the
recommendations sent by letter АЗ-1128/08 of 21.12.2021). Each frame has its own forms of
mentoring, the federal act its orders cite as their basis, and the heading its indicators are
reported under. A region sets each frame's introduction deadline (the registry's
`FrameDeadlines`); the deadlines are data, never here.

Codes are stable; Russian words are for people. Pure: the dictionaries only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.kernel.errors import RuleViolated


class Frame(StrEnum):
    STUDENTS = "students"
    TEACHERS = "teachers"


# What a programme opened before frames existed belongs to: all of them ran the students' model.
DEFAULT_FRAME = Frame.STUDENTS


@dataclass(frozen=True)
class FederalBasis:
    """The federal act a frame's orders are issued in accordance with, as the register of acts
    keeps an act's basis and as an order's preamble cites it."""

    issuer: str
    kind: str
    number: str
    on: date
    title: str
    cited: str  # the order's preamble: «В соответствии с {cited}, …»

    def as_act_basis(self) -> dict[str, object]:
        """The register of acts' shape of an external act (`ActRecorded.basis`)."""
        return {
            "act_id": None,
            "level": "federal",
            "issuer": self.issuer,
            "kind": self.kind,
            "number": self.number,
            "on": self.on.isoformat(),
            "title": self.title,
        }


@dataclass(frozen=True)
class FrameDefinition:
    frame: Frame
    name: str  # as a page names it: «Целевая модель наставничества обучающихся»
    heading: str  # the heading its indicators are reported under
    forms: tuple[MentoringForm, ...]
    basis: FederalBasis


MINISTRY = "Министерства просвещения Российской Федерации"  # as a basis cites it: «письмо …»

FRAMES: dict[Frame, FrameDefinition] = {
    Frame.STUDENTS: FrameDefinition(
        Frame.STUDENTS,
        "Целевая модель наставничества обучающихся",
        "Показатели целевой модели наставничества",
        (
            MentoringForm.STUDENT_STUDENT,
            MentoringForm.TEACHER_STUDENT,
            MentoringForm.UNIVERSITY_STUDENT_STUDENT,
            MentoringForm.EMPLOYER_STUDENT,
            MentoringForm.EMPLOYER_UNIVERSITY_STUDENT,
        ),
        FederalBasis(
            MINISTRY,
            "распоряжение",
            "Р-145",
            date(2019, 12, 25),
            "Об утверждении методологии (целевой модели) наставничества обучающихся для"
            " организаций, осуществляющих образовательную деятельность по общеобразовательным,"
            " дополнительным общеобразовательным и программам среднего профессионального"
            " образования",
            "распоряжением Министерства просвещения Российской Федерации"
            " от 25 декабря 2019 г. № Р-145",
        ),
    ),
    Frame.TEACHERS: FrameDefinition(
        Frame.TEACHERS,
        "Система наставничества педагогических работников",
        "Показатели системы наставничества педагогических работников",
        (
            MentoringForm.TEACHER_YOUNG_SPECIALIST,
            MentoringForm.TEACHER_TEACHER,
            MentoringForm.DIRECTOR_TEACHER,
        ),
        FederalBasis(
            MINISTRY,
            "письмо",
            "АЗ-1128/08",
            date(2021, 12, 21),
            "О направлении методических рекомендаций по разработке и внедрению системы"
            " (целевой модели) наставничества педагогических работников в образовательных"
            " организациях",
            "методическими рекомендациями по разработке и внедрению системы (целевой модели)"
            " наставничества педагогических работников в образовательных организациях,"
            " направленными письмом Министерства просвещения Российской Федерации"
            " от 21 декабря 2021 г. № АЗ-1128/08",
        ),
    ),
}

FRAME_NAMES = {frame: definition.name for frame, definition in FRAMES.items()}


def frame_named(code: str) -> Frame:
    """The frame a command names; an unknown one is refused in words a school understands."""
    if code not in set(Frame):
        raise RuleViolated(
            "frame_unknown",
            f"Неизвестная рамка наставничества «{code}»: выберите целевую модель наставничества"
            " обучающихся или систему наставничества педагогических работников",
            field="frame",
        )
    return Frame(code)


def frame_of(code: str | None) -> FrameDefinition:
    """A stored frame's definition; a programme stored before frames belongs to the default."""
    return FRAMES[Frame(code or DEFAULT_FRAME)]


def foreign_forms(frame: Frame, forms: list[MentoringForm]) -> list[str]:
    """The Russian names of the forms among `forms` that the frame does not run."""
    own = FRAMES[frame].forms
    return [FORM_NAMES[form] for form in forms if form not in own]
