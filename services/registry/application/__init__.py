"""Registry commands, grouped by what they act on; `Registry` is the one application that
writes the `registry_events` stream."""

from .base import NewConsent
from .campaigns import CampaignCommands, NewCampaign, NewFixOrder
from .links import LinkCommands
from .mentors_register import MentorsRegisterCommands
from .monitoring import Contingent, MonitoringCommands
from .organisations import OrganisationCommands
from .people import (
    NewAppointment,
    NewPerson,
    PeopleCommands,
    Prepared,
    QuestionnaireAnswers,
    token_role_of,
)


class Registry(
    OrganisationCommands,
    PeopleCommands,
    MentorsRegisterCommands,
    MonitoringCommands,
    CampaignCommands,
    LinkCommands,
):
    """Every command of the registry service."""

    name = "registry"  # names the events table: never to change


__all__ = [
    "Contingent",
    "NewAppointment",
    "NewCampaign",
    "NewConsent",
    "NewFixOrder",
    "NewPerson",
    "Prepared",
    "QuestionnaireAnswers",
    "Registry",
    "token_role_of",
]
