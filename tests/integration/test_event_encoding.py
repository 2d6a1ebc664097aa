"""Stored events keep the library's JSON format byte for byte, though msgspec encodes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import IntEnum
from uuid import uuid4

from eventsourcing.persistence import JSONTranscoder

from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.eventstore import make_transcoder, register_transcodings
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor
from shared.kernel.sealed import Sealed
from tests.conftest import World
from tests.integration.test_personal_data import _pair_with_meeting


def library_transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    register_transcodings(transcoder)
    return transcoder


class Level(IntEnum):
    HIGH = 3


def test_values_are_written_as_the_library_writes_them() -> None:
    state = {
        "timestamp": datetime(2025, 10, 6, 12, 30, tzinfo=UTC),
        "held_on": date(2025, 10, 6),
        "id": uuid4(),
        "actor": Actor("координатор", "school_coordinator"),
        "comment": Sealed(uuid4(), b"\x00\x01 sealed"),
        "form": MentoringForm.TEACHER_STUDENT,
        "level": Level.HIGH,
        "members": (uuid4(), uuid4()),
        "answers": {"best": 'Кавычки " и \\ и\tтаб\n\x01\u2028😀', "continue": True, "n": None},
        "amount": Decimal("12.50"),
        MentoringForm.STUDENT_STUDENT: [1, [2, {"x": []}]],
    }
    fast = make_transcoder()
    fast.encoder = None  # type: ignore[assignment]  # msgspec must write all of this itself

    assert fast.encode(state) == library_transcoder().encode(state)


def test_a_float_is_left_to_the_library() -> None:
    state = {"share": 0.1, "big": 1e16, "id": uuid4()}

    assert make_transcoder().encode(state) == library_transcoder().encode(state)


async def test_every_stored_event_reads_back_to_its_own_bytes(
    world: World, database: DatabaseAddress
) -> None:
    await _pair_with_meeting(world, tag="-encoding")
    transcoder, library = make_transcoder(), library_transcoder()
    connection = await connect(database)
    try:
        stored = [
            bytes(row["state"])
            for row in await connection.fetch(
                "SELECT state FROM registry_events UNION ALL SELECT state FROM programs_events"
            )
        ]
    finally:
        await connection.close()

    assert len(stored) > 20
    for state in stored:
        decoded = transcoder.decode(state)
        assert transcoder.encode(decoded) == library.encode(decoded) == state
