"""One controller per area of the interface."""

from .acts import ActController
from .auditor import AuditController
from .campaign_forms import CampaignFormsController
from .campaigns import CampaignPagesController
from .home import HomeController
from .imports import ImportController
from .links import LinksController
from .login import LoginController
from .matching import MatchingController
from .monitoring import MonitoringController
from .oidc import OidcController
from .orders import OrderController
from .pairs import PairController
from .participants import LinkController, ParticipantController
from .people import PeopleController
from .programme import ProgrammeController
from .region import RegionController
from .responsibility import ResponsibilityController
from .roadmap_import import RoadmapImportController
from .school_events import SchoolEventController
from .self_audit import SchoolSelfAuditController
from .staff import StaffController

CONTROLLERS = [
    LoginController,
    HomeController,
    PeopleController,
    StaffController,
    ImportController,
    ProgrammeController,
    RoadmapImportController,
    SchoolEventController,
    MatchingController,
    OrderController,
    PairController,
    SchoolSelfAuditController,
    CampaignPagesController,
    CampaignFormsController,
    MonitoringController,
    RegionController,
    AuditController,
    ActController,
    OidcController,
    LinkController,
    ParticipantController,
    LinksController,
    ResponsibilityController,
]

__all__ = ["CONTROLLERS"]
