"""Two timelines in memory: a stage and a staff role take the day their documents give, refused
in the future or before what they rest on (nothing stored); and the auditor's fold of a history
as the documents say on a day (`services/reporting/replay.py`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.programs import events as programs
from services.programs.domain import Stage
from services.registry import events as registry
from services.registry.application import NewAppointment
from services.registry.domain import StaffRole
from services.reporting.replay import HistoryRow, as_documents_say, effective_days, fold
from shared.adapters.eventstore import make_mapper
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Role

from .conftest import TODAY, School
from .test_event_contracts import STORE, decoded
from .test_rules import refusal


def test_a_stage_takes_the_day_its_documents_give(school: School) -> None:
    director = school.staff(Role.SCHOOL_DIRECTOR)
    programme = school.programs.open_programme(
        director, school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    move = school.programs.move_to_stage
    tomorrow, month_ago = TODAY + timedelta(days=1), TODAY - timedelta(days=30)
    assert refusal(school, move, director, programme.id, Stage.MENTEE_BASE, tomorrow) == (
        "effective_date_in_future"
    )
    move(director, programme.id, Stage.MENTEE_BASE, month_ago)
    earlier = month_ago - timedelta(days=1)
    assert refusal(school, move, director, programme.id, Stage.MENTOR_BASE, earlier) == (
        "stage_before_previous"
    )
    move(director, programme.id, Stage.MENTOR_BASE)  # no date: the day of recording
    loaded = school.programs.load(type(programme), programme.id, "Программа")
    assert (loaded.stage, loaded.stage_since) == (Stage.MENTOR_BASE, TODAY)


def test_a_stage_cannot_begin_before_the_implementation_order(school: School) -> None:
    director = school.staff(Role.SCHOOL_DIRECTOR)
    order_day = TODAY - timedelta(days=10)
    school.programs.issue_implementation_order(
        director, school.id, "5-о", order_day, order_day, order_day + timedelta(days=700)
    )
    programme = school.programs.open_programme(
        director, school.id, "2025/26", "Программа", [MentoringForm.TEACHER_STUDENT]
    )[0]
    move = school.programs.move_to_stage
    before = order_day - timedelta(days=1)
    assert refusal(school, move, director, programme.id, Stage.MENTEE_BASE, before) == (
        "stage_before_order"
    )
    move(director, programme.id, Stage.MENTEE_BASE, order_day)


def test_a_staff_role_runs_from_its_order_to_its_end(school: School) -> None:
    teacher = school.mentor("Координатор Давняя")
    director = school.staff(Role.SCHOOL_DIRECTOR)
    assign, revoke = school.registry.assign_staff_role, school.registry.revoke_staff_role
    tomorrow = TODAY + timedelta(days=1)
    role = StaffRole.COORDINATOR
    assert refusal(school, assign, director, teacher, role, NewAppointment(since=tomorrow)) == (
        "effective_date_in_future"
    )
    assign(director, teacher, role, NewAppointment(since=date(2023, 2, 9)))
    assert refusal(school, revoke, director, teacher, role, date(2023, 2, 8)) == (
        "role_ends_before_start"
    )
    assert refusal(school, revoke, director, teacher, role, tomorrow) == "effective_date_in_future"
    revoke(director, teacher, role, date(2024, 8, 31))


def _row(n: int, event_type: str, aggregate: str, recorded: date, **changes: object) -> HistoryRow:
    at = datetime(recorded.year, recorded.month, recorded.day, 12, n, tzinfo=UTC)
    return HistoryRow(n, event_type, aggregate, at, dict(changes))


def _history(today: date) -> list[HistoryRow]:
    """A programme entered today: its stage of March, a pair approved by an order of April
    with a meeting of May, and a feedback given today."""
    opened = {"school_id": "s", "school_year": "2025/26", "title": "П", "forms": ["x"]}
    formed = {"programme_id": "p", "form": "x", "mentor_id": "m", "mentee_ids": ["e"]}
    meeting = {
        "meeting_id": "k",
        "kind": "introduction",
        "held_on": "2026-05-04",
        "duration_minutes": 40,
        "meeting_format": "in_person",
        "topic": "Т",
        "mentor_rating": None,
        "mentor_comment": None,
        "mentee_rating": None,
        "mentee_comment": None,
    }
    feedback = {"meeting_id": "k", "author_id": "m", "side": "mentor", "rating": 9, "comment": None}
    return [
        _row(1, "PROGRAMME_OPENED", "p", today, meeting_every_days=7, **opened),
        _row(
            2,
            "PROGRAMME_STAGE_CHANGED",
            "p",
            today,
            stage=2,
            former_stage=1,
            effective_on="2026-03-02",
        ),
        _row(3, "PAIR_FORMED", "q", today, basis="chosen", **formed),
        _row(4, "PAIR_APPROVED", "q", today, order_id="o", number="1", order_date="2026-04-01"),
        _row(5, "PAIR_MEETING_RECORDED", "q", today, **meeting),
        _row(6, "PAIR_FEEDBACK_GIVEN", "q", today, **feedback),
    ]


ENTERED = date(2026, 6, 10)


def test_undated_facts_hold_from_the_first_document_that_rests_on_them() -> None:
    days = effective_days(_history(ENTERED))
    assert days == [
        date(2026, 3, 2),  # the programme: from its first document's day
        date(2026, 3, 2),
        date(2026, 4, 1),  # the pair's formation: by its approving order at the latest
        date(2026, 4, 1),
        date(2026, 5, 4),
        ENTERED,  # feedback: from its recording, never before its meeting
    ]


def test_the_programme_as_the_documents_say_on_each_day() -> None:
    rows = _history(ENTERED)

    def on(day: date) -> tuple[int | None, list[tuple[str, int, int]]]:
        state = fold(as_documents_say(rows, day))
        pairs = [
            (p.status, len(p.meetings), sum(len(m.feedback) for m in p.meetings.values()))
            for p in state.pairs.values()
        ]
        return (state.programme.stage if state.programme else None), pairs

    assert on(date(2026, 3, 1)) == (None, [])
    assert on(date(2026, 3, 2)) == (2, [])
    assert on(date(2026, 4, 1)) == (2, [("active", 0, 0)])
    assert on(date(2026, 5, 4)) == (2, [("active", 1, 0)])
    assert on(ENTERED) == (2, [("active", 1, 1)])
    # as known: all of it only from the day it was entered
    assert fold([r for r in rows if r.occurred_at.date() < ENTERED]).programme is None


def test_stored_dated_facts_of_version_1_take_effect_the_day_they_were_stored() -> None:
    """The store written before the two timelines: a stage move and a staff role's start and
    end decode with the day they were stored, in the contracts and in the domain alike."""
    for store, contract, name in (
        ("programs", programs.ProgrammeStageChanged, "effective_on"),
        ("registry", registry.PersonStaffRoleAssigned, "since"),
        ("registry", registry.PersonStaffRoleRevoked, "until"),
    ):
        rows = [  # stored as version 1 (later versions have rows of their own)
            r
            for r in STORE[store]
            if r["topic"] == contract.stored_topic and "class_version" not in json.loads(r["state"])
        ]
        assert rows, contract
        for row in rows:
            event = decoded(store, row)
            assert getattr(event, name) == event.timestamp.date()
            stored = StoredEvent(
                originator_id=UUID(row["originator_id"]),
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"].encode(),
            )
            domain: Any = make_mapper().to_domain_event(stored)
            assert getattr(domain, name) == event.timestamp.date()
