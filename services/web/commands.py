"""The bodies of the registry's and programs' commands as the web sends them, typed.

Values keep what a person typed where a form field may hold anything (`Typed`, `Number`, `Day`):
the services validate and their refusal is placed beside the field (`forms.py`), so the web
checks nothing twice. Field names are the services' JSON names."""

from __future__ import annotations

from typing import Any

import msgspec

Typed = str | None  # text as typed, None when left empty
Number = int | str | None  # an integer when it is one, else as typed
Day = str | None  # an ISO date, else as typed
Answer = bool | int | str | list[str] | None  # a survey answer in its question's type


class Command(msgspec.Struct, kw_only=True):
    """A command's body."""


# The registry's commands.


class NewConsent(Command):
    signed_on: Day
    representative_name: Typed
    relation: Typed


class RegisterPerson(Command, omit_defaults=True):
    school_id: str
    kind: Typed
    full_name: Typed
    roles: list[str]
    birth_date: Day
    grade: Typed
    contacts: Typed
    position: Typed
    teaching_since: Day
    mentor_capacity: Number
    consent: NewConsent | None = None


class SignConsent(Command):
    kind: str
    signed_on: Day
    expires_on: Day
    representative_name: Typed
    relation: Typed


class WithdrawConsent(Command):
    withdrawn_on: Day


class IssueLink(Command):
    role: str
    expires_on: Day


class MenteeProfile(Command):
    categories: list[str]
    requests: Typed
    needs: list[str]
    school_year: Typed  # the year of the request; the service takes this one when empty


class MentorQuestionnaire(Command):
    competences: list[str]
    interests: list[str]
    hours_per_month: Number
    capacity: Number
    preferred_age_min: Number
    preferred_age_max: Number
    experience: Typed


class SelfAuditAnswer(Command):
    item: int
    achieved: bool
    evidence: Typed


class SelfAudit(Command):
    school_year: Typed
    items: list[SelfAuditAnswer]
    page_url: Typed


class SelfAuditReview(Command):
    school_year: str
    item: int
    achieved: bool
    recommendation: Typed


class FormExample(Command):
    owner_id: str
    example: str


class NewMonitoringForm(Command):
    owner_id: str
    title: Typed
    sections: list[dict[str, Any]]


class MonitoringFormRevision(Command):
    version: int
    title: Typed
    sections: list[dict[str, Any]]


class MonitoringFormVersion(Command):
    title: Typed
    sections: list[dict[str, Any]]


class CampaignAnswer(Command):
    number: str
    value: bool | int | float | str | None
    evidence: Typed
    computed: bool | int | float | None
    comment: Typed


class CampaignAnswers(Command):
    answers: list[CampaignAnswer]
    submit: bool


class CampaignReview(Command):
    number: str
    verdict: Typed
    missing: list[str]
    recommendation: Typed


class CampaignConclusion(Command):
    accepted: bool
    comment: Typed


# Programs' commands.


class OpenProgramme(Command):
    school_id: str
    school_year: Typed
    title: Typed
    frame: Typed
    forms: list[str]


class StageChange(Command):
    stage: Number
    effective_on: Day


class GrantedPart(Command):
    kind: str
    subject: str


class Grant(Command):
    """A grant of responsibility to a staff person of the school."""

    person_id: Typed
    parts: list[GrantedPart]
    granted_on: Day


class Revocation(Command):
    """A grant's revocation, from the day of recording."""


class MeetingRule(Command):
    every_days: Number


class ItemProgress(Command):
    status: Typed
    on: Day
    school_year: Typed
    evidence: str


class DeadlineWords(Command):
    words: str  # as the roadmap writes it; the service reads it or refuses, naming the field


class RoadmapBlock(Command):
    number: str
    title: str
    stage: Number = None  # none: a block of no stage


class Fulfilment(Command):
    fact: str  # act, stage, base, survey
    subject: str  # the act's kind, the stage's number, the base; "" for a survey


class RoadmapItem(Command):
    number: str
    block: str
    activity: str
    deadline: DeadlineWords
    responsible: list[str]
    expected_result: str
    control_point: bool
    fulfilled_by: Fulfilment | None = None  # none: only a status marked by hand


class WrittenRoadmap(Command):
    title: str
    blocks: list[RoadmapBlock]
    items: list[RoadmapItem]


class FormPair(Command):
    form: str
    mentor_id: Typed
    mentee_ids: list[str | None]
    basis: str


class ClassSide(msgspec.Struct):
    label: str
    pupil_ids: list[str]


class FormClassGroup(Command):
    """A group whose sides are classes («класс – классу»), a supporting teacher beside it."""

    form: str
    mentor_classes: list[ClassSide]
    mentee_classes: list[ClassSide]
    supporting_ids: list[str]


class RejectSuggestion(Command):
    mentee_id: Typed
    mentor_id: Typed
    reason: str


class IssueOrder(Command):
    number: Typed
    order_date: Day
    pair_ids: list[str]


class Feedback(Command):
    rating: Number
    comment: Typed


class RecordMeeting(Command):
    kind: Typed
    held_on: Day
    duration_minutes: Number
    format: str
    topic: str
    mentor_feedback: Feedback | None
    mentee_feedback: Feedback | None


class PlanMeeting(Command):
    starts_on: Day
    start_time: Typed
    duration_minutes: Number
    place: Typed
    topic: str


class SetMailReminders(Command):
    by_mail: bool


class GiveFeedback(Feedback):
    author_id: Typed


class EndPair(Command):
    outcome: Typed
    ended_on: Day
    initiator: Typed
    reason: Typed
    summary: str


class PlanTask(Command):
    title: str
    due_on: Day


class DrawUpPlan(Command):
    starts_on: Day
    ends_on: Day
    goals: list[str]
    tasks: list[PlanTask]


class TaskCompletion(Command):
    completed_on: str


class Dissolution(Command):
    reason: str


class SurveyAnswers(Command):
    template_id: str
    respondent_id: str
    answered_on: str
    answers: dict[str, Answer]
    pair_id: str


class ActMark(Command):
    kind: Typed
    body: Typed
    on: Day
    protocol_number: str
    order_number: str
    signer: str


class ActBasis(Command, omit_defaults=True):
    """An act of the register (`act_id`), or an external act by its details."""

    act_id: str | None = None
    level: str | None = None
    issuer: str = ""
    kind: str = ""
    number: str = ""
    on: Day = None
    title: str = ""


class ActPerson(Command):
    name: str
    position: str
    organisation: str
    role: str


class ActPoint(Command):
    kind: str
    text: Typed
    people: list[ActPerson]
    documents: list[str]
    due_on: Day


class RecordAct(Command):
    kind: Typed
    number: str
    register: str
    act_date: Day
    title: Typed
    basis: list[ActBasis]
    marks: list[ActMark]
    effective_from: Day
    valid_until: Day
    points: list[ActPoint]
    published_url: str
    frame: Typed


class RegisterEmployee(Command, omit_defaults=True):
    """A member of the school's staff, in neither base."""

    school_id: str
    kind: Typed
    other_kinds: list[str]
    full_name: Typed
    position: Typed
    roles: list[str]  # none: the staff list only


class AssignStaffRole(Command, omit_defaults=True):
    role: Typed
    forms: list[str]
    area: Typed
    since: Day
    until: Day
    duties: list[str]
    act_id: Typed
    act_number: Typed
    act_date: Day


# A school's own events.


class EventMaterial(Command):
    title: Typed
    url: str


class RecordSchoolEvent(Command):
    kind: Typed
    held_on: Day
    title: Typed
    pair_ids: list[str]
    classes: list[str]
    materials: list[EventMaterial]


class SchoolStage(Command):
    name: str
    stages: list[int | str]  # as typed: the service names what is not a stage's number


class WriteStageScheme(Command):
    stages: list[SchoolStage]
