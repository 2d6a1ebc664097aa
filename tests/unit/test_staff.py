"""Staff in their own right (issue 20, point 6), in memory: a school's employee in neither base,
several kinds a person, staff roles with duties, an appointing act and a term, partners the
institute attracts, and the region's rule on who consents to the extra duty of mentoring."""

from __future__ import annotations

import json
from datetime import date, timedelta
from uuid import UUID

from services.registry import events as registry
from services.registry.application import NewAppointment, NewPerson
from services.registry.domain import (
    AppointingAct,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    PartnerKind,
    Person,
    PersonKind,
    StaffRole,
)
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

from .conftest import TODAY, School, duty_consent
from .test_event_contracts import STORE, decoded
from .test_rules import refusal

FORM = MentoringForm.TEACHER_YOUNG_SPECIALIST


def _register(
    school: School, kind: PersonKind, *others: PersonKind, roles: list[ParticipantRole]
) -> UUID:
    new = NewPerson(
        school_id=school.id,
        kind=kind,
        other_kinds=list(others),
        full_name=f"Человек {kind} {len(others)} {len(roles)}",
        birth_date=date(1980, 1, 1),
        roles=roles,
    )
    return school.registry.register_person(school.staff(), new)[0].id


def test_a_school_employee_is_staff_in_neither_base(school: School) -> None:
    psychologist = _register(school, PersonKind.PSYCHOLOGIST, roles=[])
    person = school.registry.load(Person, psychologist, "Человек")

    assert (person.is_mentor(), person.is_mentee()) == (False, False)
    assert person.is_employee()
    not_staff = refusal(
        school,
        school.registry.register_person,
        school.staff(),
        NewPerson(school.id, PersonKind.ALUMNUS, "Выпускник Никто", None, roles=[]),
    )
    assert not_staff == "not_staff"


def test_a_person_has_several_kinds(school: School) -> None:
    alumnus = _register(
        school, PersonKind.ALUMNUS, PersonKind.PARTNER_EMPLOYEE, roles=[ParticipantRole.MENTOR]
    )
    figure = _register(school, PersonKind.PUBLIC_FIGURE, roles=[ParticipantRole.MENTOR])

    person = school.registry.load(Person, alumnus, "Человек")
    assert person.kinds == {PersonKind.ALUMNUS, PersonKind.PARTNER_EMPLOYEE}
    assert not person.is_employee()
    assert school.registry.load(Person, figure, "Человек").kinds == {PersonKind.PUBLIC_FIGURE}
    # a teacher who is also a class teacher may be a mentee: one of her kinds is
    _register(school, PersonKind.CLASS_TEACHER, PersonKind.TEACHER, roles=[ParticipantRole.MENTEE])


def test_a_staff_role_carries_its_duties_act_and_term(school: School) -> None:
    deputy = _register(school, PersonKind.ADMINISTRATOR, roles=[])
    director = school.staff(Role.SCHOOL_DIRECTOR)
    assign = school.registry.assign_staff_role
    since = date(2023, 9, 6)
    external = AppointingAct(number="852", on=since)

    reversed_term = refusal(
        school,
        assign,
        director,
        deputy,
        StaffRole.COORDINATOR,
        NewAppointment(since=since, until=since - timedelta(days=1)),
    )
    half_an_act = refusal(
        school,
        assign,
        director,
        deputy,
        StaffRole.COORDINATOR,
        NewAppointment(since=since, act=AppointingAct(number="852")),
    )
    unknown_act = refusal(
        school,
        assign,
        director,
        deputy,
        StaffRole.COORDINATOR,
        NewAppointment(since=since, act=AppointingAct(act_id=deputy)),
    )
    duties = ["Формирование базы наставников и наставляемых.", "Контроль проведения программ."]
    assign(
        director,
        deputy,
        StaffRole.COORDINATOR,
        NewAppointment(since=since, duties=duties, act=external, until=date(2024, 8, 31)),
    )
    assign(director, deputy, StaffRole.CURATOR, NewAppointment(forms=[FORM], since=since))

    held = school.registry.load(Person, deputy, "Человек").staff_roles
    assert (reversed_term, half_an_act, unknown_act) == (
        "role_ends_before_start",
        "act_number_and_date",
        "act_not_found",
    )
    assert held[StaffRole.COORDINATOR].duties == duties
    assert held[StaffRole.COORDINATOR].act == external
    assert held[StaffRole.COORDINATOR].until == date(2024, 8, 31)
    assert sorted(held) == [StaffRole.COORDINATOR, StaffRole.CURATOR]


def test_the_institute_attracts_a_partner_of_any_kind(school: School) -> None:
    institute = Principal("ИРО", Role.INSTITUTE_METHODOLOGIST, Scope(school.region_path))
    register = school.registry.register_organisation
    museum, _ = register(
        institute,
        OrganisationKind.PARTNER,
        "Краеведческий музей",
        school.region,
        None,
        PartnerKind.CULTURE,
    )
    school.registry.sign_agreement(
        institute, museum.id, school.id, "7", TODAY, None, "Экскурсии наставников"
    )
    person, _ = register(
        institute,
        OrganisationKind.PARTNER,
        "Иванов И.И.",
        school.region,
        None,
        PartnerKind.PRIVATE_PERSON,
    )

    assert school.registry.load(Organisation, museum.id, "Партнёр").agreements
    assert person.partner_kind == PartnerKind.PRIVATE_PERSON


def _pair_of_teachers(school: School, programme: UUID, mentee_name: str) -> tuple[UUID, UUID]:
    mentor = school.mentor(f"Наставница для {mentee_name}")
    mentee = school.person(mentee_name)
    pair = school.programs.form_pair(school.staff(), programme, FORM, mentor, [mentee])
    return pair[0].id, mentee


def test_the_region_decides_who_consents_to_the_extra_duty(school: School) -> None:
    region = Principal("регион", Role.REGION_OFFICER, Scope(school.region_path))
    director = school.staff(Role.SCHOOL_DIRECTOR)
    rule, approve = school.registry.set_duty_consent_rule, school.programs.approve_pairs
    programme = school.programs.open_programme(school.staff(), school.id, "2025/26", "П", [FORM])
    first, _ = _pair_of_teachers(school, programme[0].id, "Первый Специалист")
    second, mentee = _pair_of_teachers(school, programme[0].id, "Второй Специалист")

    approve(director, programme[0].id, "1", TODAY, [first])  # by default, the mentor's alone
    without_mentor = refusal(school, rule, region, school.region, FORM, [ParticipantRole.MENTEE])
    by_school = refusal(school, rule, director, school.region, FORM, [ParticipantRole.MENTOR])
    rule(region, school.region, FORM, [ParticipantRole.MENTOR, ParticipantRole.MENTEE])
    mentee_lacks = refusal(school, approve, director, programme[0].id, "2", TODAY, [second])
    school.registry.sign_consent(school.staff(), mentee, duty_consent())
    approve(director, programme[0].id, "2", TODAY, [second])

    assert (without_mentor, by_school) == ("mentor_consent_required", "role_not_allowed")
    assert mentee_lacks == "duty_consent_missing"
    sides = school.registry.load(Organisation, school.region, "Регион").sides_consenting_to_duty
    assert sides(FORM) == {"mentor", "mentee"}
    assert sides(MentoringForm.TEACHER_STUDENT) == {"mentor"}


def test_people_and_staff_roles_stored_before_decode_with_one_kind_and_no_act() -> None:
    """A person of one kind and a staff role without duties, act or term, as stored before."""
    for contract, version in (
        (registry.PersonRegistered, 1),
        (registry.PersonStaffRoleAssigned, 2),
    ):
        old = [
            row
            for row in STORE["registry"]
            if row["topic"] == contract.stored_topic
            and json.loads(row["state"]).get("class_version", 1) <= version
        ]
        assert old, contract
        for row in old:
            event = decoded("registry", row)
            if isinstance(event, registry.PersonRegistered):
                assert event.other_kinds == []
            else:
                assert isinstance(event, registry.PersonStaffRoleAssigned)
                assert (event.duties, event.act_id, event.act_number, event.until) == (
                    [],
                    None,
                    None,
                    None,
                )
