"""Which people's personal data falls due for destruction, and when (30 days after the last
withdrawal of consent, unless another legal basis is recorded). `erase-due` reads it daily."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from psycopg_pool import ConnectionPool

from .domain import Person

SCHEMA = """
CREATE TABLE IF NOT EXISTS erasure_due (
    person_id uuid PRIMARY KEY,
    due_on date NOT NULL
);
"""

# When `erase-due` last ran to its end (one row): an alert fires when the daily job stops.
RUNS_SCHEMA = """
CREATE TABLE IF NOT EXISTS erasure_runs (
    job text PRIMARY KEY,
    finished_at timestamptz NOT NULL,
    erased integer NOT NULL
);
"""


class ErasureSchedule:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def update(self, person: Person) -> None:
        """Put the person on the schedule, move them, or take them off, from their state."""
        due_on = person.erasure_due_on()
        with self.pool.connection() as connection:
            if due_on is None:
                connection.execute("DELETE FROM erasure_due WHERE person_id = %s", (person.id,))
            else:
                connection.execute(
                    "INSERT INTO erasure_due (person_id, due_on) VALUES (%s, %s)"
                    " ON CONFLICT (person_id) DO UPDATE SET due_on = EXCLUDED.due_on",
                    (person.id, due_on),
                )

    def due(self, day: date) -> list[UUID]:
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT person_id FROM erasure_due WHERE due_on <= %s ORDER BY due_on", (day,)
            ).fetchall()
        return [row[0] for row in rows]

    def record_run(self, erased: int) -> None:
        with self.pool.connection() as connection:
            connection.execute(
                "INSERT INTO erasure_runs (job, finished_at, erased)"
                " VALUES ('erase-due', now(), %s)"
                " ON CONFLICT (job) DO UPDATE SET finished_at = now(), erased = EXCLUDED.erased",
                (erased,),
            )

    def last_run(self) -> tuple[datetime, int] | None:
        """When the daily job last finished, and how many people it erased then."""
        with self.pool.connection() as connection:
            row = connection.execute(
                "SELECT finished_at, erased FROM erasure_runs WHERE job = 'erase-due'"
            ).fetchone()
        return (row[0], row[1]) if row else None


class MemoryErasureSchedule(ErasureSchedule):
    """The schedule in memory, for the registry on `shared.adapters.memory`."""

    def __init__(self) -> None:
        self.due_on: dict[UUID, date] = {}
        self.run: tuple[datetime, int] | None = None

    def update(self, person: Person) -> None:
        due_on = person.erasure_due_on()
        if due_on is None:
            self.due_on.pop(person.id, None)
        else:
            self.due_on[person.id] = due_on

    def due(self, day: date) -> list[UUID]:
        return [p for p, due_on in sorted(self.due_on.items(), key=lambda i: i[1]) if due_on <= day]

    def record_run(self, erased: int) -> None:
        self.run = (datetime.now(UTC), erased)

    def last_run(self) -> tuple[datetime, int] | None:
        return self.run
