"""Participants acting as themselves, on the in-memory store: personal links (single-purpose,
expiring, revocable, only a hash kept), and what a mentor, a mentee and a parent may do — their
own, nothing else, under the same rules as the staff."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from services.programs.application import Feedback, PlannedMeeting
from services.programs.domain import MeetingKind, Pair, Purpose, default_template_id
from services.registry.application import NewConsent, NewPerson
from services.registry.application.links import secret_hash
from services.registry.domain import ConsentKind, ParticipantRole, Person, PersonKind
from shared.dictionaries import MentoringForm, school_year_of
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope, person_path

from .conftest import TODAY, School, meeting, stored
from .test_rules import refusal, working_pair


def participant(school: School, role: Role, person: UUID) -> Principal:
    return Principal(f"link-{role}", role, Scope(person_path(school.path, person)))


def pupil(school: School, name: str = "Ученица Ссылкина") -> UUID:
    """A minor mentee whose consent her mother signed."""
    new = NewPerson(
        school_id=school.id,
        kind=PersonKind.STUDENT,
        full_name=name,
        birth_date=date(2013, 5, 1),
        roles=[ParticipantRole.MENTEE],
        consent=NewConsent(
            ConsentKind.PERSONAL_DATA,
            TODAY - timedelta(days=1),
            representative_name=f"Мать {name}",
            relation="мать",
        ),
    )
    return school.registry.register_person(school.staff(), new)[0].id


def issue(school: School, person: UUID, role: Role, days: int = 30) -> tuple[str, UUID]:
    link, link_id, _ = school.registry.issue_link(
        school.staff(), person, role, TODAY + timedelta(days=days)
    )
    return link, link_id


def test_a_link_opens_its_holders_person_in_its_role_and_only_its_hash_is_kept(
    school: School,
) -> None:
    child = pupil(school)
    link, _ = issue(school, child, Role.MENTEE)

    role, scope, _ = school.registry.open_link(link)

    assert (role, scope) == (Role.MENTEE, person_path(school.path, child))
    kept = school.registry.load(Person, child, "Человек").links
    assert [k.secret_hash for k in kept.values()] == [secret_hash(link)]
    assert link not in repr(school.registry.recorder.select_notifications(1, 1000))


def test_a_revoked_link_stops_at_once_and_a_new_one_replaces_it(school: School) -> None:
    child = pupil(school)
    leaked, leaked_id = issue(school, child, Role.MENTEE)
    school.registry.revoke_link(school.staff(), child, leaked_id)

    assert refusal(school, school.registry.open_link, leaked) == "link_revoked"
    fresh, _ = issue(school, child, Role.MENTEE)
    replaced, _ = issue(school, child, Role.MENTEE)  # issuing again revokes the earlier one
    assert refusal(school, school.registry.open_link, fresh) == "link_revoked"
    assert school.registry.open_link(replaced)[0] == Role.MENTEE


def test_an_expired_link_or_one_of_another_school_year_opens_nothing(school: School) -> None:
    child = pupil(school)
    link, _ = issue(school, child, Role.MENTEE, days=5)
    school.registry.today = lambda: TODAY + timedelta(days=6)
    assert refusal(school, school.registry.open_link, link) == "link_expired"

    next_year = date(int(school_year_of(TODAY)[:4]) + 1, 9, 2)
    (kept,) = school.registry.load(Person, child, "Человек").links.values()
    refused = kept.refusal(next_year)
    assert refused is not None
    assert refused.code in ("link_other_year", "link_expired")
    kept.expires_on = next_year  # even a link still running refuses another school year
    refused = kept.refusal(next_year)
    assert refused is not None
    assert refused.code == "link_other_year"


@pytest.mark.parametrize(
    "forged",
    ["", "not a link", "0" * 32 + "secret", "{person}wrong-secret"],
)
def test_a_link_that_names_no_one_or_has_the_wrong_secret_is_refused_alike(
    school: School, forged: str
) -> None:
    child = pupil(school)
    issue(school, child, Role.MENTEE)
    assert (
        refusal(school, school.registry.open_link, forged.format(person=child.hex))
        == "link_unknown"
    )


def test_a_link_is_issued_only_for_what_the_person_is(school: School) -> None:
    adult = school.person("Педагог Взрослый")  # a mentee whose own consent he signed
    mentor = school.mentor("Наставник Ссылок")
    child = pupil(school)
    staff = school.staff()
    far = TODAY + timedelta(days=200)

    assert refusal(school, school.registry.issue_link, staff, adult, Role.MENTOR, far) in (
        "not_a_mentor",
        "link_expiry",
    )
    soon = TODAY + timedelta(days=10)
    assert refusal(school, school.registry.issue_link, staff, mentor, Role.MENTEE, soon) == (
        "not_a_mentee"
    )
    parent_link = school.registry.issue_link
    assert refusal(school, parent_link, staff, adult, Role.LEGAL_REPRESENTATIVE, soon) == (
        "no_representative_consent"
    )
    assert refusal(school, parent_link, staff, child, Role.MENTEE, far) == "link_expiry"
    assert refusal(school, parent_link, staff, child, Role.MENTEE, TODAY - timedelta(1)) == (
        "link_expiry"
    )
    curator = school.staff(Role.SCHOOL_CURATOR)
    assert refusal(school, parent_link, curator, child, Role.MENTEE, soon) == "role_not_allowed"
    other = school.staff(other=True)
    assert refusal(school, parent_link, other, child, Role.MENTEE, soon) == "out_of_scope"


def test_a_mentee_rates_her_own_meeting_once_and_nothing_of_anyone_else(school: School) -> None:
    pair_id = working_pair(school)
    pair = school.programs.load(Pair, pair_id, "Пара")
    mentee, mentor = pair.mentee_ids[0], pair.mentor_id
    meeting_id, _ = school.programs.record_meeting(school.staff(), pair_id, meeting(mentee=None))
    herself = participant(school, Role.MENTEE, mentee)
    give = school.programs.give_feedback

    give(herself, pair_id, meeting_id, mentee, Feedback(rating=9, comment="Интересно"))

    assert refusal(school, give, herself, pair_id, meeting_id, mentee, Feedback(8)) == (
        "feedback_exists"
    )
    assert refusal(school, give, herself, pair_id, meeting_id, mentor, Feedback(3)) == (
        "not_your_own"
    )
    other_pair = working_pair(school, "Другой")
    assert refusal(school, give, herself, other_pair, meeting_id, mentee, Feedback(3)) == (
        "meeting_not_found"
    )
    trial = meeting(MeetingKind.TRIAL, mentor=None, mentee=None)
    later, _ = school.programs.record_meeting(school.staff(), pair_id, trial)
    assert refusal(school, give, herself, pair_id, later, mentee, Feedback(11)) == (
        "rating_out_of_scale"
    )
    parent = participant(school, Role.LEGAL_REPRESENTATIVE, mentee)
    assert refusal(school, give, parent, pair_id, meeting_id, mentee, Feedback(5)) == (
        "role_not_allowed"
    )


def test_a_mentor_logs_his_own_pairs_meetings_only_and_never_rates_for_the_mentee(
    school: School,
) -> None:
    pair_id = working_pair(school)
    mentor = school.programs.load(Pair, pair_id, "Пара").mentor_id
    himself = participant(school, Role.MENTOR, mentor)
    record = school.programs.record_meeting

    record(himself, pair_id, meeting(mentee=None))

    trial = meeting(MeetingKind.TRIAL)  # with the mentee's rating
    assert refusal(school, record, himself, pair_id, trial) == "not_your_own"
    another = working_pair(school, "Другой")
    assert refusal(school, record, himself, another, meeting(mentee=None)) == "not_your_own"
    stranger = participant(school, Role.MENTEE, mentor)
    assert refusal(school, record, stranger, pair_id, meeting(mentee=None)) == "role_not_allowed"


def test_a_mentor_plans_the_next_meeting_of_a_working_pair_only(school: School) -> None:
    pair_id = working_pair(school)
    pair = school.programs.load(Pair, pair_id, "Пара")
    himself = participant(school, Role.MENTOR, pair.mentor_id)
    plan = school.programs.plan_meeting
    soon = PlannedMeeting(TODAY + timedelta(days=3), "15:30", 45, "каб. 12", "Проект")

    plan(himself, pair_id, soon)

    past = PlannedMeeting(TODAY - timedelta(days=1), "15:30", 45, "каб. 12", "Проект")
    assert refusal(school, plan, himself, pair_id, past) == "planned_in_past"
    mentee = participant(school, Role.MENTEE, pair.mentee_ids[0])
    assert refusal(school, plan, mentee, pair_id, soon) == "role_not_allowed"
    programme = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Ещё программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    mentor = school.mentor("Наставник Неутверждённый")
    proposed = school.programs.form_pair(
        school.staff(),
        programme.id,
        MentoringForm.TEACHER_STUDENT,
        mentor,
        [school.person("Ученик Неутверждённый")],
    )[0]
    waiting = participant(school, Role.MENTOR, mentor)
    assert refusal(school, plan, waiting, proposed.id, soon) == "pair_not_approved"


def test_a_parent_withdraws_the_consent_they_signed_and_nothing_else(school: School) -> None:
    child, other_child = pupil(school), pupil(school, "Ученик Другой")
    adult = school.person("Педагог Сам Подписал")
    consents = {
        p: next(iter(school.registry.load(Person, p, "Человек").consents))
        for p in (child, other_child, adult)
    }
    withdraw = school.registry.withdraw_consent
    parent = participant(school, Role.LEGAL_REPRESENTATIVE, child)

    assert refusal(school, withdraw, parent, other_child, consents[other_child], TODAY) == (
        "not_your_own"
    )
    adults_own = participant(school, Role.LEGAL_REPRESENTATIVE, adult)
    assert refusal(school, withdraw, adults_own, adult, consents[adult], TODAY) == (
        "not_signed_by_representative"
    )
    before = stored(school)
    withdraw(parent, child, consents[child], TODAY)
    assert stored(school)[0] == before[0] + 1
    mentee = participant(school, Role.MENTEE, child)
    assert refusal(school, withdraw, mentee, child, consents[child], TODAY) == "role_not_allowed"


def test_a_mentee_answers_a_survey_as_herself_only(school: School) -> None:
    pair_id = working_pair(school)
    pair = school.programs.load(Pair, pair_id, "Пара")
    herself = participant(school, Role.MENTEE, pair.mentee_ids[0])
    template = default_template_id(Purpose.ENTRY_DIAGNOSTICS)
    answers = dict.fromkeys(
        ("confidence", "goals", "communication", "motivation", "independence"), 5
    )
    submit = school.programs.submit_response

    assert (
        refusal(
            school, submit, herself, template, pair.programme_id, pair.mentor_id, TODAY, answers
        )
        == "not_your_own"
    )
    submit(herself, template, pair.programme_id, pair.mentee_ids[0], TODAY, answers, pair_id)


def test_a_participant_is_refused_every_staff_command(school: School) -> None:
    child = pupil(school)
    herself = participant(school, Role.MENTEE, child)
    assert refusal(school, school.registry.issue_link, herself, child, Role.MENTEE, TODAY) == (
        "role_not_allowed"
    )
    assert (
        refusal(
            school,
            school.registry.sign_consent,
            herself,
            child,
            NewConsent(ConsentKind.PERSONAL_DATA, TODAY),
        )
        == "role_not_allowed"
    )
