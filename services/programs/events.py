"""The events programs publishes: one contract per stored event type (`shared.kernel.contracts`).

Readers decode programs' stored events into these and never import its domain. A field holds what
the store holds: an enumeration's value (`Stage` a number 1–7, the others their codes), dates,
ids, sealed personal data. Never change a stored topic; a change of fields raises the contract's
version with an upcast from the one before (the domain's event class keeps the same version:
tests/test_event_contracts.py checks they match).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.programs.deadlines import legacy_deadline
from shared.kernel.contracts import (
    Created,
    Event,
    MovedWithSchool,
    Sealed,
    contracts_of,
    stored_day,
)


def pair_of_one_mentee(state: dict[str, Any]) -> None:
    """Version 1 knew pairs only: one mentee, formed by the curator's choice."""
    state["mentee_ids"] = [state.pop("mentee_id")]
    state["basis"] = "chosen"


def one_person_mentor_side(state: dict[str, Any]) -> None:
    """Version 2 knew one mentor, named as a person: a mentor side of one, no class, no
    supporting teacher."""
    state["mentor_ids"] = [state.pop("mentor_id")]
    state["classes"] = []
    state["supporting_ids"] = []


def one_mentee_load(state: dict[str, Any]) -> None:
    state["mentees"] = 1  # version 1 knew pairs only


# Version 1 of a stage move had no date of its own: the day it was stored.
effective_when_stored = stored_day("effective_on")


def reason_withheld(state: dict[str, Any]) -> None:
    """Version 1 kept a reason in clear; it is no longer shown, as it may be about the
    participants (the stored record itself cannot change)."""
    state["reason"] = None


def item_as_written(state: dict[str, Any]) -> None:
    """Version 1 of a roadmap item knew a date or «day.month each school year», no number and
    no block: the deadline in the words a roadmap would use for it."""
    item = state["item"]
    old = item["deadline"]
    item["deadline"] = legacy_deadline(old["on"], old["month"], old["day"]).as_dict()
    item["number"] = item["block"] = ""


class ActRecorded(Created, frozen=True):
    """An act entered into its organisation's register (`domain/acts.py`): `basis`, `marks`
    and `points` as lists of their fields, dates and ids in their own types."""

    stored_topic = "services.programs.domain.acts:Act.Recorded"
    organisation_id: UUID
    kind: str
    register: str
    number: str
    act_date: date
    title: str
    basis: list[dict[str, Any]]
    marks: list[dict[str, Any]]
    effective_from: date
    valid_until: date | None
    supersedes: list[UUID]
    points: list[dict[str, Any]]
    published_url: str
    frame: str | None = None  # acts entered before frames named none (`shared.frames`)


class ActRegisterOpened(Created, frozen=True):
    stored_topic = "services.programs.domain.acts:ActRegister.Opened"
    organisation_id: UUID


class ActRegisterNumberTaken(Event, frozen=True):
    stored_topic = "services.programs.domain.acts:ActRegister.NumberTaken"
    act_id: UUID
    key: str


def item_fulfilled_by_hand(state: dict[str, Any]) -> None:
    """Version 2 of a roadmap item named no fact that fulfils it: a manual status alone."""
    state["item"]["fulfilled_by"] = None


class ImplementationOrderIssued(Created, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.OrderIssued"
    school_id: UUID
    number: str
    order_date: date
    period_from: date
    period_to: date
    monitoring_window: list[list[int]] | None


class ImplementationRegulationAdopted(Event, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.RegulationAdopted"
    title: str
    version: str
    adopted_on: date


class ImplementationRoadmapItemAdded(Event, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.RoadmapItemAdded"
    contract_version = 3
    upcasts = (item_as_written, item_fulfilled_by_hand)
    item_id: UUID
    item: dict[str, Any]


class ImplementationRoadmapItemChanged(Event, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.RoadmapItemChanged"
    contract_version = 3
    upcasts = (item_as_written, item_fulfilled_by_hand)
    item_id: UUID
    item: dict[str, Any]


class ImplementationRoadmapWritten(Event, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.RoadmapWritten"
    title: str
    order_number: str
    order_date: date | None
    blocks: list[dict[str, Any]]


class ImplementationRoadmapItemProgressed(Event, frozen=True):
    stored_topic = "services.programs.domain.implementation:Implementation.RoadmapItemProgressed"
    item_id: UUID
    status: str
    school_year: str | None
    on: date
    evidence: str


class MentorLoadAssigned(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:MentorLoad.Assigned"
    contract_version = 2
    upcasts = (one_mentee_load,)
    pair_id: UUID
    mentees: int


class MentorLoadReleased(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:MentorLoad.Released"
    pair_id: UUID


class MentorLoadStarted(Created, frozen=True):
    stored_topic = "services.programs.domain.pairs:MentorLoad.Started"
    mentor_id: UUID


class PairApproved(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.Approved"
    order_id: UUID
    number: str
    order_date: date


class PairDissolved(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.Dissolved"
    contract_version = 2
    upcasts = (reason_withheld,)
    reason: Sealed | None


class PairEnded(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.Ended"
    outcome: str
    ended_on: date
    initiator: str
    reason: str | None
    summary: Sealed | None


class PairFeedbackGiven(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.FeedbackGiven"
    meeting_id: UUID
    author_id: UUID
    side: str
    rating: int | None
    comment: Sealed | None


class PairFormed(Created, frozen=True):
    """A pair or group formed: every person of its mentor side and of its mentee side (a
    class's pupils included), the classes among them (`side`, `label` as a pupil's grade,
    `pupil_ids`), and its supporting teachers, who are not mentors."""

    stored_topic = "services.programs.domain.pairs:Pair.Formed"
    contract_version = 3
    upcasts = (pair_of_one_mentee, one_person_mentor_side)
    programme_id: UUID
    form: str
    mentor_ids: list[UUID]
    mentee_ids: list[UUID]
    classes: list[dict[str, Any]]
    supporting_ids: list[UUID]
    basis: str

    @property
    def mentor_id(self) -> UUID:
        """The first mentor, whose feedback a meeting's record carries inline."""
        return self.mentor_ids[0]


class PairMeetingPlanned(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.MeetingPlanned"
    meeting_id: UUID
    starts_on: date
    start_time: str  # «HH:MM», the region's local time
    duration_minutes: int
    place: str  # a room, an address or an online link
    topic: str


class PairMeetingRecorded(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.MeetingRecorded"
    meeting_id: UUID
    kind: str
    held_on: date
    duration_minutes: int
    meeting_format: str
    topic: str
    mentor_rating: int | None
    mentor_comment: Sealed | None
    mentee_rating: int | None
    mentee_comment: Sealed | None


class PairPlanDrawnUp(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.PlanDrawnUp"
    starts_on: date
    ends_on: date
    goals: list[str]
    tasks: list[dict[str, Any]]


class PairPlanTaskCompleted(Event, frozen=True):
    stored_topic = "services.programs.domain.pairs:Pair.PlanTaskCompleted"
    task_id: UUID
    completed_on: date


class PairsOrderIssued(Created, frozen=True):
    stored_topic = "services.programs.domain.pairs:PairsOrder.Issued"
    school_id: UUID
    programme_id: UUID
    number: str
    order_date: date
    pair_ids: list[UUID]


class ProgrammeDescribed(Event, frozen=True):
    stored_topic = "services.programs.domain.programmes:Programme.Described"
    starts_on: date
    ends_on: date
    goals: list[str]
    curators: dict[str, UUID]


class ProgrammeMeetingRuleSet(Event, frozen=True):
    stored_topic = "services.programs.domain.programmes:Programme.MeetingRuleSet"
    every_days: int


class ProgrammeOpened(Created, frozen=True):
    stored_topic = "services.programs.domain.programmes:Programme.Opened"
    school_id: UUID
    school_year: str
    title: str
    forms: list[str]
    meeting_every_days: int
    # the frame (`shared.frames`): a programme opened before frames ran the students' model
    frame: str = "students"


class ProgrammeStageChanged(Event, frozen=True):
    stored_topic = "services.programs.domain.programmes:Programme.StageChanged"
    contract_version = 2
    upcasts = (effective_when_stored,)
    stage: int
    former_stage: int
    effective_on: date  # the day the documents say the stage began


class ProgrammeSuggestionRejected(Event, frozen=True):
    stored_topic = "services.programs.domain.programmes:Programme.SuggestionRejected"
    contract_version = 2
    upcasts = (reason_withheld,)
    mentee_id: UUID
    mentor_id: UUID
    reason: Sealed | None


class ResponsibilitiesOpened(Created, frozen=True):
    """A school's record of the responsibility it gives its staff, opened with its first grant."""

    stored_topic = "services.programs.domain.responsibility:Responsibilities.Opened"
    school_id: UUID


class ResponsibilitiesGranted(Event, frozen=True):
    """A staff person made responsible for `parts` (each a `kind` of `ResponsibilityPart` and
    its `subject`) from `granted_on`, by the act `act_id` when one appointed them."""

    stored_topic = "services.programs.domain.responsibility:Responsibilities.Granted"
    school_id: UUID
    grant_id: UUID
    person_id: UUID
    parts: list[dict[str, str]]
    granted_on: date
    act_id: UUID | None


class ResponsibilitiesRevoked(Event, frozen=True):
    stored_topic = "services.programs.domain.responsibility:Responsibilities.Revoked"
    grant_id: UUID
    revoked_on: date


class CandidacyDecided(Event, frozen=True):
    stored_topic = "services.programs.domain.recognition:Candidacy.Decided"
    result: str
    decided_on: date
    level: str


class CandidacyNominated(Created, frozen=True):
    stored_topic = "services.programs.domain.recognition:Candidacy.Nominated"
    school_id: UUID
    nomination: str
    school_year: str
    mentor_id: UUID
    pair_id: UUID | None


class PracticeCaseProposed(Created, frozen=True):
    stored_topic = "services.programs.domain.recognition:PracticeCase.Proposed"
    school_id: UUID
    programme_id: UUID
    form: str
    title: str
    summary: str
    results: str


class PracticeCasePublished(Event, frozen=True):
    stored_topic = "services.programs.domain.recognition:PracticeCase.Published"
    published_on: date


class SchoolEventRecorded(Created, frozen=True):
    """A school's own event (`domain/school_life.py`): `kind` a SchoolEventKind's code, who was
    present by pair or group, class and person, and its materials as {title, url}."""

    stored_topic = "services.programs.domain.school_life:SchoolEvent.Recorded"
    school_id: UUID
    kind: str
    held_on: date
    title: str
    pair_ids: list[UUID]
    classes: list[str]
    person_ids: list[UUID]
    materials: list[dict[str, str]]


class StageSchemeWritten(Created, frozen=True):
    """A school's own stages: each {name, stages: the numbers of the seven it covers}."""

    stored_topic = "services.programs.domain.school_life:StageScheme.Written"
    school_id: UUID
    stages: list[dict[str, Any]]


class StageSchemeRewritten(Event, frozen=True):
    stored_topic = "services.programs.domain.school_life:StageScheme.Rewritten"
    stages: list[dict[str, Any]]


class SurveyResponseSubmitted(Created, frozen=True):
    stored_topic = "services.programs.domain.surveys:SurveyResponse.Submitted"
    template_id: UUID
    version: int
    programme_id: UUID
    pair_id: UUID | None
    respondent_id: UUID
    respondent: str
    answered_on: date
    answers: dict[str, Any]
    texts: Sealed | None


class SurveyTemplatePublished(Created, frozen=True):
    stored_topic = "services.programs.domain.surveys:SurveyTemplate.Published"
    title: str
    purpose: str
    respondent: str
    forms: list[str]
    stage: int | None
    questions: list[dict[str, Any]]


class SurveyTemplateRevised(Event, frozen=True):
    stored_topic = "services.programs.domain.surveys:SurveyTemplate.Revised"
    version: int
    title: str
    questions: list[dict[str, Any]]


# every aggregate's move after its school: one event type, stored by the shared base class
ALL: tuple[type[Event], ...] = (MovedWithSchool, *contracts_of(globals()))
