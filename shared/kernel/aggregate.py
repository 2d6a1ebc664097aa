"""The bases of the write side's aggregates: each belongs to one node of the organisation tree
and records who acted on its events. Stored topics are `module:QualName` of the event classes
(the aggregate's own module), so a domain module that moves must `register_topic` its old path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import msgspec
from eventsourcing.domain import Aggregate, event

from shared.kernel.principal import Principal


@dataclass(frozen=True)
class Actor:
    """Who issued a command, as recorded on its events."""

    user: str
    role: str


def actor_of(principal: Principal) -> Actor:
    return Actor(user=principal.user, role=str(principal.role))


class TenantAggregate(Aggregate):
    """An aggregate that belongs to one node of the organisation tree."""

    tenant: str

    class Event(Aggregate.Event):
        tenant: str
        actor: Actor

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        kwargs.setdefault("tenant", self.tenant)
        super().trigger_event(event_class, **kwargs)

    def follow_school(self, actor: Actor, school_tenant: str) -> None:
        """After its school moved to another municipality, the aggregate's path follows it."""
        if school_tenant != self.tenant:
            self._moved_with_school(actor=actor, tenant=school_tenant)

    @event("MovedWithSchool")
    def _moved_with_school(self, actor: Actor, tenant: str) -> None:
        self.tenant = tenant


class AggregateState(msgspec.Struct):
    """An aggregate's attributes, each field named and typed as the attribute is."""

    version: ClassVar[int] = 1
    _created_on: datetime
    _modified_on: datetime
