"""An auditor's replay: the state of a programme — its description and stage, its pairs and
groups with their orders, plans, meetings, feedback and endings — folded from its events in the
history projection, as it was after any number of them. No I/O: the caller reads the events.

The fold follows what the live projections do with the same events (`projections/programmes.py`,
`projections/pairs.py`), so the state after N events equals the projections fed those N events.
Free text is sealed in the events and the history holds only that it was there; the caller reads
it (and names) from the school's read models, where an erased person's reads «данные удалены».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.programs import events as programs
from shared.frames import DEFAULT_FRAME
from shared.kernel.contracts import Event


@dataclass(frozen=True)
class HistoryRow:
    """One event of the programme as the history projection keeps it."""

    position: int
    event_type: str  # its contract's `event_name`
    aggregate_id: str
    occurred_at: datetime
    changes: dict[str, Any]


@dataclass
class FeedbackState:
    author_id: str
    side: str
    rating: int | None
    has_comment: bool
    given_at: datetime


@dataclass
class MeetingState:
    id: str
    kind: str
    held_on: date
    duration_minutes: int
    meeting_format: str
    topic: str
    mentor_rating: int | None
    mentee_rating: int | None
    feedback: list[FeedbackState] = field(default_factory=list)


@dataclass
class TaskState:
    id: str
    title: str
    due_on: date
    completed_on: date | None = None


@dataclass
class PlanState:
    starts_on: date
    ends_on: date
    goals: list[str]
    tasks: list[TaskState]


@dataclass
class PairState:
    id: str
    programme_id: str
    form: str
    mentor_ids: list[str]
    mentee_ids: list[str]
    basis: str
    formed_at: datetime
    classes: list[dict[str, Any]] = field(default_factory=list)  # side, label, pupil_ids
    supporting_ids: list[str] = field(default_factory=list)
    status: str = "proposed"
    order_number: str | None = None
    order_date: date | None = None
    outcome: str | None = None
    ended_on: date | None = None
    ended_by: str | None = None
    end_reason: str | None = None
    has_summary: bool = False
    plan: PlanState | None = None
    meetings: dict[str, MeetingState] = field(default_factory=dict)


@dataclass
class OrderState:
    id: str
    number: str
    order_date: date
    pair_ids: list[str]


@dataclass
class ProgrammeFields:
    id: str
    school_id: str
    school_year: str
    title: str
    forms: list[str]
    opened_at: datetime
    meeting_every_days: int
    frame: str
    stage: int = 1
    stage_changed_at: datetime | None = None
    stage_since: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    goals: list[str] = field(default_factory=list)
    curators: dict[str, str] = field(default_factory=dict)


@dataclass
class ProgrammeFold:
    version: int = 0
    at: datetime | None = None
    programme: ProgrammeFields | None = None
    pairs: dict[str, PairState] = field(default_factory=dict)
    orders: list[OrderState] = field(default_factory=list)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _opened(state: ProgrammeFold, row: HistoryRow) -> None:
    c = row.changes
    state.programme = ProgrammeFields(
        id=row.aggregate_id,
        school_id=c["school_id"],
        school_year=c["school_year"],
        title=c["title"],
        forms=list(c["forms"]),
        opened_at=row.occurred_at,
        meeting_every_days=c["meeting_every_days"],
        frame=c.get("frame", DEFAULT_FRAME),  # history kept before frames: the students' model
    )


def _programme(state: ProgrammeFold) -> ProgrammeFields:
    if state.programme is None:  # history always opens with the programme's first event
        raise ValueError("programme event before the programme was opened")
    return state.programme


def _stage_changed(state: ProgrammeFold, row: HistoryRow) -> None:
    programme = _programme(state)
    programme.stage = int(row.changes["stage"])
    programme.stage_changed_at = row.occurred_at
    programme.stage_since = _day(row.changes["effective_on"])


def _meeting_rule_set(state: ProgrammeFold, row: HistoryRow) -> None:
    _programme(state).meeting_every_days = row.changes["every_days"]


def _described(state: ProgrammeFold, row: HistoryRow) -> None:
    programme, c = _programme(state), row.changes
    programme.starts_on, programme.ends_on = _day(c["starts_on"]), _day(c["ends_on"])
    programme.goals = list(c["goals"])
    programme.curators = dict(c["curators"])


def _formed(state: ProgrammeFold, row: HistoryRow) -> None:
    c = row.changes
    state.pairs[row.aggregate_id] = PairState(
        id=row.aggregate_id,
        programme_id=c["programme_id"],
        form=c["form"],
        # history kept before the sides has the one mentor a pair then had
        mentor_ids=list(c["mentor_ids"]) if "mentor_ids" in c else [c["mentor_id"]],
        mentee_ids=list(c["mentee_ids"]),
        classes=[dict(school_class) for school_class in c.get("classes", [])],
        supporting_ids=list(c.get("supporting_ids", [])),
        basis=c["basis"],
        formed_at=row.occurred_at,
    )


def _approved(state: ProgrammeFold, row: HistoryRow) -> None:
    pair = state.pairs[row.aggregate_id]
    pair.status = "active"
    pair.order_number, pair.order_date = row.changes["number"], _day(row.changes["order_date"])


def _order_issued(state: ProgrammeFold, row: HistoryRow) -> None:
    c = row.changes
    state.orders.append(
        OrderState(
            row.aggregate_id, c["number"], date.fromisoformat(c["order_date"]), c["pair_ids"]
        )
    )


def _dissolved(state: ProgrammeFold, row: HistoryRow) -> None:
    state.pairs[row.aggregate_id].status = "dissolved"


def _ended(state: ProgrammeFold, row: HistoryRow) -> None:
    pair, c = state.pairs[row.aggregate_id], row.changes
    pair.status, pair.outcome, pair.ended_on = "ended", c["outcome"], _day(c["ended_on"])
    pair.ended_by, pair.end_reason = c["initiator"], c["reason"]
    pair.has_summary = c["summary"] is not None


def _plan_drawn_up(state: ProgrammeFold, row: HistoryRow) -> None:
    """A new plan replaces the previous one, tasks and all."""
    c = row.changes
    state.pairs[row.aggregate_id].plan = PlanState(
        starts_on=date.fromisoformat(c["starts_on"]),
        ends_on=date.fromisoformat(c["ends_on"]),
        goals=list(c["goals"]),
        tasks=[TaskState(t["id"], t["title"], date.fromisoformat(t["due_on"])) for t in c["tasks"]],
    )


def _task_completed(state: ProgrammeFold, row: HistoryRow) -> None:
    plan = state.pairs[row.aggregate_id].plan
    for task in plan.tasks if plan else []:
        if task.id == row.changes["task_id"]:
            task.completed_on = _day(row.changes["completed_on"])


def _meeting_recorded(state: ProgrammeFold, row: HistoryRow) -> None:
    """The meeting with the inline feedback of the mentor and (in a pair) the first mentee."""
    pair, c = state.pairs[row.aggregate_id], row.changes
    meeting = MeetingState(
        id=c["meeting_id"],
        kind=c["kind"],
        held_on=date.fromisoformat(c["held_on"]),
        duration_minutes=c["duration_minutes"],
        meeting_format=c["meeting_format"],
        topic=c["topic"],
        mentor_rating=c["mentor_rating"],
        mentee_rating=c["mentee_rating"],
    )
    for author, side in ((pair.mentor_ids[0], "mentor"), (pair.mentee_ids[0], "mentee")):
        rating, comment = c[f"{side}_rating"], c[f"{side}_comment"]
        if rating is not None or comment is not None:
            meeting.feedback.append(
                FeedbackState(author, side, rating, comment is not None, row.occurred_at)
            )
    pair.meetings[meeting.id] = meeting


def _feedback_given(state: ProgrammeFold, row: HistoryRow) -> None:
    """Feedback given later; in a pair it also fills the meeting's own score of that side."""
    pair, c = state.pairs[row.aggregate_id], row.changes
    meeting = pair.meetings[c["meeting_id"]]
    meeting.feedback.append(
        FeedbackState(
            c["author_id"], c["side"], c["rating"], c["comment"] is not None, row.occurred_at
        )
    )
    if len(pair.mentee_ids) == 1:
        setattr(meeting, f"{c['side']}_rating", c["rating"])


FOLDS: dict[type[Event], Callable[[ProgrammeFold, HistoryRow], None]] = {
    programs.ProgrammeOpened: _opened,
    programs.ProgrammeStageChanged: _stage_changed,
    programs.ProgrammeMeetingRuleSet: _meeting_rule_set,
    programs.ProgrammeDescribed: _described,
    programs.PairFormed: _formed,
    programs.PairApproved: _approved,
    programs.PairsOrderIssued: _order_issued,
    programs.PairDissolved: _dissolved,
    programs.PairEnded: _ended,
    programs.PairPlanDrawnUp: _plan_drawn_up,
    programs.PairPlanTaskCompleted: _task_completed,
    programs.PairMeetingRecorded: _meeting_recorded,
    programs.PairFeedbackGiven: _feedback_given,
}
# The history keeps each event's contract by name.
_CONTRACTS = {c.event_name: c for c in programs.ALL}


# The field of each dated fact that holds the day the documents give (DESIGN.md, decision 11).
DOCUMENT_DATES: dict[type[Event], str] = {
    programs.ProgrammeStageChanged: "effective_on",
    programs.PairsOrderIssued: "order_date",
    programs.PairApproved: "order_date",
    programs.PairMeetingRecorded: "held_on",
    programs.PairPlanTaskCompleted: "completed_on",
    programs.PairEnded: "ended_on",
}
_DATED_FIELDS = {c.event_name: name for c, name in DOCUMENT_DATES.items()}


def document_date(event_type: str, changes: dict[str, Any]) -> date | None:
    """The day a document gives for this event's fact; None for a fact no document dates."""
    name = _DATED_FIELDS.get(event_type)
    return _day(changes[name]) if name else None


def effective_days(rows: list[HistoryRow]) -> list[date]:
    """The day each event's fact took effect. A dated fact: its document's day. Another (a
    pair formed, a description, feedback) holds from its recording, but no later than any fact
    recorded after it that rests on it (a later fact of its aggregate; of any of the programme's
    for the programme's own), and no earlier than the facts of its aggregate before it."""
    documented = [document_date(r.event_type, r.changes) for r in rows]
    days = [day or row.occurred_at.date() for day, row in zip(documented, rows, strict=True)]
    dated = [day is not None for day in documented]
    programme_id = rows[0].aggregate_id if rows else None
    later: dict[str, date] = {}  # the earliest day of the facts after, per aggregate
    any_later: date | None = None  # … of any aggregate: every fact rests on the programme's
    for i in reversed(range(len(rows))):
        aggregate = rows[i].aggregate_id
        bound = any_later if aggregate == programme_id else later.get(aggregate)
        if not dated[i] and bound is not None:
            days[i] = min(days[i], bound)
        later[aggregate] = min(days[i], later.get(aggregate, days[i]))
        any_later = days[i] if any_later is None else min(any_later, days[i])
    earlier: dict[str, date] = {}
    for i, row in enumerate(rows):
        if not dated[i] and row.aggregate_id in earlier:
            days[i] = max(days[i], earlier[row.aggregate_id])
        earlier[row.aggregate_id] = max(days[i], earlier.get(row.aggregate_id, days[i]))
    return days


def as_documents_say(rows: list[HistoryRow], on: date) -> list[HistoryRow]:
    """The events whose facts had taken effect by the end of `on`, in their order."""
    return [row for row, day in zip(rows, effective_days(rows), strict=True) if day <= on]


def fold(rows: list[HistoryRow]) -> ProgrammeFold:
    """The programme after these events, in order; events that change none of what the replay
    shows (rejected suggestions, survey responses, candidacies) still count as versions."""
    state = ProgrammeFold()
    for row in rows:
        contract = _CONTRACTS.get(row.event_type)
        handler = FOLDS.get(contract) if contract is not None else None
        if handler is not None:
            handler(state, row)
        state.version += 1
        state.at = row.occurred_at
    return state
