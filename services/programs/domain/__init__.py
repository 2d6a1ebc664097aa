"""Programs domain: implementation and roadmap, programmes and their stages, pairs and groups
with plans, meetings and endings, surveys, recognition. No I/O.

Events stored before this became a package name `services.programs.domain` in their topics;
they still resolve through the names re-exported here.
"""

from shared.dictionaries import school_year_of

from ..labels import (
    AWARD_RESULT_NAMES,
    EARLY_END_REASON_NAMES,
    ITEM_STATUS_NAMES,
    MEETING_KIND_NAMES,
    NOMINATION_NAMES,
    PURPOSE_NAMES,
    STAGE_NAMES,
)
from ..values import (
    AwardResult,
    Deadline,
    ItemStatus,
    Nomination,
    Purpose,
    Stage,
    day_in_school_year,
    may_be_mentored,
    may_mentor,
)
from .implementation import (
    DEFAULT_MONITORING_WINDOW,
    DEFAULT_ROADMAP,
    Implementation,
    RoadmapItem,
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
    "PlanTask",
    "PracticeCase",
    "Programme",
    "Purpose",
    "Question",
    "QuestionKind",
    "Respondent",
    "RoadmapItem",
    "Side",
    "Stage",
    "SurveyResponse",
    "SurveyTemplate",
    "check_questions",
    "day_in_school_year",
    "default_template_id",
    "may_be_mentored",
    "may_mentor",
    "school_year_of",
]
