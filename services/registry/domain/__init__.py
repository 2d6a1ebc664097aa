"""Registry domain: organisations, people and their consents, the regional base of mentors.

No I/O here: aggregates decide and record events; the application layer seals personal data and
saves. Stored topics name these modules, so classes must not move between them.
"""

from .campaigns import (
    Campaign,
    FixOrder,
    FormTemplate,
    ItemKind,
    Submission,
    SubmissionStatus,
    Verdict,
    check_sections,
    fix_order_id,
    submission_id,
)
from .mentors_register import MentorRegister, TrainingCourse
from .monitoring import FrameDeadlines, IndicatorTargets, SchoolContingent, SelfAudit, yearly_id
from .organisations import (
    EducationKind,
    Organisation,
    OrganisationKind,
    PartnerKind,
    check_parent,
    education_kind_of,
)
from .people import (
    STAFF_KINDS,
    AppointingAct,
    Consent,
    ConsentKind,
    InformationSource,
    MeetingFrequency,
    MeetingPreference,
    MentorQuestionnaire,
    ParticipantRole,
    Person,
    PersonKind,
    StaffAppointment,
    StaffRole,
)

__all__ = [
    "STAFF_KINDS",
    "AppointingAct",
    "Campaign",
    "Consent",
    "ConsentKind",
    "EducationKind",
    "FixOrder",
    "FormTemplate",
    "FrameDeadlines",
    "IndicatorTargets",
    "InformationSource",
    "ItemKind",
    "MeetingFrequency",
    "MeetingPreference",
    "MentorQuestionnaire",
    "MentorRegister",
    "Organisation",
    "OrganisationKind",
    "ParticipantRole",
    "PartnerKind",
    "Person",
    "PersonKind",
    "SchoolContingent",
    "SelfAudit",
    "StaffAppointment",
    "StaffRole",
    "Submission",
    "SubmissionStatus",
    "TrainingCourse",
    "Verdict",
    "check_parent",
    "check_sections",
    "education_kind_of",
    "fix_order_id",
    "submission_id",
    "yearly_id",
]
