"""The one place that wires the write side's applications to their stores: the services, the
CLI's maintenance commands, the bench, the demo and the tests take theirs from here — on
PostgreSQL as the services open them, or in memory (`in_memory`) for the rules' unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from psycopg_pool import ConnectionPool

from services.programs.application import Programs
from services.programs.state import ActsState
from services.registry.application import Registry
from services.registry.erasures import ErasureSchedule, MemoryErasureSchedule
from services.registry.person_index import MemoryPersonIndex, PersonIndex
from services.registry.state import RegistryState
from services.wiring import master_keys_of, role_address
from shared.adapters.database import WRITER_ROLE, DatabaseAddress, open_sync_pool
from shared.adapters.keystore import KeyVault
from shared.adapters.memory import Memory, MemoryKeyVault
from shared.adapters.settings import Settings, region_today
from shared.kernel import ports


def writer_address(settings: Settings, admin: DatabaseAddress | None = None) -> DatabaseAddress:
    if admin is None:
        return role_address(settings, WRITER_ROLE)
    return admin.as_role(WRITER_ROLE, settings.db_role_password)


def registry_on(
    address: DatabaseAddress, pool: ConnectionPool, keys: KeyVault, today: Callable[[], date]
) -> Registry:
    """The registry as its service opens it; `today`: the region's date."""
    return Registry(
        address,
        keys=keys,
        index=PersonIndex(pool, keys),
        erasures=ErasureSchedule(pool),
        acts=ActsState(address, pool_size=1),  # an act is read only on an appointment
        today=today,
    )


def programs_on(
    store: DatabaseAddress | Memory, keys: ports.KeyVault, today: Callable[[], date]
) -> Programs:
    """Programs with the registry's state it decides from, and the platform's survey templates
    published (idempotent), as the programs service starts; `today`: the region's date."""
    programs = Programs(store, keys=keys, registry=RegistryState(store), today=today)
    programs.publish_default_templates()
    return programs


@dataclass
class WriteSide:
    """Registry and programs in one process, on one store and one key vault."""

    registry: Registry
    programs: Programs

    def close(self) -> None:
        close_programs(self.programs)
        self.registry.close()


def close_programs(programs: Programs) -> None:
    programs.close()
    programs.registry.close()


@contextmanager
def tools_registry(settings: Settings, admin: DatabaseAddress | None = None) -> Iterator[Registry]:
    """The registry for a maintenance command, as the registry service opens it (the master
    key checked first). `admin`: the server, when the settings name none (the CLI's embedded
    one)."""
    address = writer_address(settings, admin)
    pool = open_sync_pool(address)
    keys = KeyVault(pool, master_keys_of(settings))
    registry = registry_on(address, pool, keys, settings.region_today)
    try:
        keys.verify_master_key()
        yield registry
    finally:
        registry.close()
        pool.close()


@contextmanager
def write_side(settings: Settings) -> Iterator[WriteSide]:
    """Both applications on PostgreSQL, for in-process commands (bench, demo, tests)."""
    with tools_registry(settings) as registry:
        programs = programs_on(writer_address(settings), registry.keys, settings.region_today)
        side = WriteSide(registry, programs)
        try:
            yield side
        finally:
            close_programs(side.programs)


def in_memory(today: Callable[[], date] = region_today) -> WriteSide:
    """Both applications on one in-memory store: the rules run without a database; `today`:
    the region's date both decide with (a test fixes it)."""
    memory = Memory()
    keys = MemoryKeyVault(memory)
    registry = Registry(
        memory,
        keys=keys,
        index=MemoryPersonIndex(keys),
        erasures=MemoryErasureSchedule(),
        acts=ActsState(memory),
        today=today,
    )
    return WriteSide(registry, programs_on(memory, keys, today))
