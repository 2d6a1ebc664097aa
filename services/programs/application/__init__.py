"""Programs commands, grouped by what they act on; `Programs` is the one application that
writes the `programs_events` stream."""

from .acts import ActCommands
from .pairs import (
    ClassSide,
    Ending,
    Feedback,
    JournalEntry,
    MemberFeedback,
    NewMeeting,
    NewPair,
    PairCommands,
    PlannedMeeting,
)
from .programmes import ProgrammeCommands
from .recognition import RecognitionCommands
from .responsibility import ResponsibilityCommands
from .roadmap import RoadmapCommands
from .school_life import SchoolLifeCommands
from .surveys import NewResponse, SurveyCommands


class Programs(
    ProgrammeCommands,
    PairCommands,
    RoadmapCommands,
    SurveyCommands,
    RecognitionCommands,
    ActCommands,
    ResponsibilityCommands,
    SchoolLifeCommands,
):
    """Every command of the programs service."""


__all__ = [
    "ClassSide",
    "Ending",
    "Feedback",
    "JournalEntry",
    "MemberFeedback",
    "NewMeeting",
    "NewPair",
    "NewResponse",
    "PlannedMeeting",
    "Programs",
]
