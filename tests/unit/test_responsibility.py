"""Permissions that follow responsibility (issue 20, point 7), in memory: what a school grants its
curator, what the grant then allows, and what no grant can give."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from services.programs.domain import (
    Implementation,
    Part,
    Programme,
    Responsibilities,
    Stage,
    require_responsibility,
)
from services.programs.values import ResponsibilityPart
from services.registry.application import NewAppointment
from services.registry.domain import ParticipantRole, StaffRole
from services.web.oidc import platform_token
from shared.adapters.auth import decode_token, issue_token
from shared.adapters.settings import Settings
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor
from shared.kernel.errors import AppError, PermissionDenied
from shared.kernel.principal import Principal, Role

from .conftest import TODAY, School, stored

FORM = MentoringForm.TEACHER_STUDENT
DIRECTOR = Actor("director", "school_director")
STAGES_2_TO_7 = [Part.stage(stage) for stage in Stage if stage >= Stage.MENTEE_BASE]


def responsibilities() -> Responsibilities:
    return Responsibilities(id=uuid4(), tenant="r.m.s", actor=DIRECTOR, school_id=uuid4())


def refusal(command: object, *args: object) -> AppError:
    with pytest.raises(AppError) as refused:
        command(*args)  # type: ignore[operator]
    return refused.value


def test_a_grant_covers_its_parts_until_revoked() -> None:
    school = responsibilities()
    curator, other = uuid4(), uuid4()
    grant = uuid4()
    school.grant(DIRECTOR, grant, curator, STAGES_2_TO_7, TODAY, TODAY)

    require_responsibility(school, curator, [(Part.stage(Stage.MENTOR_BASE),)], "менять этап")
    missing = refusal(
        require_responsibility, school, curator, [(Part.stage(Stage.PREPARING_CONDITIONS),)], "x"
    )
    stranger = refusal(
        require_responsibility, school, other, [(Part.stage(Stage.COMPLETION),)], "x"
    )
    school.revoke(DIRECTOR, grant, TODAY, TODAY)
    revoked = refusal(
        require_responsibility, school, curator, [(Part.stage(Stage.COMPLETION),)], "x"
    )

    assert isinstance(missing, PermissionDenied)
    assert missing.code == stranger.code == revoked.code == "responsibility_missing"
    assert "этап 1 «подготовка условий для запуска программы»" in missing.message
    assert school.held_by(curator) == frozenset()


def test_a_roadmap_activity_is_the_curators_by_its_block_or_its_stage() -> None:
    school = responsibilities()
    curator = uuid4()
    school.grant(
        DIRECTOR, uuid4(), curator, [Part.block("7"), Part.stage(Stage.MENTEE_BASE)], TODAY, TODAY
    )

    require_responsibility(school, curator, [(Part.block("7"),)], "править")
    require_responsibility(
        school, curator, [(Part.block("2"), Part.stage(Stage.MENTEE_BASE))], "править"
    )
    other_block = refusal(
        require_responsibility,
        school,
        curator,
        [(Part.block("1"), Part.stage(Stage.PREPARING_CONDITIONS))],
        "править",
    )
    nowhere = refusal(require_responsibility, school, curator, [()], "править дорожную карту")

    assert "раздел дорожной карты «1» или этап 1" in other_block.message
    assert "мероприятие вне этапов и разделов" in nowhere.message


@pytest.mark.parametrize(
    ("part", "code"),
    [
        (Part(ResponsibilityPart.ORDERS, ""), "orders_not_granted"),
        (Part(ResponsibilityPart.STAGE, "8"), "stage_unknown"),
        (Part(ResponsibilityPart.FORM, "teacher_cat"), "form_unknown"),
        (Part(ResponsibilityPart.BLOCK, " "), "part_unnamed"),
    ],
)
def test_approving_orders_and_unknown_parts_are_never_granted(part: Part, code: str) -> None:
    school = responsibilities()

    refused = refusal(
        school.grant, DIRECTOR, uuid4(), uuid4(), [Part.block("1"), part], TODAY, TODAY
    )

    assert refused.code == code
    assert school.grants == {}


def test_a_grant_dated_in_the_future_or_of_nothing_is_refused() -> None:
    school = responsibilities()

    future = refusal(
        school.grant, DIRECTOR, uuid4(), uuid4(), STAGES_2_TO_7, TODAY + timedelta(days=1), TODAY
    )
    empty = refusal(school.grant, DIRECTOR, uuid4(), uuid4(), [], TODAY, TODAY)

    assert (future.code, empty.code) == ("effective_date_in_future", "no_parts")


# The same rules through the programs application, as the services call it.


def rudenko(school: School) -> tuple[UUID, Principal]:
    """Seed 004's deputy director, the programme's curator, with her own token."""
    person = school.person("Руденко Ольга Викторовна", ParticipantRole.MENTOR)
    curating = NewAppointment(forms=[FORM])
    school.registry.assign_staff_role(school.staff(), person, StaffRole.CURATOR, curating)
    curator = school.staff(Role.SCHOOL_CURATOR)
    return person, replace(curator, person=person)


def test_the_curator_granted_stages_2_to_7_moves_the_programme_and_edits_their_roadmap(
    school: School,
) -> None:
    person, curator = rudenko(school)
    programs = school.programs
    director = school.staff(Role.SCHOOL_DIRECTOR)
    programs.issue_implementation_order(
        director,
        school.id,
        "852",
        TODAY - timedelta(days=30),
        TODAY - timedelta(days=30),
        TODAY + timedelta(days=300),
    )
    programs.adopt_default_roadmap(director, school.id)
    items = programs.load(Implementation, Implementation.id_for(school.id), "Дорожная карта").items
    by_stage = {item.stage: item_id for item_id, item in reversed(items.items())}
    programme = programs.open_programme(director, school.id, "2025/26", "Программа", [FORM])[0].id

    before_grant = refusal(programs.move_to_stage, curator, programme, Stage.MENTEE_BASE)
    programs.grant_responsibility(director, school.id, person, STAGES_2_TO_7)
    for stage in (Stage.MENTEE_BASE, Stage.MENTOR_BASE, Stage.COMPLETION):
        programs.move_to_stage(curator, programme, stage)
    stage_2 = items[by_stage[Stage.MENTEE_BASE]]
    programs.change_roadmap_item(
        curator,
        school.id,
        by_stage[Stage.MENTEE_BASE],
        replace(stage_2, activity="Банк наставляемых"),
    )
    stage_1 = items[by_stage[Stage.PREPARING_CONDITIONS]]
    into_stage_1 = refusal(
        programs.change_roadmap_item,
        curator,
        school.id,
        by_stage[Stage.MENTEE_BASE],
        replace(stage_2, stage=Stage.PREPARING_CONDITIONS),
    )
    of_stage_1 = refusal(
        programs.change_roadmap_item,
        curator,
        school.id,
        by_stage[Stage.PREPARING_CONDITIONS],
        stage_1,
    )
    without_person = refusal(
        programs.add_roadmap_item, school.staff(Role.SCHOOL_CURATOR), school.id, stage_2
    )
    opening = refusal(programs.open_programme, curator, school.id, "2026/27", "Программа", [FORM])
    programs.grant_responsibility(director, school.id, person, [Part.form(FORM)])
    programs.open_programme(curator, school.id, "2026/27", "Программа", [FORM])

    assert before_grant.code == "responsibility_missing"
    assert programs.load(Programme, programme, "Программа").stage == Stage.COMPLETION
    changed = programs.load(Implementation, Implementation.id_for(school.id), "Дорожная карта")
    assert changed.items[by_stage[Stage.MENTEE_BASE]].activity == "Банк наставляемых"
    assert {into_stage_1.code, of_stage_1.code, without_person.code, opening.code} == {
        "responsibility_missing"
    }
    assert "форма наставничества «учитель – ученик»" in opening.message


def test_only_the_schools_management_grants_and_orders_stay_the_directors(school: School) -> None:
    person, curator = rudenko(school)
    programs = school.programs
    programs.grant_responsibility(school.staff(), school.id, person, STAGES_2_TO_7)
    pupil = school.person("Ученик")
    before = stored(school)

    by_curator = refusal(
        programs.grant_responsibility, curator, school.id, person, [Part.stage(Stage.MENTEE_BASE)]
    )
    orders = refusal(
        programs.grant_responsibility,
        school.staff(),
        school.id,
        person,
        [Part(ResponsibilityPart.ORDERS, "")],
    )
    not_staff = refusal(
        programs.grant_responsibility, school.staff(), school.id, pupil, STAGES_2_TO_7
    )
    no_block = refusal(
        programs.grant_responsibility, school.staff(), school.id, person, [Part.block("9")]
    )
    other_school = refusal(
        programs.grant_responsibility, school.staff(other=True), school.id, person, STAGES_2_TO_7
    )
    approving = refusal(programs.approve_pairs, curator, uuid4(), "1-н", TODAY, [uuid4()])

    assert (by_curator.code, orders.code, not_staff.code) == (
        "role_not_allowed",
        "orders_not_granted",
        "not_staff",
    )
    assert (no_block.code, other_school.code, approving.code) == (
        "block_not_found",
        "out_of_scope",
        "role_not_allowed",
    )
    assert "руководителем ОО" in orders.message
    assert stored(school) == before


def test_a_staff_token_names_its_person_and_older_tokens_stay_valid() -> None:
    settings = Settings(jwt_secret="s" * 40)
    school = f"{uuid4().hex}.{uuid4().hex}.{uuid4().hex}"
    person = uuid4()
    claims = {
        "sub": "rudenko",
        "nastavnik_role": "school_curator",
        "nastavnik_scope": school,
        "nastavnik_person": str(person),
    }

    from_provider = decode_token(settings, platform_token(settings, claims))
    older = decode_token(settings, issue_token(settings, Role.SCHOOL_CURATOR, school))
    director = decode_token(
        settings, platform_token(settings, claims | {"nastavnik_role": "school_director"})
    )

    assert (from_provider.role, from_provider.person) == (Role.SCHOOL_CURATOR, person)
    assert older.person is None
    assert director.person == person
