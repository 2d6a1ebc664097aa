"""What a write service's published event contracts are made of, and how stored events decode
into them (`services/registry/events.py`, `services/programs/events.py`).

A contract is a msgspec Struct per event type: the fields as stored, in their wire types (an
enumeration's value, not the domain's enum class), the stored topic it decodes and its version
(`stored_topic`, `contract_version`).
Older versions are upcast here, by the contract's own `upcasts`, before the fields are checked.
Readers (reporting) depend on these modules only, never on a write side's domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from shared.kernel.sealed import Sealed

__all__ = ["Actor", "Created", "Event", "MovedWithSchool", "Sealed"]

Upcast = Callable[[dict[str, Any]], None]


def stored_day(name: str) -> Upcast:
    """The upcast of a version whose fact had no date of its own: it took effect on the day it
    was stored (DESIGN.md, decision 11), kept in `name`."""

    def upcast(state: dict[str, Any]) -> None:
        state[name] = state["timestamp"].date()

    return upcast


class Actor(msgspec.Struct, frozen=True, gc=False):
    """Who issued the command the event records."""

    user: str
    role: str


class Event(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Fields every stored event has: its aggregate, its place there, when, where and who."""

    stored_topic: ClassVar[str]  # `module:QualName` of the domain's class, as the store has it
    other_topics: ClassVar[tuple[str, ...]] = ()  # where its class moved, keeping its type
    contract_version: ClassVar[int] = 1
    # `upcasts[n]` takes a stored state of version n + 1 to version n + 2
    upcasts: ClassVar[tuple[Upcast, ...]] = ()
    sealed_fields: ClassVar[tuple[str, ...]] = ()  # fields that may hold personal data (`Sealed`)
    # What readers call the event type (`PAIR_MEETING_RECORDED`): its contract's name, never
    # the domain's class path
    event_name: ClassVar[str] = ""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    tenant: str
    actor: Actor


class Created(Event, frozen=True):
    """An aggregate's first event: it also names the aggregate's class."""

    originator_topic: str


class MovedWithSchool(Event, frozen=True):
    """Any aggregate of a school, after the school moved to another municipality: `tenant` is
    its new path. Both writers store it, under the topic of their shared aggregate base."""

    stored_topic = "shared.eventstore:TenantAggregate.MovedWithSchool"
    # the aggregate base's place in the kernel (issue 18): events stored from then on
    other_topics = ("shared.kernel.aggregate:TenantAggregate.MovedWithSchool",)
    event_name = "MOVED_WITH_SCHOOL"


class UnknownEvent(Exception):
    """A stored topic no contract decodes: a writer's event without its contract."""


class Contracts:
    """The contracts of one or more writers, by the stored topics they decode.

    Events stored before a domain became a package carry its old module in their topics
    (`services.programs.domain:Pair.Formed`); each contract decodes that spelling too.
    """

    def __init__(self, contracts: Iterable[type[Event]]) -> None:
        self.by_topic: dict[str, type[Event]] = {}
        for contract in contracts:
            module, _, name = contract.stored_topic.partition(":")
            self.by_topic[contract.stored_topic] = contract
            self.by_topic.update(dict.fromkeys(contract.other_topics, contract))
            self.by_topic[f"{module.rsplit('.', 1)[0]}:{name}"] = contract

    def decode(
        self, topic: str, originator_id: UUID, originator_version: int, state: dict[str, Any]
    ) -> Event:
        """A stored event's state (as the store's transcoder revives it) as its contract."""
        contract = self.by_topic.get(topic)
        if contract is None:
            raise UnknownEvent(topic)
        for upcast in contract.upcasts[state.pop("class_version", 1) - 1 :]:
            upcast(state)
        state["originator_id"] = originator_id
        state["originator_version"] = originator_version
        return msgspec.convert(state, contract, from_attributes=True)


def contracts_of(namespace: dict[str, Any]) -> tuple[type[Event], ...]:
    """The contracts a module defines (its `Event` subclasses with a topic), each told its name
    and which of its fields may hold personal data."""
    contracts = tuple(
        value
        for value in namespace.values()
        if isinstance(value, type)
        and issubclass(value, Event)
        and "stored_topic" in vars(value)
        and value is not MovedWithSchool
    )
    for contract in contracts:
        contract.event_name = re.sub(r"(?<!^)(?=[A-Z])", "_", contract.__name__).upper()
        contract.sealed_fields = tuple(
            f.name for f in msgspec.structs.fields(contract) if "Sealed" in repr(f.type)
        )
    return contracts


def sealed_values(event: Event) -> Iterable[Sealed]:
    for name in event.sealed_fields:
        value = getattr(event, name)
        if value is not None:
            yield value
