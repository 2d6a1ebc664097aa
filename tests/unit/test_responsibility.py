"""Permissions that follow responsibility (issue 20, point 7), in memory: what a school grants its
curator, what the grant then allows, and what no grant can give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from services.programs.application import (
    Ending,
    Feedback,
    JournalEntry,
    NewPair,
    PlannedMeeting,
)
from services.programs.domain import (
    EarlyEndReason,
    Implementation,
    MeetingKind,
    Outcome,
    Pair,
    Part,
    Programme,
    Responsibilities,
    Side,
    Stage,
    pair_parts,
    require_pair_responsibility,
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

from .conftest import TODAY, School, meeting, stored

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


# Pairs and groups: a curator acts on those the school made her responsible for, each by a grant
# of it or of its form of mentoring; the school's management on every one.

TEACHERS = MentoringForm.TEACHER_TEACHER


def pair_grant(pair: UUID) -> Part:
    return Part(ResponsibilityPart.PAIR, str(pair))


def working_pairs(school: School, *forms: MentoringForm) -> list[UUID]:
    """A pair of each form, approved by the director's order, in a programme of those forms."""
    director = school.staff(Role.SCHOOL_DIRECTOR)
    programme = school.programs.open_programme(
        director, school.id, "2025/26", "Программа пар", list(dict.fromkeys(forms))
    )[0]
    pairs = [
        school.programs.form_pair(
            school.staff(),
            programme.id,
            form,
            school.mentor(f"Наставник {n}"),
            [school.person(f"Наставляемый {n}")],
        )[0].id
        for n, form in enumerate(forms)
    ]
    school.programs.approve_pairs(director, programme.id, "1-н", TODAY, pairs)
    return pairs


def curator_of(school: School, *parts: Part) -> tuple[UUID, Principal]:
    """Seed 004's Руденко, granted `parts` by the director (nothing when none)."""
    person, curator = rudenko(school)
    if parts:
        school.programs.grant_responsibility(
            school.staff(Role.SCHOOL_DIRECTOR), school.id, person, list(parts)
        )
    return person, curator


def test_a_pair_is_the_curators_by_a_grant_of_it_or_of_its_form() -> None:
    school = responsibilities()
    curator, pair, other_pair = uuid4(), uuid4(), uuid4()
    granted = uuid4()
    school.grant(DIRECTOR, granted, curator, [Part.pair(pair)], TODAY, TODAY)
    school.grant(DIRECTOR, uuid4(), curator, [Part.form(TEACHERS)], TODAY, TODAY)

    require_pair_responsibility(school, curator, [pair_parts(FORM, pair)])
    require_pair_responsibility(school, curator, [pair_parts(TEACHERS, other_pair)])
    require_pair_responsibility(school, curator, [pair_parts(TEACHERS)])  # a new pair: its form
    other = refusal(require_pair_responsibility, school, curator, [pair_parts(FORM, other_pair)])
    new = refusal(require_pair_responsibility, school, curator, [pair_parts(FORM)])
    no_person = refusal(require_pair_responsibility, school, None, [pair_parts(TEACHERS, pair)])
    school.revoke(DIRECTOR, granted, TODAY, TODAY)
    revoked = refusal(require_pair_responsibility, school, curator, [pair_parts(FORM, pair)])

    assert isinstance(other, PermissionDenied)
    assert {other.code, new.code, no_person.code, revoked.code} == {"not_responsible_for_pair"}
    assert other.message.startswith(
        "Вы не отвечаете за эту пару: попросите директора или координатора закрепить её за вами"
    )
    assert "эта пара или группа либо форма наставничества «учитель – ученик»" in other.message
    assert other.details == {
        "parts": [{"kind": "pair", "subject": str(other_pair)}, {"kind": "form", "subject": FORM}]
    }
    assert "не поручено: форма наставничества «учитель – ученик»" in new.message


def test_the_curator_granted_a_pair_records_its_meetings_and_no_other_pairs(
    school: School,
) -> None:
    mine, other = working_pairs(school, FORM, FORM)
    _, curator = curator_of(school, pair_grant(mine))

    school.programs.record_meeting(curator, mine, meeting())
    before = stored(school)
    refused = refusal(school.programs.record_meeting, curator, other, meeting())
    in_journal = refusal(
        school.programs.record_meetings,
        curator,
        [JournalEntry(mine, meeting(MeetingKind.TRIAL)), JournalEntry(other, meeting())],
    )

    assert isinstance(refused, PermissionDenied)
    assert refused.code == in_journal.code == "not_responsible_for_pair"
    assert "Вы не отвечаете за эту пару" in refused.message
    assert stored(school) == before
    assert len(school.programs.load(Pair, mine, "Пара").meetings) == 1
    assert school.programs.load(Pair, other, "Пара").meetings == {}


def test_a_grant_of_a_form_covers_every_pair_of_it_until_revoked(school: School) -> None:
    first, second, teachers = working_pairs(school, FORM, FORM, TEACHERS)
    person, curator = rudenko(school)
    director = school.staff(Role.SCHOOL_DIRECTOR)
    grant, _ = school.programs.grant_responsibility(director, school.id, person, [Part.form(FORM)])

    school.programs.record_meetings(
        curator, [JournalEntry(first, meeting()), JournalEntry(second, meeting())]
    )
    other_form = refusal(school.programs.record_meeting, curator, teachers, meeting())
    school.programs.revoke_responsibility(director, school.id, grant)
    before = stored(school)
    revoked = refusal(school.programs.record_meeting, curator, first, meeting(MeetingKind.TRIAL))

    assert other_form.code == revoked.code == "not_responsible_for_pair"
    assert "форма наставничества «педагог – педагог»" in other_form.message
    assert stored(school) == before
    assert [len(school.programs.load(Pair, p, "Пара").meetings) for p in (first, second)] == [1, 1]


def test_a_curator_forms_pairs_of_the_forms_granted_and_the_batch_all_or_none(
    school: School,
) -> None:
    director = school.staff(Role.SCHOOL_DIRECTOR)
    programme = school.programs.open_programme(
        director, school.id, "2025/26", "Программа", [FORM, TEACHERS]
    )[0].id
    _, curator = curator_of(school, Part.form(FORM))
    mentors = [school.mentor(f"Наставник {n}") for n in range(3)]
    mentees = [school.person(f"Наставляемый {n}") for n in range(3)]

    formed, _ = school.programs.form_pair(curator, programme, FORM, mentors[0], [mentees[0]])
    before = stored(school)
    other_form = refusal(
        school.programs.form_pair, curator, programme, TEACHERS, mentors[1], [mentees[1]]
    )
    batch = refusal(
        school.programs.form_pairs,
        curator,
        programme,
        [
            NewPair(FORM, mentors[1], [mentees[1]]),
            NewPair(TEACHERS, mentors[2], [mentees[2]]),
        ],
    )
    no_person = refusal(
        school.programs.form_pair,
        school.staff(Role.SCHOOL_CURATOR),
        programme,
        FORM,
        mentors[1],
        [mentees[1]],
    )
    after_refusals = stored(school)
    by_coordinator, _ = school.programs.form_pair(
        school.staff(), programme, TEACHERS, mentors[1], [mentees[1]]
    )

    assert (formed.form, by_coordinator.form) == (FORM, TEACHERS)
    assert {other_form.code, batch.code, no_person.code} == {"not_responsible_for_pair"}
    assert "не поручено: форма наставничества «педагог – педагог»" in other_form.message
    assert after_refusals == before


def pair_commands(school: School, pair: UUID) -> dict[str, Callable[[Principal], object]]:
    """Every command on a pair a curator may call, with what it needs (the refusal comes first)."""
    programs = school.programs
    ending = Ending(Outcome.ENDED_EARLY, TODAY, Side.MENTEE, EarlyEndReason.RELOCATION)
    planned = PlannedMeeting(TODAY + timedelta(days=1), "15:00", 45, "каб. 12", "Знакомство")
    return {
        "record_meeting": lambda c: programs.record_meeting(c, pair, meeting()),
        "record_meetings": lambda c: programs.record_meetings(c, [JournalEntry(pair, meeting())]),
        "plan_meeting": lambda c: programs.plan_meeting(c, pair, planned),
        "draw_up_plan": lambda c: programs.draw_up_plan(
            c, pair, TODAY, TODAY + timedelta(days=90), ["Цель"], [("Задача", TODAY)]
        ),
        "complete_task": lambda c: programs.complete_task(c, pair, uuid4(), TODAY),
        "give_feedback": lambda c: programs.give_feedback(
            c, pair, uuid4(), programs.load(Pair, pair, "Пара").mentor_id, Feedback(rating=9)
        ),
        "end_pair": lambda c: programs.end_pair(c, pair, ending),
        "dissolve_pair": lambda c: programs.dissolve_pair(c, pair, "Ошибка подбора"),
    }


COMMANDS = [
    "record_meeting",
    "record_meetings",
    "plan_meeting",
    "draw_up_plan",
    "complete_task",
    "give_feedback",
    "end_pair",
    "dissolve_pair",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_pair_command_refuses_a_curator_not_responsible_and_stores_nothing(
    school: School, command: str
) -> None:
    pair, other = working_pairs(school, FORM, FORM)
    _, granted_other = curator_of(school, pair_grant(other), Part.form(TEACHERS))
    without_person = school.staff(Role.SCHOOL_CURATOR)
    run = pair_commands(school, pair)[command]
    before = stored(school)

    refusals = [refusal(run, curator) for curator in (granted_other, without_person)]

    assert [r.code for r in refusals] == ["not_responsible_for_pair"] * 2
    assert all(isinstance(r, PermissionDenied) for r in refusals)
    assert stored(school) == before


@pytest.mark.parametrize(
    "command", ["record_meeting", "record_meetings", "plan_meeting", "draw_up_plan", "end_pair"]
)
def test_the_curator_of_the_pair_and_the_coordinator_pass_the_check(
    school: School, command: str
) -> None:
    mine, theirs = working_pairs(school, FORM, FORM)
    _, curator = curator_of(school, pair_grant(mine))
    before = stored(school)

    pair_commands(school, mine)[command](curator)
    by_curator = stored(school)
    pair_commands(school, theirs)[command](school.staff())

    assert before[1] < by_curator[1] < stored(school)[1]
