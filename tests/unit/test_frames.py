"""Frames in memory: a programme's frame and its forms, the region's deadlines, and programmes
stored before frames reading as the students' model."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from services.programs.domain import Programme
from services.programs.events import ProgrammeOpened
from services.registry.domain import FrameDeadlines
from services.reporting.runner import CONTRACTS
from shared.adapters.eventstore import make_transcoder
from shared.dictionaries import MentoringForm
from shared.frames import FRAMES, Frame
from shared.indicators import INDICATORS
from shared.kernel.errors import RuleViolated
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

from .conftest import School, stored
from .test_rules import refusal

TEACHERS_FORMS = [MentoringForm.TEACHER_YOUNG_SPECIALIST, MentoringForm.TEACHER_TEACHER]


def test_each_form_belongs_to_exactly_one_frame() -> None:
    owners = [frame for frame, d in FRAMES.items() for _ in d.forms]
    forms = [form for d in FRAMES.values() for form in d.forms]

    assert sorted(forms) == sorted(MentoringForm)
    assert owners.count(Frame.TEACHERS) == 3


def test_only_the_young_teachers_indicator_is_the_teachers_systems() -> None:
    assert [i.code for i in INDICATORS if i.frame == Frame.TEACHERS] == ["young_teachers_mentored"]


@pytest.mark.parametrize(
    ("frame", "forms", "expected"),
    [
        (None, TEACHERS_FORMS, Frame.TEACHERS),
        (None, [MentoringForm.TEACHER_STUDENT], Frame.STUDENTS),
        # a client that names no frame mixes them as before frames: the students' model
        (None, [MentoringForm.STUDENT_STUDENT, *TEACHERS_FORMS], Frame.STUDENTS),
        ("teachers", TEACHERS_FORMS, Frame.TEACHERS),
        ("students", [MentoringForm.EMPLOYER_STUDENT], Frame.STUDENTS),
    ],
)
def test_a_programmes_frame_is_the_one_named_or_the_one_its_forms_say(
    frame: str | None, forms: list[MentoringForm], expected: Frame
) -> None:
    assert Programme.check_frame(frame, forms) == expected


@pytest.mark.parametrize(
    ("frame", "forms", "code"),
    [
        ("parents", [MentoringForm.TEACHER_STUDENT], "frame_unknown"),
        ("students", [MentoringForm.TEACHER_STUDENT, *TEACHERS_FORMS], "form_not_in_frame"),
        ("teachers", [MentoringForm.STUDENT_STUDENT], "form_not_in_frame"),
    ],
)
def test_a_programme_outside_its_frame_stores_nothing(
    school: School, frame: str, forms: list[MentoringForm], code: str
) -> None:
    assert (
        refusal(
            school,
            school.programs.open_programme,
            school.staff(),
            school.id,
            "2025/26",
            "Программа",
            forms,
            None,
            frame,
        )
        == code
    )


def test_a_school_opens_one_programme_of_each_frame(school: School) -> None:
    students, _ = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Обучающиеся", [MentoringForm.TEACHER_STUDENT]
    )
    teachers, _ = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Педагоги", TEACHERS_FORMS, None, "teachers"
    )

    assert (students.frame, teachers.frame) == (Frame.STUDENTS, Frame.TEACHERS)


def _region_officer(school: School) -> Principal:
    return Principal("region-1", Role.REGION_OFFICER, Scope(school.region_path))


@pytest.mark.parametrize(
    ("frame", "deadline", "code"),
    [
        ("parents", date(2026, 1, 1), "frame_unknown"),
        ("teachers", date(2021, 12, 21), "deadline_before_basis"),  # the letter's own day
        ("students", date(2019, 12, 1), "deadline_before_basis"),
    ],
)
def test_a_deadline_the_frame_cannot_have_stores_nothing(
    school: School, frame: str, deadline: date, code: str
) -> None:
    command = school.registry.set_frame_deadline
    assert refusal(school, command, _region_officer(school), school.region, frame, deadline) == code


def test_the_region_sets_and_moves_a_deadline_once_each(school: School) -> None:
    officer = _region_officer(school)
    school.registry.set_frame_deadline(officer, school.region, "teachers", date(2023, 9, 1))
    school.registry.set_frame_deadline(officer, school.region, "teachers", date(2024, 9, 1))
    deadlines = school.registry.load(
        FrameDeadlines, FrameDeadlines.id_for(school.region), "Сроки"
    ).deadlines

    assert deadlines == {Frame.TEACHERS: date(2024, 9, 1)}
    before = stored(school)
    with pytest.raises(RuleViolated, match="Срок внедрения уже такой"):
        school.registry.set_frame_deadline(officer, school.region, "teachers", date(2024, 9, 1))
    assert stored(school) == before


def test_a_programme_stored_before_frames_reads_as_the_students_model() -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "event_store.json"
    rows = json.loads(fixture.read_text())["programs"]
    row = next(r for r in rows if r["topic"].endswith("Programme.Opened"))
    state = make_transcoder().decode(row["state"].encode())
    assert "frame" not in state  # as the store holds it

    event = CONTRACTS["programs"].decode(
        row["topic"], UUID(row["originator_id"]), row["originator_version"], state
    )

    assert isinstance(event, ProgrammeOpened)
    assert event.frame == "students"
