"""What the registry publishes to the other write services: its aggregates, read-only from its
own event store, so that programs decides on eligibility (school, consent, staff roles) from the
registry's state and never from the client. Nothing here writes."""

from __future__ import annotations

from shared.adapters.eventstore import EventStoreApplication

from .domain import (
    ConsentKind,
    MentorRegister,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Person,
    PersonKind,
    StaffRole,
)

__all__ = [
    "ConsentKind",
    "MentorRegister",
    "Organisation",
    "OrganisationKind",
    "ParticipantRole",
    "Person",
    "PersonKind",
    "RegistryState",
    "StaffRole",
]


class RegistryState(EventStoreApplication):
    """Read-only access to the registry's aggregates (same table, same name)."""

    name = "registry"
