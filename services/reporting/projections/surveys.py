"""Survey templates with every version's questions, and the responses: scores and choices for
everyone in scope (by pseudonymous respondent id), free-text answers only for their school."""

from __future__ import annotations

import json
from statistics import fmean
from typing import Any
from uuid import UUID

import asyncpg

from services.programs.events import (
    SurveyResponseSubmitted,
    SurveyTemplatePublished,
    SurveyTemplateRevised,
)
from services.registry.events import PersonErased
from shared.adapters.keystore import Keyring
from shared.adapters.personal_data import ERASED

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility


class Surveys(Projection):
    name = "surveys"
    tables = (
        Table(
            "survey_templates",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               title text NOT NULL,
               purpose text NOT NULL,
               respondent text NOT NULL,
               forms text[] NOT NULL,
               stage int,
               version int NOT NULL""",
            Visibility.PUBLISHED,
        ),
        Table(
            "survey_template_versions",
            """template_id uuid NOT NULL,
               version int NOT NULL,
               tenant ltree NOT NULL,
               title text NOT NULL,
               questions jsonb NOT NULL,
               published_at timestamptz NOT NULL,
               PRIMARY KEY (template_id, version)""",
            Visibility.PUBLISHED,
        ),
        Table(
            "survey_responses",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               template_id uuid NOT NULL,
               version int NOT NULL,
               purpose text NOT NULL,
               programme_id uuid NOT NULL,
               pair_id uuid,
               respondent_id uuid NOT NULL,
               respondent text NOT NULL,
               answered_on date NOT NULL,
               answers jsonb NOT NULL,
               scale_mean numeric""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS survey_responses_programme"
                " ON survey_responses (programme_id, purpose)",
            ),
            participant="respondent_id = {person}",
        ),
        Table(
            "survey_texts",
            """response_id uuid PRIMARY KEY,
               respondent_id uuid NOT NULL,
               tenant ltree NOT NULL,
               texts jsonb NOT NULL""",
            Visibility.SCHOOL,
            participant="respondent_id = {person}",
        ),
    )

    deferring = frozenset({SurveyResponseSubmitted})
    responses = Rows(
        "survey_responses",
        (
            "id",
            "tenant",
            "template_id",
            "version",
            "purpose",
            "programme_id",
            "pair_id",
            "respondent_id",
            "respondent",
            "answered_on",
            "answers",
            "scale_mean",
        ),
    )
    texts = Rows("survey_texts", ("response_id", "respondent_id", "tenant", "texts"))

    def __init__(self, keyring: Keyring) -> None:
        super().__init__(keyring)
        # A template's purpose never changes, and a region has a few dozen templates.
        self._purposes: dict[UUID, str] = {}

    async def prepare(self, connection: asyncpg.Connection, envelopes: list[Envelope]) -> None:
        """The purposes of the templates the batch's responses answer, in one query."""
        wanted = {
            e.event.template_id
            for e in envelopes
            if e.event_type == SurveyResponseSubmitted and e.event.template_id not in self._purposes
        }
        if wanted:
            rows = await connection.fetch(
                "SELECT id, purpose FROM survey_templates WHERE id = ANY($1::uuid[])",
                list(wanted),
            )
            self._purposes.update({r[0]: r[1] for r in rows})

    def handlers(self) -> Handlers:
        return {
            SurveyTemplatePublished: self.published,
            SurveyTemplateRevised: self.revised,
            SurveyResponseSubmitted: self.submitted,
            PersonErased: self.person_erased,
        }

    async def published(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self._purposes[event.originator_id] = str(event.purpose)
        await connection.execute(
            "INSERT INTO survey_templates (id, tenant, title, purpose, respondent, forms, stage,"
            " version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            event.originator_id,
            event.tenant,
            event.title,
            str(event.purpose),
            str(event.respondent),
            [str(f) for f in event.forms],
            event.stage,
        )
        await self._version(connection, envelope, 1)

    async def revised(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE survey_templates SET title = $2, version = $3 WHERE id = $1",
            event.originator_id,
            event.title,
            event.version,
        )
        await self._version(connection, envelope, event.version)

    async def _version(
        self, connection: asyncpg.Connection, envelope: Envelope, version: int
    ) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO survey_template_versions (template_id, version, tenant, title, questions,"
            " published_at) VALUES ($1, $2, $3, $4, $5, $6)",
            event.originator_id,
            version,
            event.tenant,
            event.title,
            json.dumps(event.questions, ensure_ascii=False),
            envelope.occurred_at,
        )

    async def submitted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        scores = [v for v in event.answers.values() if type(v) is int]
        self.defer(
            self.responses,
            event.originator_id,
            event.tenant,
            event.template_id,
            event.version,
            self._purposes[event.template_id],
            event.programme_id,
            event.pair_id,
            event.respondent_id,
            str(event.respondent),
            event.answered_on,
            json.dumps(event.answers, ensure_ascii=False),
            round(fmean(scores), 2) if scores else None,
        )
        if event.texts is not None:
            fields = await self.keyring.unseal(connection, event.texts)
            if fields is None:  # the respondent's key is gone: every text answer is erased
                fields = dict.fromkeys(await self._text_questions(connection, event), ERASED)
            self.defer(
                self.texts,
                event.originator_id,
                event.respondent_id,
                event.tenant,
                json.dumps(fields, ensure_ascii=False),
            )

    async def _text_questions(self, connection: asyncpg.Connection, event: Any) -> list[str]:
        questions = await connection.fetchval(
            "SELECT questions FROM survey_template_versions"
            " WHERE template_id = $1 AND version = $2",
            event.template_id,
            event.version,
        )
        return [q["code"] for q in json.loads(questions) if q["kind"] == "text"]

    async def person_erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE survey_texts SET texts = (SELECT jsonb_object_agg(key, $2::text)"
            " FROM jsonb_object_keys(texts) AS key) WHERE respondent_id = $1",
            envelope.event.originator_id,
            ERASED,
        )
