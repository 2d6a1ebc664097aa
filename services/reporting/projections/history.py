"""Every event of both streams, in order, with who did it and what it changed — for auditors.

Personal fields are sealed in the events and stay hidden here: history shows that they changed,
never what they say.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from services.programs import events as programs
from services.programs.events import PairFormed
from shared.adapters.keystore import Keyring
from shared.kernel.contracts import Actor, Event
from shared.kernel.sealed import Sealed
from shared.lru import LRU

from .base import PAIR_CACHE, Envelope, Handlers, Projection, Rows, Table, Visibility

HIDDEN = "[персональные данные]"


def _of_aggregate(name: str) -> frozenset[type[Event]]:
    return frozenset(c for c in programs.ALL if c.stored_topic.split(":")[1].startswith(f"{name}."))


PROGRAMME_EVENTS, PAIR_EVENTS = _of_aggregate("Programme"), _of_aggregate("Pair")
_ENVELOPE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "tenant",
    "actor",
}


def _hidden(value: Any) -> Any:
    """Sealed personal fields, at any depth, shown as hidden; everything else as it is."""
    if isinstance(value, Sealed):
        return HIDDEN
    if isinstance(value, dict):
        return {k: _hidden(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_hidden(v) for v in value]
    return value


# Ids, dates and enumerations become their text in C: converting them in Python and encoding
# with `json` was a tenth of a rebuild's time. The replay's JSON of each event is encoded so too.
_CHANGES = msgspec.json.Encoder()


def changes_of(event: Event) -> str:
    """What an event changed, as JSON: its own fields (in the order the store has them),
    personal ones hidden."""
    return _CHANGES.encode(
        {
            k: _hidden(getattr(event, k))
            for k in event.__struct_fields__
            if k not in _ENVELOPE_FIELDS
        }
    ).decode()


def rendered(envelope: Envelope, changes: str) -> str:
    """The event as `programmeReplay` pages show it, as JSON text kept with the row: a page is
    then these texts joined, with nothing to build per event when it is read."""
    event = envelope.event
    head = _CHANGES.encode(
        {
            "upstream": envelope.upstream,
            "position": envelope.position,
            "occurredAt": envelope.occurred_at.isoformat(),  # as `programmeHistory` writes it
            "eventType": envelope.event_type.event_name,
            "aggregateId": event.originator_id,
            "aggregateVersion": event.originator_version,
            "actorUser": event.actor.user,
            "actorRole": event.actor.role,
        }
    ).decode()
    return f'{head[:-1]}, "changes": {changes}}}'  # the changes as already encoded


class History(Projection):
    name = "history"
    replay_cost = 10
    version = 4  # event types by their contracts' names; a stage's effective date
    tables = (
        Table(
            "event_history",
            """upstream text NOT NULL,
               position bigint NOT NULL,
               tenant ltree NOT NULL,
               programme_id uuid,
               aggregate_id uuid NOT NULL,
               aggregate_version int NOT NULL,
               event_type text NOT NULL,
               occurred_at timestamptz NOT NULL,
               actor_user text NOT NULL,
               actor_role text NOT NULL,
               changes jsonb NOT NULL,
               rendered text NOT NULL,
               PRIMARY KEY (upstream, position)""",
            Visibility.SUBTREE,
            (
                # In the replay's order, so that a page is read in order, not sorted.
                "CREATE INDEX IF NOT EXISTS event_history_programme_order"
                " ON event_history (programme_id, occurred_at, upstream, position)",
            ),
            lookups=(  # a pair's programme, from its first event
                "CREATE INDEX IF NOT EXISTS event_history_aggregate"
                " ON event_history (aggregate_id, aggregate_version)",
            ),
            subtree_index=False,  # read by programme or aggregate, never by subtree
        ),
    )

    rows = Rows(
        "event_history",
        (
            "upstream",
            "position",
            "tenant",
            "programme_id",
            "aggregate_id",
            "aggregate_version",
            "event_type",
            "occurred_at",
            "actor_user",
            "actor_role",
            "changes",
            "rendered",
        ),
    )

    def handlers(self) -> Handlers:
        return {}

    def __init__(self, keyring: Keyring) -> None:
        super().__init__(keyring)
        # A pair's programme never changes: what a batch learnt serves the next ones.
        self._programme_of_pair: LRU[UUID, UUID | None] = LRU(PAIR_CACHE)

    async def prepare(self, connection: asyncpg.Connection, envelopes: list[Envelope]) -> None:
        """The programmes of the batch's pairs formed in earlier batches, in one query."""
        formed = {
            e.event.originator_id: e.event.programme_id
            for e in envelopes
            if e.event_type == PairFormed
        }
        wanted = {
            e.event.originator_id
            for e in envelopes
            if e.event_type in PAIR_EVENTS
            and e.event.originator_id not in formed
            and e.event.originator_id not in self._programme_of_pair
        }
        if wanted:
            rows = await connection.fetch(
                "SELECT aggregate_id, programme_id FROM event_history"
                " WHERE aggregate_id = ANY($1::uuid[]) AND aggregate_version = 1",
                list(wanted),
            )
            self._programme_of_pair.update({r[0]: r[1] for r in rows})
        self._programme_of_pair.update(formed)

    def concerned(self, envelopes: list[Envelope]) -> list[Envelope]:
        return envelopes  # every event has its row

    async def apply(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """Every event is a new row: deferred, and sent with the batch's others."""
        event = envelope.event
        actor: Actor = event.actor
        changes = changes_of(event)
        self.defer(
            self.rows,
            envelope.upstream,
            envelope.position,
            event.tenant,
            self._programme_of(envelope),
            event.originator_id,
            event.originator_version,
            envelope.event_type.event_name,
            envelope.occurred_at,
            actor.user,
            actor.role,
            changes,
            rendered(envelope, changes),
        )

    def _programme_of(self, envelope: Envelope) -> UUID | None:
        event = envelope.event
        if envelope.event_type in PROGRAMME_EVENTS:
            return UUID(str(event.originator_id))
        if getattr(event, "programme_id", None) is not None:
            return UUID(str(event.programme_id))
        if envelope.event_type in PAIR_EVENTS:
            return self._programme_of_pair.get(event.originator_id)
        return None
