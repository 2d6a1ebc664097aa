"""Rules of registry and programs, run on the in-memory store: what is refused, with which code,
and that a refused command stores nothing."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from services.programs.application import Ending
from services.programs.domain import (
    EarlyEndReason,
    MeetingFormat,
    MeetingKind,
    Outcome,
    Pair,
    PairStatus,
    Side,
)
from services.registry.application import NewConsent
from services.registry.domain import ConsentKind, ParticipantRole, Person
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import actor_of
from shared.kernel.errors import AppError, Conflict, PermissionDenied
from shared.kernel.principal import Role

from .conftest import TODAY, School, duty_consent, meeting, stored


def refusal(school: School, command: object, *args: object) -> str:
    """The code of a refused command, checking that it stored nothing."""
    before = stored(school)
    with pytest.raises(AppError) as refused:
        command(*args)  # type: ignore[operator]
    assert stored(school) == before
    return refused.value.code


def working_pair(school: School, surname: str = "Встреч", ordered_on: date = TODAY) -> UUID:
    programme = school.programs.open_programme(
        school.staff(),
        school.id,
        "2025/26",
        f"Программа {surname}",
        [MentoringForm.TEACHER_STUDENT],
    )[0]
    mentor = school.mentor(f"Наставник {surname}")
    mentee = school.person(f"Ученик {surname}")
    pair = school.programs.form_pair(
        school.staff(), programme.id, MentoringForm.TEACHER_STUDENT, mentor, [mentee]
    )[0]
    school.programs.approve_pairs(
        school.staff(Role.SCHOOL_DIRECTOR), programme.id, "1-н", ordered_on, [pair.id]
    )
    return pair.id


def test_a_group_counts_every_mentee_against_the_mentors_capacity(school: School) -> None:
    programme = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    mentor = school.person("Наставник Группы", ParticipantRole.MENTOR, capacity=2)
    mentees = [school.person(f"Ученик {n}") for n in range(3)]

    def form(ids: list[UUID]) -> Pair:
        return school.programs.form_pair(
            school.staff(), programme.id, MentoringForm.TEACHER_STUDENT, mentor, ids
        )[0]

    over = refusal(school, form, mentees)
    twice = refusal(school, form, [mentees[0]] * 2)
    formed = form(mentees[:2])
    full = refusal(school, form, [mentees[2]])
    school.programs.dissolve_pair(school.staff(), formed.id, "пересмотр подбора")
    form([mentees[2]])

    assert (over, twice, full) == ("mentor_at_capacity", "repeated_mentee", "mentor_at_capacity")


def test_a_pair_needs_its_peoples_consent_and_school(school: School) -> None:
    programme = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    mentor = school.person("Наставник", ParticipantRole.MENTOR)
    without_consent = school.person("Ученик без согласия", consent=False)
    elsewhere = school.person("Ученик другой школы", other=True)

    def form(mentee: UUID) -> object:
        return school.programs.form_pair(
            school.staff(), programme.id, MentoringForm.TEACHER_STUDENT, mentor, [mentee]
        )

    assert refusal(school, form, without_consent) == "consent_missing"
    assert refusal(school, form, elsewhere) == "other_school"


def test_the_same_pair_formed_again_is_a_duplicate_naming_the_first(school: School) -> None:
    programme = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    mentor = school.person("Наставник Повтор", ParticipantRole.MENTOR, capacity=3)
    mentee, other = school.person("Ученик Повтор"), school.person("Ученик Другой")

    def form(ids: list[UUID]) -> Pair:
        return school.programs.form_pair(
            school.staff(), programme.id, MentoringForm.TEACHER_STUDENT, mentor, ids
        )[0]

    first = form([mentee])
    before = stored(school)
    with pytest.raises(Conflict) as again:
        form([mentee])
    after_refusal = stored(school)
    with_another = form([other])
    school.programs.dissolve_pair(school.staff(), first.id, "пересмотр подбора")
    anew = form([mentee])

    assert again.value.code == "duplicate_pair"
    assert again.value.details == {"id": str(first.id)}
    assert after_refusal == before
    assert len({first.id, with_another.id, anew.id}) == 3


def test_the_same_consent_signed_again_is_a_duplicate_naming_the_first(school: School) -> None:
    mentor = school.mentor("Наставник Согласий")
    signed_first = school.registry.load(Person, mentor, "Человек").consents
    duty = next(c for c in signed_first.values() if c.kind == ConsentKind.ADDITIONAL_DUTY)
    before = stored(school)

    with pytest.raises(Conflict) as again:
        school.registry.sign_consent(school.staff(), mentor, duty_consent())
    after_refusal = stored(school)
    renewal = NewConsent(ConsentKind.ADDITIONAL_DUTY, TODAY)
    school.registry.sign_consent(school.staff(), mentor, renewal)

    assert again.value.code == "duplicate_consent"
    assert again.value.details == {"id": str(duty.id)}
    assert after_refusal == before
    assert len(school.registry.load(Person, mentor, "Человек").consents) == 3


def test_meetings_follow_the_standard_sequence(school: School) -> None:
    pair = working_pair(school)
    curator = school.curator()

    def record(new: object) -> object:
        return school.programs.record_meeting(curator, pair, new)  # type: ignore[arg-type]

    first_regular = refusal(school, record, meeting(MeetingKind.REGULAR))
    record(meeting())
    second_introduction = refusal(school, record, meeting(duration_minutes=30))
    same_again = refusal(school, record, meeting())
    future = refusal(school, record, meeting(MeetingKind.REGULAR, held_on=TODAY + timedelta(1)))

    assert (first_regular, second_introduction) == ("meeting_out_of_sequence",) * 2
    assert same_again == "duplicate_meeting"
    assert future == "meeting_in_future"


def test_the_same_meeting_of_a_pair_sent_again_is_a_duplicate_naming_the_first(
    school: School,
) -> None:
    pair = working_pair(school)
    curator = school.curator()
    introduction, _ = school.programs.record_meeting(curator, pair, meeting())
    regular, _ = school.programs.record_meeting(curator, pair, meeting(MeetingKind.REGULAR))
    before = stored(school)

    with pytest.raises(Conflict) as again:
        school.programs.record_meeting(curator, pair, meeting(MeetingKind.REGULAR))
    another_topic, _ = school.programs.record_meeting(
        curator, pair, meeting(MeetingKind.REGULAR, topic="Проект")
    )

    assert again.value.code == "duplicate_meeting"
    assert again.value.details == {"id": str(regular)}
    assert regular != introduction
    assert stored(school) == (before[0], before[1] + 1)
    assert another_topic not in (introduction, regular)


def test_a_pair_ends_with_its_final_meeting_or_early_with_a_reason(school: School) -> None:
    pair = working_pair(school)
    school.programs.record_meeting(school.curator(), pair, meeting())

    def end(ending: Ending) -> object:
        return school.programs.end_pair(school.staff(), pair, ending)

    early_completion = refusal(school, end, Ending(Outcome.COMPLETED, TODAY))
    no_reason = refusal(school, end, Ending(Outcome.ENDED_EARLY, TODAY, Side.MENTEE))
    end(Ending(Outcome.ENDED_EARLY, TODAY, Side.MENTEE, EarlyEndReason.RELOCATION, "Переезд"))
    after_end = refusal(
        school, school.programs.record_meeting, school.staff(), pair, meeting(MeetingKind.TRIAL)
    )
    ended = school.programs.load(Pair, pair, "Пара")

    assert (early_completion, no_reason) == ("final_meeting_missing", "reason_missing")
    assert after_end == "pair_not_active"
    assert ended.status == PairStatus.ENDED


def test_the_same_person_twice_in_one_school_is_refused(school: School) -> None:
    school.person("Петров Пётр Петрович")

    duplicate = refusal(school, school.person, "  петров пётр  Петрович ")
    school.person("Петров Пётр Петрович", other=True)

    assert duplicate == "duplicate_person"


def test_a_role_the_command_does_not_allow_is_refused_with_the_action_named(
    school: School,
) -> None:
    pair = working_pair(school)

    with pytest.raises(PermissionDenied) as refused:
        school.programs.record_meeting(school.staff(Role.AUDITOR), pair, meeting())

    assert refused.value.code == "role_not_allowed"
    assert "записывать встречи" in refused.value.message


def test_staff_of_another_school_cannot_touch_the_pair(school: School) -> None:
    pair = working_pair(school)
    stranger = school.staff(Role.SCHOOL_CURATOR, other=True)

    with pytest.raises(PermissionDenied) as refused:
        school.programs.record_meeting(stranger, pair, meeting())

    assert refused.value.code == "out_of_scope"


def test_two_curators_changing_the_same_pair_at_once_one_gets_a_conflict(school: School) -> None:
    pair_id = working_pair(school)
    curator = school.staff(Role.SCHOOL_CURATOR)
    first = school.programs.load(Pair, pair_id, "Пара")
    second = school.programs.load(Pair, pair_id, "Пара")
    for copy in (first, second):
        copy.record_meeting(
            actor_of(curator),
            meeting_id=UUID(int=copy.version),
            kind=MeetingKind.INTRODUCTION,
            held_on=TODAY,
            duration_minutes=30,
            meeting_format=MeetingFormat.ONLINE,
            topic="",
            mentor_rating=None,
            mentor_comment=None,
            mentee_rating=None,
            mentee_comment=None,
            today=TODAY,
        )

    school.programs.store(first)
    with pytest.raises(Conflict) as lost:
        school.programs.store(second)

    assert lost.value.code == "concurrent_change"


def test_a_pair_loads_from_its_snapshot_as_from_all_its_events(school: School) -> None:
    pair_id = working_pair(school, ordered_on=TODAY - timedelta(days=30))
    curator = school.curator()
    kinds = [MeetingKind.INTRODUCTION, MeetingKind.TRIAL, MeetingKind.PLANNING]
    for day, kind in enumerate([*kinds, *[MeetingKind.REGULAR] * 9]):
        school.programs.record_meeting(
            curator, pair_id, meeting(kind, held_on=TODAY - timedelta(days=20 - day))
        )

    from_snapshot = school.programs.load(Pair, pair_id, "Пара")
    replayed: Pair = school.programs.repository.get(pair_id)

    assert pair_id in school.programs.recorder.snapshots  # type: ignore[attr-defined]
    assert vars(from_snapshot) == vars(replayed)


def test_an_erased_person_keeps_no_key_and_takes_part_in_nothing(school: School) -> None:
    programme = school.programs.open_programme(
        school.staff(), school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    mentor = school.person("Наставник", ParticipantRole.MENTOR)
    person = school.person("Сидоров Сидор")

    school.registry.erase_person(school.staff(Role.SCHOOL_DIRECTOR), person, "отзыв согласия")
    code = refusal(
        school,
        school.programs.form_pair,
        school.staff(),
        programme.id,
        MentoringForm.TEACHER_STUDENT,
        mentor,
        [person],
    )

    assert school.registry.keys.get(person) is None
    assert code == "person_erased"


def test_erasing_a_member_erases_the_pairs_own_texts(school: School) -> None:
    pair = working_pair(school)
    school.programs.end_pair(
        school.staff(),
        pair,
        Ending(Outcome.ENDED_EARLY, TODAY, Side.MENTEE, EarlyEndReason.RELOCATION, "Переезд"),
    )
    mentee = school.programs.load(Pair, pair, "Пара").mentee_ids[0]
    assert school.registry.keys.get(pair) is not None

    school.registry.erase_person(school.staff(Role.SCHOOL_DIRECTOR), mentee, "отзыв согласия")

    assert school.registry.keys.get(pair) is None
