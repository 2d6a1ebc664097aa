"""A school's own stage scheme and its own events, in memory: the seeds' schemes as written, an
event of the school with who was present, and every bad input refused with its code, storing
nothing."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from services.programs.domain import Attendance, Material, SchoolEventKind, Stage
from services.programs.domain.school_life import school_stages
from shared.kernel.errors import AppError, NotFound, PermissionDenied
from shared.kernel.principal import Role

from .conftest import TODAY, School, stored

# Seed 002 (Kremovo): six stages; its «организация хода» covers forming the pairs and their work.
KREMOVO = [
    ("Подготовка условий для запуска программы наставничества", [1]),
    ("Формирование базы наставляемых", [2]),
    ("Формирование базы наставников", [3]),
    ("Отбор и обучение наставников", [4]),
    ("Организация хода наставнической программы", [5, 6]),
    ("Завершение программы наставничества", [7]),
]


def test_a_stage_may_cover_several_of_the_seven_or_none() -> None:
    scheme = school_stages([*KREMOVO, ("Информационная поддержка системы наставничества", [])])

    assert scheme[4].stages == (Stage.FORMING_PAIRS, Stage.WORK_OF_PAIRS)
    assert scheme[6].stages == ()
    assert [stage.name for stage in scheme][:2] == [KREMOVO[0][0], KREMOVO[1][0]]


def test_several_stages_of_a_school_may_map_to_one() -> None:
    scheme = school_stages([("Диагностика", [2]), ("Сбор запросов", [2])])

    assert [stage.stages for stage in scheme] == [(Stage.MENTEE_BASE,), (Stage.MENTEE_BASE,)]


def test_a_school_writes_its_scheme_and_rewrites_it_whole(school: School) -> None:
    director = school.staff(Role.SCHOOL_DIRECTOR)
    before = stored(school)[1]

    school.programs.write_stage_scheme(director, school.id, KREMOVO)
    school.programs.write_stage_scheme(director, school.id, KREMOVO[:5])

    assert stored(school)[1] == before + 2


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ([], "stage_scheme_empty"),
        ([("Подготовка", [1]), ("подготовка ", [2])], "stage_name_repeated"),
        ([("Подготовка", [8])], "stage_unknown"),
        ([("Подготовка", [0, 1])], "stage_unknown"),
        ([("  ", [1])], "stage_name_missing"),
    ],
)
def test_a_bad_scheme_is_refused_and_nothing_stored(
    school: School, written: list[tuple[str, list[int]]], code: str
) -> None:
    before = stored(school)

    with pytest.raises(AppError) as refused:
        school.programs.write_stage_scheme(school.staff(Role.SCHOOL_DIRECTOR), school.id, written)

    assert refused.value.code == code
    assert stored(school) == before


def test_another_school_cannot_write_a_scheme(school: School) -> None:
    with pytest.raises(PermissionDenied):
        school.programs.write_stage_scheme(
            school.staff(Role.SCHOOL_DIRECTOR, other=True), school.id, KREMOVO
        )


def test_a_curator_records_a_group_meeting_with_who_was_present(school: School) -> None:
    mentor = school.mentor("Руденко Ольга Викторовна")
    before = stored(school)

    school.programs.record_school_event(
        school.staff(Role.SCHOOL_CURATOR),
        school.id,
        SchoolEventKind.GROUP_MEETING,
        TODAY - timedelta(days=3),
        "Групповая встреча наставников и наставляемых",
        Attendance(classes=("7А", "8Б"), person_ids=(mentor,)),
        (Material("Программа встречи"),),
    )

    assert stored(school)[1] == before[1] + 1


@pytest.mark.parametrize(
    ("kind", "days_ago", "materials", "code"),
    [
        (SchoolEventKind.PUBLICITY, 1, (Material("Новость на сайте"),), "publication_link_missing"),
        (SchoolEventKind.SEMINAR, -1, (), "effective_date_in_future"),
        (SchoolEventKind.SEMINAR, 1, (Material("Презентация", "ftp://x"),), "link_invalid"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_stored(
    school: School,
    kind: SchoolEventKind,
    days_ago: int,
    materials: tuple[Material, ...],
    code: str,
) -> None:
    before = stored(school)

    with pytest.raises(AppError) as refused:
        school.programs.record_school_event(
            school.staff(Role.SCHOOL_CURATOR),
            school.id,
            kind,
            TODAY - timedelta(days=days_ago),
            "Мероприятие",
            Attendance(),
            materials,
        )

    assert refused.value.code == code
    assert stored(school) == before


def test_present_must_be_the_schools_own(school: School) -> None:
    stranger = school.person("Чужой Иван Петрович", other=True)
    before = stored(school)

    with pytest.raises(AppError) as refused:
        school.programs.record_school_event(
            school.staff(Role.SCHOOL_CURATOR),
            school.id,
            SchoolEventKind.ROUND_TABLE,
            TODAY,
            "Круглый стол",
            Attendance(person_ids=(stranger,)),
            (),
        )
    with pytest.raises(NotFound):
        school.programs.record_school_event(
            school.staff(Role.SCHOOL_CURATOR),
            school.id,
            SchoolEventKind.ROUND_TABLE,
            TODAY,
            "Круглый стол",
            Attendance(pair_ids=(uuid4(),)),
            (),
        )

    assert refused.value.code == "other_school"
    assert stored(school) == before
