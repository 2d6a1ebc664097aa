"""The writers' published event contracts: every event type a store holds decodes into one (the
fixture is a store written by the code before the contracts), old versions upcast, each domain
event class has a contract with the same fields and version, and every projection handles only
contracts its stream publishes. No database: the fixture holds the stored rows."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Any, get_args, get_origin, get_type_hints
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

import services.programs.domain
import services.registry.domain
from services.programs import events as programs
from services.registry import events as registry
from services.reporting.projections import ALL as PROJECTIONS
from services.reporting.runner import CONTRACTS
from shared.adapters.eventstore import make_mapper, make_transcoder
from shared.adapters.keystore import Keyring
from shared.adapters.personal_data import MasterKeys
from shared.adapters.settings import PROJECT_ROOT
from shared.dictionaries import school_year_of
from shared.kernel.contracts import Event, MovedWithSchool, UnknownEvent

STORE = json.loads(Path(__file__).parents[1].joinpath("fixtures", "event_store.json").read_text())
TRANSCODER = make_transcoder()
WRITERS = {
    "registry": (registry, services.registry.domain),
    "programs": (programs, services.programs.domain),
}


def decoded(store: str, row: dict[str, Any]) -> Event:
    return CONTRACTS[store].decode(
        row["topic"],
        UUID(row["originator_id"]),
        row["originator_version"],
        TRANSCODER.decode(row["state"].encode()),
    )


@pytest.mark.parametrize("store", WRITERS)
def test_every_stored_event_type_decodes_into_its_contract(store: str) -> None:
    rows = STORE[store]
    contracts, _ = WRITERS[store]
    for row in rows:
        event = decoded(store, row)
        assert CONTRACTS[store].by_topic[row["topic"]] is type(event)
        assert event.originator_version == row["originator_version"]
    stored = {row["topic"] for row in rows}  # some also under a topic their class moved to
    assert stored >= {c.stored_topic for c in contracts.ALL}, "the fixture holds every type"


def test_a_topic_without_a_contract_is_refused() -> None:
    with pytest.raises(UnknownEvent):
        CONTRACTS["registry"].decode("services.programs.domain.pairs:Pair.Formed", uuid4(), 1, {})


def test_a_field_of_the_wrong_type_is_refused() -> None:
    row = next(r for r in STORE["programs"] if r["topic"] == programs.PairFormed.stored_topic)
    state = TRANSCODER.decode(row["state"].encode())
    state["mentee_ids"] = "not a list"
    with pytest.raises(msgspec.ValidationError, match="mentee_ids"):
        CONTRACTS["programs"].decode(row["topic"], uuid4(), 1, state)


def test_old_versions_upcast_to_the_contract() -> None:
    """Version 1 of a pair had one mentee and no basis; reasons of version 1 were in clear."""
    pair = next(r for r in STORE["programs"] if r["topic"] == programs.PairFormed.stored_topic)
    state = TRANSCODER.decode(pair["state"].encode())
    mentee = state.pop("mentee_ids")[0]
    del state["basis"], state["class_version"]
    event = CONTRACTS["programs"].decode(pair["topic"], uuid4(), 1, state | {"mentee_id": mentee})
    assert isinstance(event, programs.PairFormed)
    assert (event.mentee_ids, event.basis) == ([mentee], "chosen")
    for contract in (programs.PairDissolved, programs.ProgrammeSuggestionRejected):
        row = next(r for r in STORE["programs"] if r["topic"] == contract.stored_topic)
        state = TRANSCODER.decode(row["state"].encode()) | {"reason": "в открытом виде"}
        del state["class_version"]
        reasoned = CONTRACTS["programs"].decode(row["topic"], uuid4(), 2, state)
        assert isinstance(reasoned, programs.PairDissolved | programs.ProgrammeSuggestionRejected)
        assert reasoned.reason is None


def domain_events(domain: Any) -> Iterator[tuple[str, type[Aggregate.Event]]]:
    """Every event class a domain's aggregates can record, by the topic it is stored under
    (the library's default `Created` of an aggregate that names its own is never recorded;
    each aggregate's copy of an event of the shared base is stored as the base's)."""
    prefix = f"{domain.__name__}."
    for cls in _subclasses(Aggregate.Event):
        if not cls.__module__.startswith(prefix):
            continue
        aggregate_name, _, name = cls.__qualname__.partition(".")
        aggregate = getattr(sys.modules[cls.__module__], aggregate_name)
        if name == "Event" or cls.__name__ not in vars(aggregate):
            continue
        if name == "MovedWithSchool":
            yield MovedWithSchool.stored_topic, cls
        elif vars(aggregate)[name] is cls and not _unused_created(aggregate, cls):
            yield f"{cls.__module__}:{cls.__qualname__}", cls


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _unused_created(aggregate: type, cls: type) -> bool:
    return cls.__name__ == "Created" and any(
        issubclass(other, Aggregate.Created) and other is not cls
        for other in vars(aggregate).values()
        if isinstance(other, type)
    )


def _wire(annotation: Any) -> str:
    """A field's type as it is stored: an enumeration as its values' type; a float may have
    been stored as a whole number."""
    args = get_args(annotation)
    if isinstance(annotation, UnionType):
        names = {_wire(arg) for arg in args}
        return " | ".join(sorted(names - {"int"} if "float" in names else names))
    if args:
        return f"{get_origin(annotation).__name__}[{', '.join(_wire(arg) for arg in args)}]"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "int" if issubclass(annotation, int) else "str"
    return getattr(annotation, "__name__", repr(annotation))


@pytest.mark.parametrize("store", WRITERS)
def test_every_domain_event_has_a_contract_with_its_fields_and_version(store: str) -> None:
    contracts, domain = WRITERS[store]
    by_topic = {c.stored_topic: c for c in contracts.ALL}
    seen = set()
    for topic, cls in domain_events(domain):
        seen.add(topic)
        assert topic in by_topic, f"{cls.__qualname__} has no contract"
        contract = by_topic[topic]
        hints = {k: v for k, v in get_type_hints(cls).items() if k != "originator_id_type"}
        mine = {k: v for k, v in get_type_hints(contract).items() if not _class_var(v)}
        assert set(mine) == set(hints), cls.__qualname__
        for name, annotation in hints.items():
            if name not in ("originator_id", "actor", "timestamp"):
                assert _wire(annotation) == _wire(mine[name]), f"{cls.__qualname__}.{name}"
        assert contract.contract_version == getattr(cls, "class_version", 1), cls.__qualname__
    assert seen == set(by_topic), "a contract with no domain event"


def _class_var(annotation: Any) -> bool:
    return "ClassVar" in repr(annotation)


def test_every_handler_names_a_contract_of_its_stream() -> None:
    published = set(registry.ALL) | set(programs.ALL)
    keyring = Keyring(MasterKeys(b"k" * 32))
    for cls in PROJECTIONS:
        projection = cls(keyring)
        handled = set(projection.handlers())
        assert handled <= published, cls.name
        assert cls.deferring <= handled, cls.name


def test_sealed_fields_are_found_without_reflection_per_event() -> None:
    assert programs.PairMeetingRecorded.sealed_fields == ("mentor_comment", "mentee_comment")
    assert registry.PersonRegistered.sealed_fields == ("personal",)
    assert programs.PairFormed.sealed_fields == ()


def test_the_worker_the_rebuild_and_the_replay_load_no_writer_domain() -> None:
    """They decode contracts only: importing them loads no writer's domain or application."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, services.reporting.runner, services.reporting.rebuild,"
            " services.reporting.replay; print(' '.join(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    ).stdout.split()
    writers = ("services.registry.", "services.programs.")
    # the contracts, the deadlines their upcast reads and the words they publish
    published = (".events", ".deadlines", ".labels")
    forbidden = [m for m in loaded if m.startswith(writers) and not m.endswith(published)]
    assert forbidden == []


def test_an_event_type_stored_under_another_topic_decodes_into_the_same_contract() -> None:
    """Events older than the package `domain` name its module; the aggregate base's moves in
    the kernel name the kernel's."""
    row = next(r for r in STORE["programs"] if r["topic"] == MovedWithSchool.stored_topic)
    state = TRANSCODER.decode(row["state"].encode())
    moved = CONTRACTS["programs"].decode(MovedWithSchool.other_topics[0], uuid4(), 2, state)
    assert isinstance(moved, MovedWithSchool)
    pair = next(r for r in STORE["programs"] if r["topic"] == programs.PairFormed.stored_topic)
    older = "services.programs.domain:Pair.Formed"
    formed = CONTRACTS["programs"].decode(
        older, uuid4(), 1, TRANSCODER.decode(pair["state"].encode())
    )
    assert isinstance(formed, programs.PairFormed)


def test_the_domain_upcasts_old_versions_as_the_contracts_do() -> None:
    """One upcast per change of version, shared: an aggregate loads what readers decode."""
    pair = next(r for r in STORE["programs"] if r["topic"] == programs.PairFormed.stored_topic)
    state = json.loads(pair["state"])
    state["mentee_id"] = state.pop("mentee_ids")[0]
    del state["basis"], state["class_version"]
    stored = StoredEvent(
        originator_id=UUID(pair["originator_id"]),
        originator_version=1,
        topic=pair["topic"],
        state=json.dumps(state).encode(),
    )
    formed: Any = make_mapper().to_domain_event(stored)
    contract = decoded("programs", {**pair, "state": stored.state.decode()})
    assert isinstance(contract, programs.PairFormed)
    assert (formed.mentee_ids, formed.basis) == (contract.mentee_ids, contract.basis)
    assert contract.basis == "chosen"


def test_organisations_registered_before_their_kinds_were_schools_and_others() -> None:
    """Version 1 of a registration knew no kind of educational organisation nor legal form: a
    school was a school, nothing else was educational; the domain loads it the same way."""
    stored_rows = [
        r
        for r in STORE["registry"]
        if r["topic"] == registry.OrganisationRegistered.stored_topic
        and "class_version" not in json.loads(r["state"])
    ]
    states = [json.loads(r["state"]) for r in stored_rows]
    assert states
    school = {**stored_rows[0], "state": json.dumps({**states[0], "kind": "school"})}
    for row in (*stored_rows, school):
        contract = decoded("registry", row)
        assert isinstance(contract, registry.OrganisationRegistered)
        expected = "school" if contract.kind == "school" else None
        assert (contract.education_kind, contract.legal_form) == (expected, None)
        registered = _loaded(row)
        assert (registered.education_kind, registered.legal_form) == (expected, None)


def test_a_mentee_s_request_stored_before_the_bank_belongs_to_the_year_it_was_stored_in() -> None:
    """Version 1 of a mentee's profile named no school year: the one of the day it was stored."""
    row = next(
        r
        for r in STORE["registry"]
        if r["topic"] == registry.PersonMenteeProfileRecorded.stored_topic
        and "class_version" not in json.loads(r["state"])
    )
    state = json.loads(row["state"])
    stored_on = date.fromisoformat(state["timestamp"]["_data_"][:10])
    contract = decoded("registry", row)
    assert isinstance(contract, registry.PersonMenteeProfileRecorded)
    assert contract.school_year == school_year_of(stored_on)
    assert _loaded(row).school_year == contract.school_year


def _loaded(row: dict[str, Any]) -> Any:
    """A stored row as the writer's domain loads it."""
    stored = StoredEvent(
        originator_id=UUID(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=row["state"].encode(),
    )
    return make_mapper().to_domain_event(stored)
