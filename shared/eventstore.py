"""The shared event store: base aggregate, event encoding, and the base application.

Registry and programs are `eventsourcing` applications on the same PostgreSQL database, each with
its own `<name>_events` table. Every event carries the tenant path it belongs to and the acting
user with their role. Stored topics are `module:QualName` of the event classes, so a domain module
that moves must `register_topic` its old path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from shared.auth import Principal
from shared.database import DatabaseAddress
from shared.errors import Conflict, NotFound
from shared.personal_data import Sealed, decode_sealed, encode_sealed


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


class _DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return {"user": obj.user, "role": obj.role}

    def decode(self, data: dict[str, str]) -> Actor:
        return Actor(user=data["user"], role=data["role"])


class _SealedAsDict(Transcoding):
    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> dict[str, str]:
        return encode_sealed(obj)

    def decode(self, data: dict[str, str]) -> Sealed:
        return decode_sealed(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    for transcoding in (
        UUIDAsHex(),
        DecimalAsStr(),
        DatetimeAsISO(),
        _DateAsISO(),
        _ActorAsDict(),
        _SealedAsDict(),
    ):
        transcoder.register(transcoding)


def make_mapper() -> Mapper[UUID]:
    """The mapper every reader of the event store decodes stored events with."""
    transcoder = JSONTranscoder()
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder)


TAggregate = TypeVar("TAggregate", bound=Aggregate)


class EventStoreApplication(Application[UUID]):
    """Base of the write services' applications.

    Subclasses pin `name`: it names the events table (`<name>_events`), so it must never change.
    """

    name = ""

    def __init__(self, address: DatabaseAddress, pool_size: int = 5) -> None:
        assert self.name, "an event store application must pin its name"
        super().__init__(env=address.eventsourcing_env(pool_size))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        register_transcodings(transcoder)

    def find(self, cls: type[TAggregate], aggregate_id: UUID) -> TAggregate | None:
        """The aggregate of that class, or None when there is none (yet)."""
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def load(self, cls: type[TAggregate], aggregate_id: UUID, what: str) -> TAggregate:
        """The aggregate, or a 404 naming what was looked for."""
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound("not_found", f"{what} не найден(а)", id=str(aggregate_id))
        return aggregate

    def store(self, *aggregates: Aggregate) -> int:
        """Save the aggregates' new events; return the position of the last one.

        A concurrent change of the same aggregate (optimistic concurrency) becomes a 409.
        """
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise Conflict(
                "concurrent_change",
                "Данные изменил кто-то другой одновременно с вами; обновите и повторите",
            ) from None
        if not recordings:
            return self.recorder.max_notification_id() or 0
        return max(r.notification.id for r in recordings)
