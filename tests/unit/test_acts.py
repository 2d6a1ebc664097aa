"""The register of acts, in memory: what an act may be, its effective date from its marks, and
every bad input refused with its code, storing nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from services.programs.domain.acts import (
    Act,
    ActDraft,
    ActKind,
    ApprovalMark,
    BasisRef,
    MarkKind,
    Participant,
    Point,
    PointKind,
    SourceLevel,
)
from shared.kernel.errors import AppError
from shared.kernel.principal import Principal, Role

from .conftest import TODAY, School, stored

R_145 = BasisRef(
    level=SourceLevel.FEDERAL,
    issuer="Министерства просвещения Российской Федерации",
    kind="распоряжение",
    number="Р-145",
    on=date(2019, 12, 25),
    title="Об утверждении методологии (целевой модели) наставничества обучающихся",
)
REGULATION = ActDraft(
    kind=ActKind.REGULATION,
    title="Положение о системе наставничества педагогических работников",
    act_date=date(2023, 8, 29),
    marks=(
        ApprovalMark(MarkKind.APPROVED, "директор", date(2023, 8, 30), signer="Е.Б. Гончар"),
        ApprovalMark(MarkKind.ACCEPTED, "педагогический совет", date(2023, 8, 29), "1"),
        ApprovalMark(MarkKind.AGREED, "управляющий совет", date(2023, 8, 29), "2"),
        ApprovalMark(MarkKind.AGREED, "совет обучающихся", date(2023, 8, 29), "1"),
    ),
)
ORDER = ActDraft(
    kind=ActKind.ORDER,
    title="О внедрении целевой модели наставничества",
    act_date=date(2020, 9, 28),
    number="234-а",
    register="по основной деятельности",
    basis=(R_145,),
    points=(
        Point(PointKind.TEXT, "Внедрить целевую модель наставничества"),
        Point(
            PointKind.PROJECT_GROUP,
            "Утвердить состав рабочей группы",
            people=(
                Participant("Махова И.Ю.", "директор", role="руководитель"),
                Participant("Косова Е.М.", "старший методист", role="член группы"),
            ),
        ),
    ),
)


def director(school: School) -> Principal:
    return school.staff(Role.SCHOOL_DIRECTOR)


def record(school: School, draft: ActDraft, organisation: UUID | None = None) -> UUID:
    act_id, _ = school.programs.record_act(director(school), organisation or school.id, draft)
    return act_id


def refused(school: School, draft: ActDraft, principal: Principal | None = None) -> str:
    before = stored(school)
    with pytest.raises(AppError) as refusal:
        school.programs.record_act(principal or director(school), school.id, draft)
    assert stored(school) == before
    return refusal.value.code


def test_a_regulation_with_four_marks_and_no_number_takes_effect_from_the_last(
    school: School,
) -> None:
    act = school.programs.load(Act, record(school, REGULATION), "Акт")
    recorded = school.programs.events.get(act.id)
    [event] = list(recorded)

    assert act.kind == ActKind.REGULATION
    assert event.effective_from == date(2023, 8, 30)  # type: ignore[attr-defined]
    # kept in their legal order whatever order they were typed in
    assert [m["kind"] for m in event.marks] == [  # type: ignore[attr-defined]
        "accepted",
        "agreed",
        "agreed",
        "approved",
    ]


def test_a_regulation_may_come_before_any_order_and_an_order_may_follow_it(
    school: School,
) -> None:
    regulation = record(school, REGULATION)
    order = replace(ORDER, basis=(R_145, BasisRef(act_id=regulation)), act_date=date(2023, 9, 1))

    assert record(school, order) != regulation


def test_a_municipality_keeps_its_own_acts_and_a_school_follows_them(school: School) -> None:
    officer = school.staff(Role.MUNICIPALITY_OFFICER, path=school.path_of(school.municipality))
    municipal = replace(ORDER, number="94-13", act_date=date(2023, 6, 2), points=())
    act_id, _ = school.programs.record_act(officer, school.municipality, municipal)

    followed = replace(ORDER, basis=(BasisRef(act_id=act_id),))
    assert record(school, followed)
    # the school's director keeps no municipal acts, the officer none of a school's
    assert refused(school, municipal, school.staff(Role.SCHOOL_CURATOR)) == "role_not_allowed"
    assert refused(school, ORDER, officer) == "role_not_allowed"


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        (replace(ORDER, number="  "), "number_blank"),
        (replace(ORDER, number=""), "number_missing"),
        (replace(ORDER, act_date=TODAY + timedelta(days=1)), "act_date_in_future"),
        (
            replace(
                REGULATION,
                marks=(
                    ApprovalMark(MarkKind.APPROVED, "директор", date(2023, 8, 28)),
                    ApprovalMark(MarkKind.ACCEPTED, "педагогический совет", date(2023, 8, 29)),
                ),
            ),
            "marks_out_of_order",
        ),
        (
            replace(REGULATION, marks=(REGULATION.marks[0], REGULATION.marks[0])),
            "mark_repeated",
        ),
        (replace(ORDER, effective_from=date(2020, 9, 27)), "effective_before_act_date"),
        (replace(REGULATION, effective_from=date(2023, 8, 29)), "effective_before_marks"),
        (replace(ORDER, valid_until=date(2020, 9, 1)), "term_before_effective"),
        (replace(ORDER, basis=(BasisRef(act_id=uuid4()),)), "basis_not_found"),
        (replace(ORDER, supersedes=(uuid4(),)), "superseded_not_found"),
        (
            replace(
                ORDER,
                points=(
                    Point(
                        PointKind.PROJECT_GROUP,
                        "Утвердить группу",
                        people=(Participant("Косова Е.М."),),
                    ),
                ),
            ),
            "group_head_missing",
        ),
        (
            replace(ORDER, points=(Point(PointKind.ASSIGNMENT, "Внести изменения"),)),
            "point_people_missing",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    school: School, draft: ActDraft, code: str
) -> None:
    assert refused(school, draft) == code


def test_a_number_is_given_once_per_journal_and_year(school: School) -> None:
    record(school, ORDER)

    assert refused(school, replace(ORDER, number="234-А")) == "number_taken"
    # another journal, another year: the same number is another act's
    assert record(school, replace(ORDER, register="по личному составу"))
    assert record(school, replace(ORDER, act_date=date(2021, 1, 11)))


def test_an_act_of_another_school_is_no_basis(school: School) -> None:
    other = school.staff(Role.SCHOOL_DIRECTOR, other=True)
    theirs, _ = school.programs.record_act(other, school.other, ORDER)

    assert refused(school, replace(ORDER, basis=(BasisRef(act_id=theirs),))) == "basis_not_found"


def test_a_later_act_supersedes_an_earlier_one_of_the_register(school: School) -> None:
    first = record(school, REGULATION)
    second = replace(
        REGULATION,
        act_date=date(2024, 8, 30),
        marks=(ApprovalMark(MarkKind.APPROVED, "директор", date(2024, 8, 30)),),
        supersedes=(first,),
    )

    assert record(school, second)
