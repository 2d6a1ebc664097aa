"""Importing a school's base from XLSX: every row checked, nothing stored unless the whole file
is accepted, progress kept in `registry_imports` so that the caller can watch a large file."""

from __future__ import annotations

import json
from dataclasses import asdict
from uuid import UUID, uuid4

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from shared.adapters.keystore import PendingKeys
from shared.dictionaries import school_year_of
from shared.kernel.aggregate import actor_of
from shared.kernel.errors import AppError, NotFound
from shared.kernel.principal import Principal

from .application import Prepared, Registry
from .domain import MeetingFrequency, MeetingPreference, MentorQuestionnaire, Organisation
from .spreadsheet import Base, Problem, Row, read_base

SCHEMA = """
CREATE TABLE IF NOT EXISTS registry_imports (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    tenant text NOT NULL,
    base text NOT NULL,
    status text NOT NULL,
    total int NOT NULL DEFAULT 0,
    processed int NOT NULL DEFAULT 0,
    problems jsonb NOT NULL DEFAULT '[]',
    problem_count int NOT NULL DEFAULT 0,
    position bigint,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
ALTER TABLE registry_imports ADD COLUMN IF NOT EXISTS problem_count int NOT NULL DEFAULT 0;
"""

PROGRESS_EVERY = 100
# A job keeps the first problems and their count: enough to fix a file, never a huge answer.
MAX_STORED_PROBLEMS = 200


class Imports:
    def __init__(self, pool: ConnectionPool, registry: Registry) -> None:
        self.pool = pool
        self.registry = registry

    def start(self, principal: Principal, school_id: UUID, base: Base) -> UUID:
        """Check the caller may change the school's bases and open a job for the file."""
        school = self.registry.open_school_for(principal, school_id)
        import_id = uuid4()
        with self.pool.connection() as connection:
            connection.execute(
                "INSERT INTO registry_imports (id, school_id, tenant, base, status, created_by)"
                " VALUES (%s, %s, %s, %s, 'reading', %s)",
                (import_id, school_id, school.tenant, str(base), principal.user),
            )
        return import_id

    def run(self, principal: Principal, import_id: UUID, content: bytes) -> None:
        """Read, check and store the file (in a worker thread); the job row tells how it went."""
        job = self.status(principal, import_id)
        school = self.registry.school(UUID(str(job["school_id"])))
        rows, problems = read_base(content, Base(str(job["base"])), school.id)
        errors = sum(not p.warning for p in problems)  # at most one a row; warnings are on rows
        self._update(import_id, status="checking", total=len(rows) + errors)
        pending = self.registry.keys.pending()
        prepared: list[tuple[Row, Prepared]] = []
        for count, row in enumerate(rows, start=1):
            try:
                prepared.append((row, self._prepare(principal, school, row, pending)))
            except AppError as error:
                problems.append(Problem(row.number, None, error.message))
            if count % PROGRESS_EVERY == 0:
                self._update(import_id, processed=count)
        problems += self._duplicates(school.id, prepared)
        problems.sort(key=lambda p: (p.warning, p.row))  # errors first: they are kept
        if any(not p.warning for p in problems):
            self._finish(import_id, "rejected", problems=problems)
            return
        self._update(import_id, status="storing", processed=len(rows))
        position = self.registry.save_prepared(school.id, [p for _, p in prepared], pending)
        self._finish(import_id, "done", problems=problems, position=position)

    def fail(self, import_id: UUID, message: str) -> None:
        self._finish(import_id, "failed", problems=[Problem(0, None, message)])

    def counts(self) -> dict[str, int]:
        """How many import jobs there are in each status, of every school (for /metrics)."""
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT status, count(*) FROM registry_imports GROUP BY status"
            ).fetchall()
        return {status: count for status, count in rows}

    def status(self, principal: Principal, import_id: UUID) -> dict[str, object]:
        with self.pool.connection() as connection:
            cursor = connection.execute(
                "SELECT id, school_id, tenant, base, status, total, processed, problems,"
                " problem_count, position FROM registry_imports WHERE id = %s",
                (import_id,),
            )
            row = cursor.fetchone()
            names = [c.name for c in cursor.description or []]
        if row is None or not principal.covers(row[2]):
            raise NotFound("import_not_found", "Загрузка не найдена")
        job = dict(zip(names, row, strict=True))
        job["id"], job["school_id"] = str(job["id"]), str(job["school_id"])
        del job["tenant"]
        return job

    def _prepare(
        self, principal: Principal, school: Organisation, row: Row, pending: PendingKeys
    ) -> Prepared:
        prepared = self.registry.prepare(principal, school, row.person, pending)
        person, actor = prepared.person, actor_of(principal)
        if row.categories or row.requests or row.needs:
            requests = pending.seal(person.id, {"requests": row.requests}) if row.requests else None
            person.record_mentee_profile(
                actor, school_year_of(self.registry.today()), row.categories, requests, row.needs
            )
        if row.competences or row.interests:
            person.record_mentor_questionnaire(
                actor,
                MentorQuestionnaire(
                    competences=row.competences,
                    interests=row.interests,
                    preferred_age_min=None,
                    preferred_age_max=None,
                    preferred_categories=[],
                    hours_per_month=4,
                    meeting_frequency=MeetingFrequency.WEEKLY,
                    meeting_format=MeetingPreference.ANY,
                    capacity=person.mentor_capacity,
                    experience=None,
                ),
            )
        return prepared

    def _duplicates(self, school_id: UUID, prepared: list[tuple[Row, Prepared]]) -> list[Problem]:
        problems = []
        first_row: dict[bytes, int] = {}
        for row, item in prepared:
            if item.fingerprint in first_row:
                problems.append(
                    Problem(
                        row.number,
                        "ФИО",
                        (
                            f"Повтор: тот же человек (ФИО и дата рождения или вид) уже в строке "
                            f"{first_row[item.fingerprint]}"
                        ),
                    )
                )
            else:
                first_row[item.fingerprint] = row.number
        for fingerprint in self.registry.index.taken(school_id, list(first_row)):
            problems.append(
                Problem(first_row[fingerprint], "ФИО", "Этот человек уже есть в базе школы")
            )
        return problems

    def _update(self, import_id: UUID, **fields: object) -> None:
        assignments = ", ".join(f"{name} = %s" for name in fields)
        with self.pool.connection() as connection:
            connection.execute(
                f"UPDATE registry_imports SET {assignments} WHERE id = %s",
                (*fields.values(), import_id),
            )

    def _finish(
        self,
        import_id: UUID,
        status: str,
        problems: list[Problem] | None = None,
        position: int | None = None,
    ) -> None:
        problems = problems or []
        kept = [asdict(p) for p in problems[:MAX_STORED_PROBLEMS]]
        with self.pool.connection() as connection:
            connection.execute(
                "UPDATE registry_imports SET status = %s, problems = %s, problem_count = %s,"
                " position = %s, processed = total, finished_at = now() WHERE id = %s",
                (status, Jsonb(kept, dumps=json.dumps), len(problems), position, import_id),
            )
