"""A school's bases of mentors and mentees: people, consents, staff roles, requests, third-party
information, mentor questionnaires. Personal fields are decrypted here for the school's own views
(search by name must work); a subject whose key is gone reads «данные удалены»."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.registry.events import (
    MentorRegisterApproved,
    PersonConsentSigned,
    PersonConsentWithdrawn,
    PersonErased,
    PersonMailRemindersSet,
    PersonMenteeProfileRecorded,
    PersonMentorInterviewed,
    PersonMentorQuestionnaireRecorded,
    PersonRegistered,
    PersonStaffRoleAssigned,
    PersonStaffRoleRevoked,
    PersonThirdPartyInformationRecorded,
)
from shared.adapters.personal_data import ERASED
from shared.kernel.sealed import Sealed

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility

SELF_SIGNED = "сам(а)"


# A participant reads their own card and the names of the other side of their pairs.
COUNTERPARTS = "id = {person} OR id = ANY((SELECT app_person_counterparts())::uuid[])"


class People(Projection):
    name = "people"
    # 2: the bank of requests keeps each school year's, the day each staff role is held from;
    # 3: whether the person gets reminders by e-mail; 4: several kinds a person, staff roles'
    # duties, appointing acts and terms
    version = 4
    replay_cost = 7
    tables = (
        Table(
            "people",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               kind text NOT NULL,
               kinds text[] NOT NULL,
               full_name text NOT NULL,
               birth_date date,
               birth_year int,
               contacts text,
               grade text,
               position text,
               teaching_since date,
               partner_id uuid,
               is_mentor boolean NOT NULL,
               is_mentee boolean NOT NULL,
               mentor_capacity int NOT NULL,
               registered_at timestamptz NOT NULL,
               mentee_categories text[] NOT NULL DEFAULT '{}',
               mentee_needs text[] NOT NULL DEFAULT '{}',
               requests text,
               requests_year text,
               competences text[] NOT NULL DEFAULT '{}',
               interests text[] NOT NULL DEFAULT '{}',
               preferred_age_min int,
               preferred_age_max int,
               preferred_categories text[] NOT NULL DEFAULT '{}',
               hours_per_month int,
               meeting_frequency text,
               meeting_format text,
               experience text,
               mentor_status text,
               interviewed_on date,
               register_order_number text,
               register_order_date date,
               mail_reminders boolean NOT NULL DEFAULT true""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS people_name ON people (lower(full_name))",),
            participant=COUNTERPARTS,
        ),
        Table(
            "consents",
            """id uuid PRIMARY KEY,
               person_id uuid NOT NULL,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               signed_on date NOT NULL,
               expires_on date,
               signed_by text NOT NULL,
               relation text,
               withdrawn_on date""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS consents_person ON consents (person_id)",),
            participant="person_id = {person}",
        ),
        Table(
            "staff_roles",
            """person_id uuid NOT NULL,
               role text NOT NULL,
               tenant ltree NOT NULL,
               forms text[] NOT NULL,
               area text,
               assigned_at timestamptz NOT NULL,
               since date NOT NULL,
               until date,
               duties text[] NOT NULL,
               act_id uuid,
               act_number text,
               act_date date,
               PRIMARY KEY (person_id, role)""",
            Visibility.SCHOOL,
        ),
        Table(
            "third_party_information",
            """id uuid PRIMARY KEY,
               person_id uuid NOT NULL,
               tenant ltree NOT NULL,
               source text NOT NULL,
               information text NOT NULL,
               recorded_at timestamptz NOT NULL""",
            Visibility.SCHOOL,
            (
                "CREATE INDEX IF NOT EXISTS third_party_person"
                " ON third_party_information (person_id)",
            ),
        ),
        Table(
            "mentee_requests",
            """person_id uuid NOT NULL,
               school_year text NOT NULL,
               tenant ltree NOT NULL,
               categories text[] NOT NULL,
               needs text[] NOT NULL,
               requests text,
               recorded_at timestamptz NOT NULL,
               PRIMARY KEY (person_id, school_year)""",
            Visibility.SCHOOL,
        ),
    )

    deferring = frozenset(
        {
            PersonRegistered,
            PersonConsentSigned,
            PersonConsentWithdrawn,
            PersonMenteeProfileRecorded,
            PersonMentorQuestionnaireRecorded,
            PersonMentorInterviewed,
        }
    )
    people = Rows(
        "people",
        (
            "id",
            "tenant",
            "school_id",
            "kind",
            "kinds",
            "full_name",
            "birth_date",
            "birth_year",
            "contacts",
            "grade",
            "position",
            "teaching_since",
            "partner_id",
            "is_mentor",
            "is_mentee",
            "mentor_capacity",
            "registered_at",
            "mentor_status",
        ),
    )
    consents = Rows(
        "consents",
        (
            "id",
            "person_id",
            "tenant",
            "kind",
            "signed_on",
            "expires_on",
            "signed_by",
            "relation",
        ),
    )

    def handlers(self) -> Handlers:
        return {
            PersonRegistered: self.registered,
            PersonConsentSigned: self.consent_signed,
            PersonConsentWithdrawn: self.consent_withdrawn,
            PersonStaffRoleAssigned: self.staff_role_assigned,
            PersonStaffRoleRevoked: self.staff_role_revoked,
            PersonMenteeProfileRecorded: self.mentee_profile_recorded,
            PersonThirdPartyInformationRecorded: self.third_party_information_recorded,
            PersonMentorQuestionnaireRecorded: self.questionnaire_recorded,
            PersonMentorInterviewed: self.interviewed,
            MentorRegisterApproved: self.register_approved,
            PersonErased: self.erased,
            PersonMailRemindersSet: self.mail_reminders_set,
        }

    async def _unseal(
        self, connection: asyncpg.Connection, sealed: Sealed | None
    ) -> dict[str, Any]:
        """The sealed fields, each «данные удалены» once the subject's key is gone."""
        if sealed is None:
            return {}
        fields = await self.keyring.unseal(connection, sealed)
        return fields if fields is not None else _Erased()

    async def registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        personal = await self._unseal(connection, event.personal)
        roles = set(event.roles)
        birth_date = personal.get("birth_date")
        self.defer(
            self.people,
            event.originator_id,
            event.tenant,
            event.school_id,
            str(event.kind),
            [str(event.kind), *map(str, event.other_kinds)],
            personal.get("full_name"),
            None if birth_date in (None, ERASED) else date.fromisoformat(birth_date),
            event.birth_year,
            personal.get("contacts"),
            event.grade,
            event.position,
            event.teaching_since,
            event.partner_id,
            "mentor" in roles,
            "mentee" in roles,
            event.mentor_capacity,
            envelope.occurred_at,
            "candidate" if "mentor" in roles else None,
        )

    async def consent_signed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        signed_by = SELF_SIGNED
        if event.representative is not None:
            signed_by = (await self._unseal(connection, event.representative))["full_name"]
        self.defer(
            self.consents,
            event.consent_id,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.signed_on,
            event.expires_on,
            signed_by,
            event.relation,
        )

    async def mail_reminders_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self.settle(connection, event.originator_id)
        await connection.execute(
            "UPDATE people SET mail_reminders = $2 WHERE id = $1",
            event.originator_id,
            event.by_mail,
        )

    async def consent_withdrawn(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self.settle(connection, event.consent_id)
        await connection.execute(
            "UPDATE consents SET withdrawn_on = $2 WHERE id = $1",
            event.consent_id,
            event.withdrawn_on,
        )

    async def staff_role_assigned(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO staff_roles (person_id, role, tenant, forms, area, assigned_at, since,"
            " until, duties, act_id, act_number, act_date)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            event.originator_id,
            str(event.role),
            event.tenant,
            [str(f) for f in event.forms],
            event.area,
            envelope.occurred_at,
            event.since,
            event.until,
            list(event.duties),
            event.act_id,
            event.act_number,
            event.act_date,
        )

    async def staff_role_revoked(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "DELETE FROM staff_roles WHERE person_id = $1 AND role = $2",
            envelope.event.originator_id,
            str(envelope.event.role),
        )

    async def mentee_profile_recorded(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        """Each school year's request kept in the bank; the person's row holds the latest
        year's (an earlier year's entered late changes only its own)."""
        event = envelope.event
        requests = (await self._unseal(connection, event.requests)).get("requests")
        categories = [str(c) for c in event.categories]
        await self.settle(connection, event.originator_id)
        await connection.execute(
            "UPDATE people SET mentee_categories = $2, requests = $3, mentee_needs = $4,"
            " requests_year = $5 WHERE id = $1 AND coalesce(requests_year, '') <= $5",
            event.originator_id,
            categories,
            requests,
            list(event.needs),
            event.school_year,
        )
        await connection.execute(
            "INSERT INTO mentee_requests (person_id, school_year, tenant, categories, needs,"
            " requests, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (person_id, school_year) DO UPDATE SET categories = EXCLUDED.categories,"
            " needs = EXCLUDED.needs, requests = EXCLUDED.requests,"
            " recorded_at = EXCLUDED.recorded_at",
            event.originator_id,
            event.school_year,
            event.tenant,
            categories,
            list(event.needs),
            requests,
            envelope.occurred_at,
        )

    async def third_party_information_recorded(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        event = envelope.event
        information = (await self._unseal(connection, event.information))["information"]
        await connection.execute(
            "INSERT INTO third_party_information (id, person_id, tenant, source, information,"
            " recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            event.information_id,
            event.originator_id,
            event.tenant,
            str(event.source),
            information,
            envelope.occurred_at,
        )

    async def questionnaire_recorded(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        event = envelope.event
        experience = (await self._unseal(connection, event.experience)).get("experience")
        await self.settle(connection, event.originator_id)
        await connection.execute(
            "UPDATE people SET competences = $2, interests = $3, preferred_age_min = $4,"
            " preferred_age_max = $5, preferred_categories = $6, hours_per_month = $7,"
            " meeting_frequency = $8, meeting_format = $9, mentor_capacity = $10,"
            " experience = $11,"
            " mentor_status = CASE WHEN mentor_status = 'candidate' THEN 'potential'"
            " ELSE mentor_status END WHERE id = $1",
            event.originator_id,
            list(event.competences),
            list(event.interests),
            event.preferred_age_min,
            event.preferred_age_max,
            [str(c) for c in event.preferred_categories],
            event.hours_per_month,
            str(event.meeting_frequency),
            str(event.meeting_format),
            event.capacity,
            experience,
        )

    async def interviewed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self.settle(connection, event.originator_id)
        await connection.execute(
            "UPDATE people SET interviewed_on = $2, mentor_status = $3"
            " WHERE id = $1 AND mentor_status IS DISTINCT FROM 'approved'",
            event.originator_id,
            event.held_on,
            "recommended" if event.recommended else "not_recommended",
        )

    async def register_approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE people SET mentor_status = 'approved', register_order_number = $2,"
            " register_order_date = $3 WHERE id = ANY($1::uuid[])",
            list(event.mentor_ids),
            event.order_number,
            event.order_date,
        )

    async def erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """Personal data destroyed: what was decrypted here goes, as a rebuild would show it."""
        event = envelope.event
        await connection.execute(
            "UPDATE people SET full_name = $2, birth_date = NULL, contacts = $2,"
            " requests = CASE WHEN requests IS NULL THEN NULL ELSE $2 END,"
            " experience = CASE WHEN experience IS NULL THEN NULL ELSE $2 END WHERE id = $1",
            event.originator_id,
            ERASED,
        )
        await connection.execute(
            "UPDATE third_party_information SET information = $2 WHERE person_id = $1",
            event.originator_id,
            ERASED,
        )
        await connection.execute(
            "UPDATE mentee_requests SET requests = $2"
            " WHERE person_id = $1 AND requests IS NOT NULL",
            event.originator_id,
            ERASED,
        )
        await connection.execute(
            "UPDATE consents SET signed_by = $2 WHERE person_id = $1 AND signed_by <> $3",
            event.originator_id,
            ERASED,
            SELF_SIGNED,
        )


class _Erased(dict[str, Any]):
    """What an erased subject's sealed fields read as: every field «данные удалены»."""

    def get(self, key: str, default: Any = None) -> Any:
        return ERASED

    def __getitem__(self, key: str) -> Any:
        return ERASED
