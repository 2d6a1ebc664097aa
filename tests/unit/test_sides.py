"""Sides of a pair or group, in memory: a class on each side (its pupils checked against the
registry), a team of mentors each carrying the load, supporting teachers beside the sides;
what is refused stores nothing; an old pair's one mentor is a mentor side of one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.programs.application import ClassSide, NewPair
from services.programs.domain import MentorLoad, Pair, Pupil, SchoolClass, Side
from services.programs.events import PairFormed, one_person_mentor_side
from services.programs.labels import class_name
from services.registry.application.base import NewConsent
from services.registry.application.people import NewPerson
from services.registry.domain import ConsentKind, ParticipantRole, PersonKind
from shared.dictionaries import MentoringForm
from shared.kernel.errors import RuleViolated

from .conftest import TODAY, School
from .test_rules import refusal

STUDENTS = MentoringForm.STUDENT_STUDENT


def pupil(school: School, name: str, grade: str, other: bool = False) -> UUID:
    consent = NewConsent(
        ConsentKind.PERSONAL_DATA, TODAY - timedelta(days=60), None, f"Родитель {name}", "мать"
    )
    new = NewPerson(
        school_id=school.other if other else school.id,
        kind=PersonKind.STUDENT,
        full_name=name,
        birth_date=date(2012, 3, 1),
        roles=[ParticipantRole.MENTEE],
        grade=grade,
        consent=consent,
    )
    return school.registry.register_person(school.staff(other=other), new)[0].id


def a_class(school: School, label: str, size: int = 2, other: bool = False) -> ClassSide:
    return ClassSide(label, tuple(pupil(school, f"{label} {n}", label, other) for n in range(size)))


def programme(school: School, *forms: MentoringForm) -> UUID:
    return school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Программа", list(forms) or [STUDENTS]
    )[0].id


def test_a_class_mentors_a_class_that_mentors_a_class(school: School) -> None:
    seventh, sixth, fifth = (a_class(school, label) for label in ("7А", "6Б", "5В"))
    teacher = school.person("Сопровождающая Учительница")
    opened = programme(school)

    first, _ = school.programs.form_group(
        school.staff(),
        opened,
        NewPair(
            STUDENTS,
            None,
            [],
            mentor_classes=(seventh,),
            mentee_classes=(sixth,),
            supporting_ids=(teacher,),
        ),
    )
    second, _ = school.programs.form_group(
        school.staff(),
        opened,
        NewPair(STUDENTS, None, [], mentor_classes=(sixth,), mentee_classes=(fifth,)),
    )

    assert first.mentor_ids == list(seventh.pupil_ids)
    assert first.mentee_ids == second.mentor_ids == list(sixth.pupil_ids)
    assert [(c.side, c.label) for c in first.classes] == [(Side.MENTOR, "7А"), (Side.MENTEE, "6Б")]
    assert first.supporting_ids == [teacher]
    assert teacher in first.people
    assert teacher not in first.members
    assert first.mentors_in_person == []  # a class's pupils carry no mentor's load


def test_a_team_of_mentors_each_carries_the_mentee(school: School) -> None:
    opened = programme(school, MentoringForm.TEACHER_STUDENT)
    teacher, specialist = school.mentor("Учитель Команды"), school.mentor("Специалист Команды")
    mentee = school.person("Ученик Команды")

    pair, _ = school.programs.form_group(
        school.staff(),
        opened,
        NewPair(MentoringForm.TEACHER_STUDENT, teacher, [mentee], mentor_ids=(specialist,)),
    )
    loads, _ = school.programs.find_many([MentorLoad.id_for(m) for m in (teacher, specialist)])

    assert pair.mentor_ids == [teacher, specialist]
    assert pair.mentor_id == teacher
    assert sorted(load.mentees for load in loads.values() if isinstance(load, MentorLoad)) == [
        1,
        1,
    ]


@pytest.mark.parametrize(
    ("sides", "code"),
    [
        ("other_school", "class_of_other_school"),
        ("both_sides", "same_person"),
        ("other_class", "not_of_class"),
        ("supporting_mentor", "supporting_in_side"),
        ("no_mentor", "no_mentors"),
    ],
)
def test_bad_sides_are_refused_and_store_nothing(school: School, sides: str, code: str) -> None:
    opened = programme(school)
    seventh, sixth = a_class(school, "7А"), a_class(school, "6Б")
    cases: dict[str, Any] = {
        "other_school": {
            "mentor_classes": (seventh,),
            "mentee_classes": (a_class(school, "6Б", other=True),),
        },
        "both_sides": {"mentor_classes": (seventh,), "mentee_ids": [seventh.pupil_ids[0]]},
        "other_class": {
            "mentor_classes": (ClassSide("5В", seventh.pupil_ids),),
            "mentee_classes": (sixth,),
        },
        "supporting_mentor": {
            "mentor_classes": (seventh,),
            "mentee_classes": (sixth,),
            "supporting_ids": (seventh.pupil_ids[0],),
        },
        "no_mentor": {"mentee_classes": (sixth,)},
    }
    body = {"mentee_ids": []} | cases[sides]
    new = NewPair(STUDENTS, None, **body)

    assert refusal(school, school.programs.form_group, school.staff(), opened, new) == code


def test_a_class_from_another_school_is_named_in_the_message() -> None:
    school_id, elsewhere = uuid4(), uuid4()
    seventh = SchoolClass(Side.MENTEE, "7А", (uuid4(),))

    with pytest.raises(RuleViolated) as refused:
        Pair.check_class(seventh, school_id, [Pupil(seventh.pupil_ids[0], elsewhere, "7А")])

    assert refused.value.message == "7 «А» класс — из другой школы"


def test_classes_are_written_as_an_order_writes_them() -> None:
    assert [class_name(label) for label in ("7А", "11б", "5 В", "10")] == [
        "7 «А» класс",
        "11 «Б» класс",
        "5 «В» класс",
        "10 класс",
    ]


def test_an_old_pairs_mentor_is_a_mentor_side_of_one() -> None:
    mentor = uuid4().hex
    state: dict[str, Any] = {"mentor_id": mentor, "mentee_ids": []}

    one_person_mentor_side(state)

    assert state == {"mentor_ids": [mentor], "mentee_ids": [], "classes": [], "supporting_ids": []}
    assert PairFormed.upcasts[-1] is one_person_mentor_side
