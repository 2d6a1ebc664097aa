"""One module per projection; `ALL` is what the workers run and the setup step creates."""

from .acts import Acts
from .base import Envelope, Projection, Table, Visibility
from .campaigns import Campaigns
from .history import History
from .indicator_facts import IndicatorFacts
from .links import PersonalLinks
from .mentors_register import MentorsRegister
from .monitoring import Monitoring
from .organisations import Organisations
from .pairs import Pairs
from .people import People
from .programmes import Programmes
from .recognition import Recognition
from .responsibilities import Responsibilities
from .roadmap import Roadmap
from .school_counts import SchoolCounts
from .school_life import SchoolLife
from .surveys import Surveys

ALL: tuple[type[Projection], ...] = (
    Organisations,
    People,
    PersonalLinks,
    Programmes,
    Pairs,
    SchoolCounts,
    MentorsRegister,
    Roadmap,
    Surveys,
    Recognition,
    Monitoring,
    Campaigns,
    IndicatorFacts,
    History,
    Acts,
    Responsibilities,
    SchoolLife,
)

__all__ = [
    "ALL",
    "Envelope",
    "IndicatorFacts",
    "Monitoring",
    "Projection",
    "Table",
    "Visibility",
]
