"""Programs domain: implementation and roadmap, programmes and their stages, pairs and groups
with plans, meetings and endings, surveys, recognition. No I/O.

Events stored before this became a package name `services.programs.domain` in their topics;
they still resolve through the names re-exported here.
"""

from shared.dictionaries import school_year_of

from ..deadlines import (
    Deadline,
    DeadlineKind,
    Period,
    Unread,
    due_on,
    is_overdue,
    legacy_deadline,
    parse_deadline,
    read_deadline,
)
from ..labels import (
    AWARD_RESULT_NAMES,
    DEADLINE_KIND_NAMES,
    EARLY_END_REASON_NAMES,
    ITEM_STATUS_NAMES,
    MEETING_KIND_NAMES,
    NOMINATION_NAMES,
    PURPOSE_NAMES,
    STAGE_NAMES,
)
from ..values import (
    AwardResult,
    ItemStatus,
    Nomination,
    Purpose,
    Stage,
    may_be_mentored,
    may_mentor,
)
from .implementation import (
    DEFAULT_MONITORING_WINDOW,
    DEFAULT_ROADMAP,
    Implementation,
    RoadmapBlock,
    RoadmapItem,
    WrittenRoadmap,
)
from .pairs import (
    MAX_GROUP_SIZE,
    Basis,
    EarlyEndReason,
    MeetingFormat,
    MeetingKind,
    MentorLoad,
    Outcome,
    Pair,
    PairsOrder,
    PairState,
    PairStatus,
    PlanTask,
    Side,
)
from .programmes import Programme
from .recognition import Candidacy, PracticeCase
from .surveys import (
    DEFAULT_TEMPLATES,
    Question,
    QuestionKind,
    Respondent,
    SurveyResponse,
    SurveyTemplate,
    check_questions,
    default_template_id,
)

__all__ = [
    "AWARD_RESULT_NAMES",
    "DEADLINE_KIND_NAMES",
    "DEFAULT_MONITORING_WINDOW",
    "DEFAULT_ROADMAP",
    "DEFAULT_TEMPLATES",
    "EARLY_END_REASON_NAMES",
    "ITEM_STATUS_NAMES",
    "MAX_GROUP_SIZE",
    "MEETING_KIND_NAMES",
    "NOMINATION_NAMES",
    "PURPOSE_NAMES",
    "STAGE_NAMES",
    "AwardResult",
    "Basis",
    "Candidacy",
    "Deadline",
    "DeadlineKind",
    "EarlyEndReason",
    "Implementation",
    "ItemStatus",
    "MeetingFormat",
    "MeetingKind",
    "MentorLoad",
    "Nomination",
    "Outcome",
    "Pair",
    "PairState",
    "PairStatus",
    "PairsOrder",
    "Period",
    "PlanTask",
    "PracticeCase",
    "Programme",
    "Purpose",
    "Question",
    "QuestionKind",
    "Respondent",
    "RoadmapBlock",
    "RoadmapItem",
    "Side",
    "Stage",
    "SurveyResponse",
    "SurveyTemplate",
    "Unread",
    "WrittenRoadmap",
    "check_questions",
    "default_template_id",
    "due_on",
    "is_overdue",
    "legacy_deadline",
    "may_be_mentored",
    "may_mentor",
    "parse_deadline",
    "read_deadline",
    "school_year_of",
]
