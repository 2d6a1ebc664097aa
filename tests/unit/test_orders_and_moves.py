"""Rules of a director's order, of staff roles and of a school's move to another municipality,
on the in-memory store."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from services.programs.domain import Pair, PairStatus
from services.registry.application import NewAppointment, NewConsent, NewPerson, token_role_of
from services.registry.domain import (
    ConsentKind,
    OrganisationKind,
    ParticipantRole,
    Person,
    PersonKind,
    StaffRole,
)
from shared.dictionaries import MentoringForm
from shared.kernel.errors import AppError, RuleViolated
from shared.kernel.principal import Role
from shared.kernel.scope import Level, depth

from .conftest import TODAY, School, duty_consent, meeting

FORM = MentoringForm.TEACHER_STUDENT


def code_of(command: object, *args: object) -> str:
    with pytest.raises(AppError) as refused:
        command(*args)  # type: ignore[operator]
    return refused.value.code


def proposed_pairs(school: School, mentor: UUID, count: int) -> tuple[UUID, list[UUID]]:
    programme = school.programs.open_programme(school.staff(), school.id, "2025/26", "П", [FORM])
    mentees = [school.person(f"Наставляемый {n}") for n in range(count)]
    pairs = [
        school.programs.form_pair(school.staff(), programme[0].id, FORM, mentor, [mentee])[0].id
        for mentee in mentees
    ]
    return programme[0].id, pairs


def test_only_pairs_approved_by_the_directors_order_start_working(school: School) -> None:
    mentor = school.person("Учитель Без Согласия", ParticipantRole.MENTOR, capacity=2)
    programme, pairs = proposed_pairs(school, mentor, 2)
    director = school.staff(Role.SCHOOL_DIRECTOR)
    approve = school.programs.approve_pairs
    curator = school.curator()

    too_early = code_of(school.programs.record_meeting, curator, pairs[0], meeting())
    no_duty_consent = code_of(approve, director, programme, "1-н", TODAY, pairs)
    by_coordinator = code_of(approve, school.staff(), programme, "1-н", TODAY, pairs)
    school.registry.sign_consent(school.staff(), mentor, duty_consent())
    repeated = code_of(approve, director, programme, "2-н", TODAY, [pairs[0], pairs[0]])
    approve(director, programme, "2-н", TODAY, pairs)
    twice = code_of(approve, director, programme, "3-н", TODAY, [pairs[0]])
    school.programs.record_meeting(curator, pairs[0], meeting())

    assert too_early == "pair_not_approved"
    assert no_duty_consent == "duty_consent_missing"
    assert by_coordinator == "role_not_allowed"
    assert (repeated, twice) == ("repeated_pair", "pair_not_proposed")
    assert {school.programs.load(Pair, p, "Пара").status for p in pairs} == {PairStatus.ACTIVE}


def test_a_school_moved_to_another_municipality_takes_its_people_and_pairs_along(
    school: School,
) -> None:
    mentor = school.mentor("Переезжающий Наставник")
    programme, [pair] = proposed_pairs(school, mentor, 1)
    officer = school.staff(Role.REGION_OFFICER, path=school.region_path)

    new_path, _ = school.registry.move_school(officer, school.id, school.municipality_2)
    stale = code_of(school.registry.sign_consent, school.staff(), mentor, duty_consent())
    moved = school.staff(path=new_path)
    school.registry.sign_consent(moved, mentor, NewConsent(ConsentKind.ADDITIONAL_DUTY, TODAY))
    school.programs.approve_pairs(
        school.staff(Role.SCHOOL_DIRECTOR, path=new_path), programme, "1-н", TODAY, [pair]
    )

    assert new_path.startswith(school.path_of(school.municipality_2))
    assert stale == "out_of_scope"
    assert school.registry.load(Person, mentor, "Человек").tenant == new_path
    assert school.programs.load(Pair, pair, "Пара").tenant == new_path


def test_the_region_s_own_schools_sit_under_its_node_three_levels_deep(school: School) -> None:
    """The region's node stands beside its municipalities; only the region's people found
    under it; a school of the region's may be handed over there and works as any school."""
    officer = school.staff(Role.REGION_OFFICER, path=school.region_path)
    municipal = school.staff(Role.MUNICIPALITY_OFFICER, path=school.path_of(school.municipality))
    register = school.registry.register_organisation
    node = register(officer, OrganisationKind.REGIONAL, "ГКОУ области", school.region)[0]
    boarding = register(officer, OrganisationKind.SCHOOL, "Школа-интернат", node.id)[0]

    by_municipality = code_of(register, municipal, OrganisationKind.SCHOOL, "Школа", node.id)
    node_by_municipality = code_of(
        register, municipal, OrganisationKind.REGIONAL, "Свои", school.region
    )
    misplaced = code_of(register, officer, OrganisationKind.REGIONAL, "Не там", school.municipality)
    new_path, _ = school.registry.move_school(officer, school.id, node.id)
    again = code_of(school.registry.move_school, officer, school.id, node.id)
    director = school.staff(Role.SCHOOL_DIRECTOR, path=boarding.tenant)
    teacher = NewPerson(
        school_id=boarding.id,
        kind=PersonKind.TEACHER,
        full_name="Педагог Интерната",
        birth_date=date(1980, 1, 1),
        roles=[ParticipantRole.MENTOR],
    )
    person = school.registry.register_person(director, teacher)[0]

    assert depth(node.tenant) == Level.MUNICIPALITY
    assert depth(boarding.tenant) == depth(new_path) == Level.SCHOOL
    assert new_path.startswith(node.tenant + ".")
    assert person.tenant == boarding.tenant
    assert (by_municipality, node_by_municipality, misplaced) == (
        "out_of_scope",
        "role_not_allowed",
        "wrong_parent",
    )
    assert again == "same_parent"


def test_staff_roles_are_assigned_by_the_right_people_and_decide_the_token(
    school: School,
) -> None:
    teacher = school.person("Завуч Школы", ParticipantRole.MENTOR)
    assign = school.registry.assign_staff_role
    municipality = school.staff(Role.MUNICIPALITY_OFFICER, path=school.path.rsplit(".", 1)[0])

    not_allowed = code_of(assign, school.staff(), teacher, StaffRole.DIRECTOR, NewAppointment())
    no_forms = code_of(assign, school.staff(), teacher, StaffRole.CURATOR, NewAppointment())
    assign(municipality, teacher, StaffRole.DIRECTOR, NewAppointment())
    assign(school.staff(), teacher, StaffRole.CURATOR, NewAppointment(forms=[FORM]))
    school.registry.revoke_staff_role(school.staff(), teacher, StaffRole.CURATOR)
    holder = school.registry.load(Person, teacher, "Человек")
    other = school.registry.load(Person, school.person("Просто Учитель"), "Человек")

    assert (not_allowed, no_forms) == ("role_not_allowed", "curator_needs_forms")
    assert list(holder.staff_roles) == [StaffRole.DIRECTOR]
    assert token_role_of(holder) == Role.SCHOOL_DIRECTOR
    with pytest.raises(RuleViolated, match="нет роли в школе"):
        token_role_of(other)
