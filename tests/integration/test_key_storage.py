"""Where a command's data keys go: into its own events' transaction, so a refused command leaves
no key and no fingerprint behind; one command's keys are fetched together, and an erased key is
never handed out."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID, uuid4

import pytest

from services.bootstrap import tools_registry
from services.registry.application import NewConsent, NewPerson
from services.registry.domain import ConsentKind, ParticipantRole, PersonKind
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.settings import Settings
from shared.kernel.errors import Conflict
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import World


async def _rows(database: DatabaseAddress) -> tuple[int, int, int]:
    """Keys, fingerprints and registry events stored so far."""
    connection = await connect(database)
    try:
        return (
            await connection.fetchval("SELECT count(*) FROM person_keys"),
            await connection.fetchval("SELECT count(*) FROM person_fingerprints"),
            await connection.fetchval("SELECT count(*) FROM registry_events"),
        )
    finally:
        await connection.close()


async def test_a_registration_stores_its_keys_and_fingerprint_with_its_events(
    world: World, database: DatabaseAddress
) -> None:
    await world.person("s1", "Первая В Школе", "mentor")  # makes the school's fingerprint key
    before = await _rows(database)
    await world.person("s1", "Ключевая Мария", "mentee", birth_date=date(2012, 4, 4))
    after_one = await _rows(database)
    duplicate = await world.person(
        "s1", "Ключевая  Мария", "mentee", birth_date=date(2012, 4, 4), expect=409
    )
    after_duplicate = await _rows(database)

    # The student's key and her mother's, one fingerprint, the person and the consent.
    assert after_one == (before[0] + 2, before[1] + 1, before[2] + 2)
    assert duplicate["code"] == "duplicate_person"
    assert after_duplicate == after_one  # refused: no key, no fingerprint, no event


async def test_a_registration_whose_events_cannot_be_stored_leaves_no_key(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    await world.person("s1", "Первая В Школе", "mentor")  # makes the school's fingerprint key
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))
    # A person under the id of another school's aggregate (which has no key): the new keys and
    # the fingerprint are written, then the events' insert fails in the same transaction.
    clash = NewPerson(
        school_id=world.ids["s1"],
        kind=PersonKind.STUDENT,
        full_name="Другой Человек",
        birth_date=date(2013, 5, 5),
        roles=[ParticipantRole.MENTEE],
        consent=NewConsent(
            ConsentKind.PERSONAL_DATA,
            date(2025, 9, 1),
            representative_name="Родитель Другого",
            relation="отец",
        ),
        id=world.ids["s3"],
    )

    def register() -> None:
        with tools_registry(settings) as registry:
            registry.register_person(coordinator, clash)

    before = await _rows(database)
    with pytest.raises(Conflict):
        await asyncio.to_thread(register)

    assert await _rows(database) == before


async def test_keys_are_fetched_together_and_an_erased_key_is_never_handed_out(
    world: World, settings: Settings
) -> None:
    kept = UUID(await world.person("s1", "Оставшийся Ключ", "mentor"))
    erased = UUID(await world.person("s1", "Стёртый Ключ", "mentor"))
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.command(
        "registry", f"/people/{erased}/erasure", director, {"reason": "Приказ"}, expect=200
    )
    unknown = uuid4()

    def fetch() -> tuple[dict[UUID, bytes | None], str]:
        with tools_registry(settings) as registry:
            keys = registry.keys.keys_for([kept, erased, unknown])
            try:
                registry.keys.sealer([kept, erased]).seal(erased, {"comment": "после удаления"})
            except Conflict as refused:
                return keys, refused.code
            return keys, "sealed"

    keys, sealing_erased = await asyncio.to_thread(fetch)

    assert keys[kept] is not None
    assert keys[erased] is None
    assert keys[unknown] is None
    assert sealing_erased == "personal_data_erased"
