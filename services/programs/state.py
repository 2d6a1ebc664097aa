"""What programs publishes to the other write services: whose each act of its register is, read
from its own event store, so that the registry checks the act a staff role is appointed by.
Nothing here writes."""

from __future__ import annotations

from uuid import UUID

from shared.adapters.eventstore import EventStoreApplication

from .domain.acts import Act


class ActsState(EventStoreApplication):
    """Read-only access to programs' acts (same table, same name)."""

    name = "programs"

    def issuer_of(self, act_id: UUID) -> UUID | None:
        act = self.find(Act, act_id)
        return act.organisation_id if act is not None else None
