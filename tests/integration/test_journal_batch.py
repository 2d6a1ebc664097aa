"""A school's meeting journal typed in (`Programs.record_meetings`): each meeting checked as one
recorded over HTTP is, and each group member's feedback as one given later; all stored or none,
and a refusal names every entry refused."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.programs.application import (
    Feedback,
    JournalEntry,
    MemberFeedback,
    NewMeeting,
    NewPair,
)
from services.programs.domain import MeetingFormat, MeetingKind
from shared.adapters.settings import Settings, region_today
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import EventCounter, World, refusal_of

PUPIL = date(2012, 5, 5)
PAIR_COMMENT = "Разобрали задачи олимпиады"
MEMBER_COMMENT = "Мне понравилось работать в группе"


def meeting(
    kind: MeetingKind, mentor: Feedback | None = None, mentee: Feedback | None = None
) -> NewMeeting:
    held_on = region_today()
    return NewMeeting(kind, held_on, 45, MeetingFormat.IN_PERSON, "", mentor, mentee, uuid4())


async def pair_whose_mentee_withdrew(world: World, programme: str) -> UUID:
    """An approved pair whose (adult) mentee then withdrew the consent to processing."""
    mentor = await world.person("s1", "Наставник Второй", "mentor")
    mentee = await world.person("s1", "Молодой Специалист Отозвавший", "mentee", consent=False)
    consent = await world.api.command(
        "registry",
        f"/people/{mentee}/consents",
        world.coordinator("s1"),
        {"signed_on": str(region_today())},
    )
    pair = UUID(await world.pair("s1", programme, mentor, mentee))
    await world.api.command(
        "registry",
        f"/people/{mentee}/consents/{consent['id']}/withdrawal",
        world.coordinator("s1"),
        {"withdrawn_on": str(region_today())},
        expect=200,
    )
    return pair


async def test_a_journal_is_recorded_whole_or_refused_naming_each_entry(
    world: World, settings: Settings, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Журнальный", "mentor", capacity=3)
    mentee = await world.person("s1", "Ученик Парный", "mentee", birth_date=PUPIL)
    pair = UUID(await world.pair("s1", programme, mentor, mentee))
    first, second = [
        UUID(await world.person("s1", f"Ученик Группы {n}", "mentee", birth_date=PUPIL))
        for n in ("Один", "Два")
    ]
    outsider = UUID(await world.person("s1", "Ученик Чужой", "mentee", birth_date=PUPIL))
    withdrawn = await pair_whose_mentee_withdrew(world, programme)
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))

    group_id = uuid4()
    refused_group = await refusal_of(
        settings,
        lambda programs: programs.form_pairs(
            coordinator,
            UUID(programme),
            [NewPair(MentoringForm.TEACHER_STUDENT, UUID(mentor), [first, second], id=group_id)],
        ),
    )
    await world.approve("s1", programme, [str(group_id)])
    introduction = meeting(MeetingKind.INTRODUCTION, mentor=Feedback(9, PAIR_COMMENT))
    group_introduction = meeting(MeetingKind.INTRODUCTION, mentor=Feedback(8))
    good = [
        JournalEntry(pair, introduction),
        JournalEntry(
            group_id,
            group_introduction,
            (
                MemberFeedback(first, Feedback(7, MEMBER_COMMENT)),
                MemberFeedback(second, Feedback(9)),
            ),
        ),
        JournalEntry(pair, meeting(MeetingKind.TRIAL, mentee=Feedback(8))),
    ]
    bad = [
        # in a group each mentee gives their own feedback
        JournalEntry(group_id, meeting(MeetingKind.TRIAL, mentee=Feedback(6))),
        JournalEntry(
            group_id,
            meeting(MeetingKind.PLANNING),
            (MemberFeedback(outsider, Feedback(5)),),
        ),
        # each of the pair's meetings is refused, not only the first
        JournalEntry(withdrawn, meeting(MeetingKind.INTRODUCTION)),
        JournalEntry(withdrawn, meeting(MeetingKind.INTRODUCTION, mentor=Feedback(7))),
    ]

    before = await events()
    refused = await refusal_of(
        settings, lambda programs: programs.record_meetings(coordinator, [*good, *bad])
    )
    after_refusal = await events()
    stored = await refusal_of(
        settings, lambda programs: programs.record_meetings(coordinator, good)
    )
    after = await events()
    result = await world.api.graphql(
        world.coordinator("s1"),
        "query($p: ID!, $g: ID!) {"
        " p: pair(id: $p) { meetings { kind mentorComment menteeRating } }"
        " g: pair(id: $g) { meetings { kind feedback { authorId rating comment } } } }",
        p=str(pair),
        g=str(group_id),
    )

    assert refused_group is None
    assert refused is not None
    assert refused.code == "batch_refused"
    assert [(p["item"], p["code"]) for p in refused.details["problems"]] == [
        (4, "group_feedback"),
        (5, "not_a_member"),
        (6, "consent_missing"),
        (7, "consent_missing"),
    ]
    assert after_refusal == before
    assert stored is None
    assert after[1] == before[1] + 5  # three meetings, two members' feedback
    pair_meetings = result["data"]["p"]["meetings"]
    assert sorted((m["kind"], m["mentorComment"], m["menteeRating"]) for m in pair_meetings) == [
        ("introduction", PAIR_COMMENT, None),
        ("trial", None, 8),
    ]
    (group_meeting,) = result["data"]["g"]["meetings"]
    assert {(f["authorId"], f["rating"], f["comment"]) for f in group_meeting["feedback"]} == {
        (mentor, 8, None),
        (str(first), 7, MEMBER_COMMENT),
        (str(second), 9, None),
    }
