"""Snapshots of aggregates whose histories grow long (a pair's meetings), so that a command loads
the latest snapshot and the few events after it instead of replaying every event.

A snapshot is the aggregate's attributes as an `AggregateState` struct of its class, encoded with
msgspec (the library's snapshots go through its JSON transcoder, which cannot take a pair's
meetings keyed by UUID nor its set of feedback). Only aggregates whose state holds no personal
data get a state class: a snapshot is stored in clear. Snapshots are a cache of the events: a
snapshot of another `version` of the state class is ignored (the aggregate is replayed from its
events and snapshotted again), so bump `version` whenever the meaning of a field changes —
including when an event's upcasting changes what the aggregate makes of old events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import msgspec
import structlog
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from shared.kernel.aggregate import AggregateState

log = structlog.get_logger()

# What the library keeps on every aggregate besides its own attributes.
_IDENTITY = frozenset({"_id", "_version", "_pending_events"})

# A save takes a snapshot of an aggregate when its new events cross a multiple of this many: a
# load then replays fewer than this many events after the snapshot (plus the last save's).
SNAPSHOT_EVERY = 10


_encoder = msgspec.msgpack.Encoder(uuid_format="bytes")


class Snapshotting:
    """Takes and restores snapshots of the aggregate classes it is given, each with its state
    class."""

    def __init__(self, states: dict[type[Aggregate], type[AggregateState]]) -> None:
        self.states = states
        self.topics = {_topic(cls, state): cls for cls, state in states.items()}
        self.decoders = {cls: msgspec.msgpack.Decoder(state) for cls, state in states.items()}

    def due(self, aggregate: Aggregate) -> bool:
        """Does saving the aggregate's pending events cross a multiple of `SNAPSHOT_EVERY`?"""
        if type(aggregate) not in self.states:
            return False
        pending = len(aggregate.pending_events)
        return pending > 0 and (
            aggregate.version // SNAPSHOT_EVERY > (aggregate.version - pending) // SNAPSHOT_EVERY
        )

    def take_due(self, aggregates: Iterable[Aggregate]) -> list[tuple[UUID, int, str, bytes]]:
        """Snapshots of the aggregates whose save is due one. An aggregate its state class
        does not cover is logged and left without (a snapshot is only a cache: the save goes
        on, and loads replay its events)."""
        snapshots = []
        for aggregate in aggregates:
            if self.due(aggregate):
                try:
                    snapshots.append(self.take(aggregate))
                except TypeError as error:
                    log.error(
                        "snapshot_not_taken", aggregate=type(aggregate).__name__, error=str(error)
                    )
        return snapshots

    def take(self, aggregate: Aggregate) -> tuple[UUID, int, str, bytes]:
        """The aggregate's state with its pending events applied: (id, version, topic, state)."""
        cls = type(aggregate)
        state_class = self.states[cls]
        attributes = vars(aggregate)
        fields = state_class.__struct_fields__
        missing = attributes.keys() - _IDENTITY - set(fields)
        if missing:
            raise TypeError(f"{state_class.__name__} lacks {sorted(missing)} of {cls.__name__}")
        state = state_class(**{name: attributes[name] for name in fields})
        return aggregate.id, aggregate.version, _topic(cls, state_class), _encoder.encode(state)

    def restore(self, snapshot: StoredEvent) -> Aggregate:
        """The aggregate as a stored snapshot (of one of `topics`) has it."""
        cls = self.topics[snapshot.topic]
        state = self.decoders[cls].decode(snapshot.state)
        aggregate = object.__new__(cls)
        attributes: dict[str, Any] = vars(aggregate)
        attributes.update(msgspec.structs.asdict(state))
        attributes.update(
            _id=snapshot.originator_id, _version=snapshot.originator_version, _pending_events=[]
        )
        return aggregate


def _topic(cls: type[Aggregate], state: type[AggregateState]) -> str:
    return f"{get_topic(cls)}#{state.version}"
