"""The events the registry publishes: one contract per stored event type (see
`shared.kernel.contracts`).

Readers decode the registry's stored events into these and never import its domain. A field holds
what the store holds: an enumeration's value (its code), dates, ids, sealed personal data. Never
change a stored topic; a change of fields raises the contract's version with an upcast from the
one before (the domain's event class keeps the same version: tests/test_event_contracts.py checks
they match).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from shared.dictionaries import school_year_of
from shared.kernel.contracts import (
    Created,
    Event,
    MovedWithSchool,
    Sealed,
    contracts_of,
    stored_day,
)


def recorded_when_stored(state: dict[str, Any]) -> None:
    """Version 1 of a withdrawal did not say when it was recorded: the day it was stored."""
    state["recorded_on"] = state["timestamp"].date()


# Version 1 of a staff role and of its end had no date of their own: the day it was stored.
held_since_stored, held_until_stored = stored_day("since"), stored_day("until")


def one_kind_stored(state: dict[str, Any]) -> None:
    """Version 1 of a person had one kind only."""
    state["other_kinds"] = []


def appointed_without_act(state: dict[str, Any]) -> None:
    """Version 2 of a staff role carried no duties, no appointing act and no term."""
    state.update(duties=[], act_id=None, act_number=None, act_date=None, until=None)


def schools_were_schools(state: dict[str, Any]) -> None:
    """Version 1 knew one kind of educational organisation, the school, and no legal form."""
    state["education_kind"] = "school" if state["kind"] == "school" else None
    state["legal_form"] = None


def requested_in_the_year_stored(state: dict[str, Any]) -> None:
    """Version 1 of a mentee's profile named no school year: the one it was stored in."""
    state["school_year"] = school_year_of(state["timestamp"].date())


class MentorRegisterApproved(Created, frozen=True):
    stored_topic = "services.registry.domain.mentors_register:MentorRegister.Approved"
    school_id: UUID
    school_year: str
    order_number: str
    order_date: date
    mentor_ids: list[UUID]


class TrainingCourseAnnounced(Created, frozen=True):
    stored_topic = "services.registry.domain.mentors_register:TrainingCourse.Announced"
    name: str
    hours: int
    provider: str
    starts_on: date
    ends_on: date


class TrainingCourseCompleted(Event, frozen=True):
    stored_topic = "services.registry.domain.mentors_register:TrainingCourse.Completed"
    person_id: UUID
    school_id: UUID
    school_tenant: str
    completed_on: date
    certificate: str


class FormTemplateDrafted(Created, frozen=True):
    stored_topic = "services.registry.domain.campaigns:FormTemplate.Drafted"
    owner_id: UUID
    title: str
    # [{number, title, items: [{number («1.5»), text, kind, required, options, source,
    #   requirements: [{number («1.5.3»), text}]}]}]
    sections: list[dict[str, Any]]


class FormTemplateRevised(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:FormTemplate.Revised"
    version: int
    title: str
    sections: list[dict[str, Any]]  # as drafted


class FormTemplateUsed(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:FormTemplate.Used"
    version: int


class FormTemplateItemsMapped(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:FormTemplate.ItemsMapped"
    other_id: UUID
    pairs: list[list[str]]  # [this form's item, the other form's item]


def announced_by_number(state: dict[str, Any]) -> None:
    """Version 1 of a campaign named its announcing act by number and date only."""
    state["act_id"] = None


class CampaignAnnounced(Created, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Campaign.Announced"
    contract_version = 2
    upcasts = (announced_by_number,)
    title: str
    form_id: UUID
    form_version: int
    act_number: str
    act_date: date
    act_id: UUID | None  # the act in the register of acts, where it was entered there
    target_path: str
    target_kinds: list[str]
    window_from: date
    window_to: date
    reference_date: date
    reviewer_roles: list[str]
    municipality_submits: bool


class FixOrderIssued(Created, frozen=True):
    stored_topic = "services.registry.domain.campaigns:FixOrder.Issued"
    campaign_id: UUID
    municipality_id: UUID
    act_id: UUID | None
    act_number: str
    act_date: date
    fixes: list[dict[str, Any]]  # organisation_id, its tenant, number, director, due_on (ISO)


class SubmissionStarted(Created, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.Started"
    campaign_id: UUID
    organisation_id: UUID


class SubmissionDraftSaved(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.DraftSaved"
    # [{number, value (bool, number or text), evidence, computed (the platform's value offered
    #   to confirm or correct), comment (why it was corrected)}]
    answers: list[dict[str, Any]]


class SubmissionSubmitted(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.Submitted"
    answers: list[dict[str, Any]]  # as in a draft: every answer, frozen
    submitted_on: date  # the region's calendar day
    late: bool


class SubmissionItemReviewed(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.ItemReviewed"
    number: str
    verdict: str  # Verdict
    missing: list[str]  # the sub-requirements not met, when partly accepted
    recommendation: str | None


class SubmissionReturned(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.Returned"
    comment: str | None


class SubmissionAccepted(Event, frozen=True):
    stored_topic = "services.registry.domain.campaigns:Submission.Accepted"
    comment: str | None


class IndicatorTargetsOpened(Created, frozen=True):
    stored_topic = "services.registry.domain.monitoring:IndicatorTargets.Opened"
    region_id: UUID
    school_year: str


class IndicatorTargetsTargetsSet(Event, frozen=True):
    stored_topic = "services.registry.domain.monitoring:IndicatorTargets.TargetsSet"
    targets: dict[str, float | int]
    former: dict[str, float | int]


class IndicatorTargetsBandsSet(Event, frozen=True):
    """A region's own age bands for the year (first and last age), beside the former ones."""

    stored_topic = "services.registry.domain.monitoring:IndicatorTargets.BandsSet"
    school_year: str
    bands: dict[str, list[int]]
    former: dict[str, list[int]]


class FrameDeadlinesOpened(Created, frozen=True):
    stored_topic = "services.registry.domain.monitoring:FrameDeadlines.Opened"
    region_id: UUID


class FrameDeadlinesDeadlineSet(Event, frozen=True):
    """The day by which the region wants a frame (`shared.frames`) introduced, beside the former."""

    stored_topic = "services.registry.domain.monitoring:FrameDeadlines.DeadlineSet"
    region_id: UUID
    frame: str
    deadline: date
    former: date | None


class SchoolContingentOpened(Created, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SchoolContingent.Opened"
    school_id: UUID
    school_year: str


class SchoolContingentRecorded(Event, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SchoolContingent.Recorded"
    students: int
    students_10_18: int
    students_15_19: int
    teachers: int
    young_teachers: int
    monitoring_from: date
    monitoring_to: date


class SelfAuditItemAnswered(Event, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SelfAudit.ItemAnswered"
    item: int
    achieved: bool
    evidence: str | None


class SelfAuditItemReviewed(Event, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SelfAudit.ItemReviewed"
    item: int
    achieved: bool
    recommendation: str | None


class SelfAuditOpened(Created, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SelfAudit.Opened"
    school_id: UUID
    school_year: str


class SelfAuditPageGiven(Event, frozen=True):
    stored_topic = "services.registry.domain.monitoring:SelfAudit.PageGiven"
    url: str


class OrganisationAgreementSigned(Event, frozen=True):
    stored_topic = "services.registry.domain.organisations:Organisation.AgreementSigned"
    agreement_id: UUID
    school_id: UUID
    school_tenant: str
    number: str
    signed_on: date
    valid_until: date | None
    subject: str


class OrganisationClosed(Event, frozen=True):
    stored_topic = "services.registry.domain.organisations:Organisation.Closed"
    closed_on: date
    reason: str


class OrganisationDutyConsentRuleSet(Event, frozen=True):
    """A region's rule: the sides of a pair of a form whose employees give the written consent
    to the extra duty of mentoring."""

    stored_topic = "services.registry.domain.organisations:Organisation.DutyConsentRuleSet"
    form: str
    sides: list[str]  # "mentor", "mentee"


class OrganisationMoved(Event, frozen=True):
    stored_topic = "services.registry.domain.organisations:Organisation.Moved"
    parent_id: UUID
    former_tenant: str
    former_parent_id: UUID | None


class OrganisationRegistered(Created, frozen=True):
    stored_topic = "services.registry.domain.organisations:Organisation.Registered"
    contract_version = 2
    upcasts = (schools_were_schools,)
    kind: str
    name: str
    parent_id: UUID | None
    partner_kind: str | None
    education_kind: str | None
    legal_form: str | None


class OrganisationRenamed(Event, frozen=True):
    stored_topic = "services.registry.domain.organisations:Organisation.Renamed"
    name: str
    former_name: str


class PersonConsentSigned(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.ConsentSigned"
    consent_id: UUID
    kind: str
    signed_on: date
    expires_on: date | None
    representative: Sealed | None
    relation: str | None


class PersonConsentWithdrawn(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.ConsentWithdrawn"
    contract_version = 2
    upcasts = (recorded_when_stored,)
    consent_id: UUID
    withdrawn_on: date
    recorded_on: date


class PersonErased(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.Erased"
    reason: str
    erased_on: date
    subjects: list[UUID]


class PersonLegalBasisRecorded(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.LegalBasisRecorded"
    basis: str


class PersonMailRemindersSet(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.MailRemindersSet"
    by_mail: bool


class PersonMenteeProfileRecorded(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.MenteeProfileRecorded"
    contract_version = 2
    upcasts = (requested_in_the_year_stored,)
    school_year: str
    categories: list[str]
    requests: Sealed | None
    needs: list[str]


class PersonMentorInterviewed(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.MentorInterviewed"
    held_on: date
    recommended: bool
    note: Sealed | None


class PersonMentorQuestionnaireRecorded(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.MentorQuestionnaireRecorded"
    competences: list[str]
    interests: list[str]
    preferred_age_min: int | None
    preferred_age_max: int | None
    preferred_categories: list[str]
    hours_per_month: int
    meeting_frequency: str
    meeting_format: str
    capacity: int
    experience: Sealed | None


class PersonPersonalLinkIssued(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.PersonalLinkIssued"
    link_id: UUID
    role: str
    school_year: str
    expires_on: date
    secret_hash: str


class PersonPersonalLinkOpened(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.PersonalLinkOpened"
    link_id: UUID
    opened_on: date


class PersonPersonalLinkRevoked(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.PersonalLinkRevoked"
    link_id: UUID
    revoked_on: date


class PersonRegistered(Created, frozen=True):
    stored_topic = "services.registry.domain.people:Person.Registered"
    contract_version = 2
    upcasts = (one_kind_stored,)
    school_id: UUID
    kind: str  # what the person is counted as (a student, a teacher …)
    personal: Sealed
    birth_year: int | None
    grade: str | None
    roles: list[str]
    mentor_capacity: int
    position: str | None
    teaching_since: date | None
    partner_id: UUID | None
    other_kinds: list[str]  # what else the person is (an alumnus working for a partner)


class PersonStaffRoleAssigned(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.StaffRoleAssigned"
    contract_version = 3
    upcasts = (held_since_stored, appointed_without_act)
    role: str
    forms: list[str]
    area: str | None
    since: date  # the day the appointing order gives
    duties: list[str]  # as the act words them, one a line
    act_id: UUID | None  # the appointing act of the register of acts
    act_number: str | None  # or an external act's number and date
    act_date: date | None
    until: date | None  # the term the act sets, if it sets one


class PersonStaffRoleRevoked(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.StaffRoleRevoked"
    contract_version = 2
    upcasts = (held_until_stored,)
    role: str
    until: date  # the last day the role was held, as the documents give it


class PersonThirdPartyInformationRecorded(Event, frozen=True):
    stored_topic = "services.registry.domain.people:Person.ThirdPartyInformationRecorded"
    information_id: UUID
    source: str
    information: Sealed


# every aggregate's move after its school: one event type, stored by the shared base class
ALL: tuple[type[Event], ...] = (MovedWithSchool, *contracts_of(globals()))
