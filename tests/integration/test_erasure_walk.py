"""Erasure walks the whole key graph: after a minor is erased, no sealed field of any stored event
— of every event type that has one — tells anything about the minor, their mother who signed for
them, or the texts about their pairs; the mentor, a data subject in their own right, keeps their
own data; and the counts do not change."""

from __future__ import annotations

import asyncio
import inspect
import os
import typing
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

import services.programs.domain as programs_domain
import services.registry.domain as registry_domain
from services.bootstrap import tools_registry
from services.setup import setup_database
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.keystore import CHECK_SUBJECT
from shared.adapters.personal_data import unseal
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from shared.kernel.sealed import Sealed
from tests.conftest import World
from tests.integration.test_personal_data import tables_containing

TAG = os.urandom(3).hex()
MINOR = f"Графов Тимофей {TAG}"
MOTHER = f"Графова Вера {TAG}"
MENTOR = f"Наставница Графова {TAG}"
MENTOR_OWN = f"Мой комментарий наставника {TAG}"
# Every text typed about the minor, each a sealed field of another event type.
ABOUT_MINOR = {
    "contacts": f"+7 900 {TAG}",
    "requests": f"Тимофею нужны друзья {TAG}",
    "information": f"Тимофей тревожится {TAG}",
    "experience": f"Тимофей помогал младшим {TAG}",
    "note": f"Тимофей готов наставлять {TAG}",
    "rejection": f"Тимофей боится этого учителя {TAG}",
    "dissolution": f"Тимофей переезжает {TAG}",
    "meeting": f"Тимофей рассказал о ссоре {TAG}",
    "feedback": f"Тимофею понравилось {TAG}",
    "survey": f"Тимофею помогли с алгеброй {TAG}",
    "summary": f"Тимофей нашёл друзей {TAG}",
}


def sealed_event_types() -> set[str]:
    """Every event type of both writers with a sealed field, from the domain classes."""
    found = set()
    for module in (registry_domain, programs_domain):
        for aggregate in vars(module).values():
            if not (inspect.isclass(aggregate) and issubclass(aggregate, Aggregate)):
                continue
            for name, event_class in vars(aggregate).items():
                if inspect.isclass(event_class) and issubclass(event_class, Aggregate.Event):
                    hints = typing.get_type_hints(event_class)
                    if any("Sealed" in str(hint) for hint in hints.values()):
                        found.add(f"{aggregate.__name__}.{name}")
    return found


def sealed_in(value: Any) -> list[Sealed]:
    if isinstance(value, Sealed):
        return [value]
    if isinstance(value, list | tuple | set):
        return [s for item in value for s in sealed_in(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in sealed_in(item)]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return sealed_in(vars(value))
    return []


async def stored_events(database: DatabaseAddress) -> list[StoredEvent]:
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT originator_id, originator_version, topic, state FROM registry_events"
            " UNION ALL SELECT originator_id, originator_version, topic, state FROM programs_events"
        )
    finally:
        await connection.close()
    return [StoredEvent(r[0], r[1], r[2], bytes(r[3])) for r in rows]


def opened(settings: Settings, stored: list[StoredEvent]) -> list[tuple[str, UUID, str]]:
    """Every sealed field of every event: its event type, its subject, and its text as the
    keys in store decrypt it (empty once the key is gone)."""
    with tools_registry(settings) as registry:
        fields = []
        for item in stored:
            event = registry.mapper.to_domain_event(item)
            kind = item.topic.rsplit(":", 1)[1]
            fields += [(kind, s) for s in sealed_in(vars(event))]
        keys = registry.keys.keys_for({s.subject for _, s in fields})
    return [(kind, s.subject, str(unseal(keys[s.subject], s) or "")) for kind, s in fields]


async def _minor_with_everything(world: World) -> tuple[str, str]:
    """A minor (a mentee, and a mentor of younger pupils) whose mother signed, with a text in
    every sealed field about them; a teacher mentor of their own."""
    api, coordinator = world.api, world.coordinator("s1")
    programme = await world.programme("s1")
    mentor = await world.person("s1", MENTOR, "mentor", consent_on=region_today() - timedelta(40))
    other = await world.person("s1", f"Другой Наставник {TAG}", "mentor")
    minor = (
        await api.command(
            "registry",
            "/people",
            coordinator,
            {
                "school_id": str(world.ids["s1"]),
                "kind": "student",
                "full_name": MINOR,
                "birth_date": "2011-04-04",
                "roles": ["mentee", "mentor"],
                "contacts": ABOUT_MINOR["contacts"],
                "consent": {
                    "signed_on": "2025-09-01",
                    "representative_name": MOTHER,
                    "relation": "мать",
                },
            },
        )
    )["id"]
    person = f"/people/{minor}"
    await api.command(
        "registry",
        f"{person}/mentee-profile",
        coordinator,
        {"categories": ["detached"], "requests": ABOUT_MINOR["requests"]},
        expect=200,
        method="PUT",
    )
    await api.command(
        "registry",
        f"{person}/third-party-information",
        coordinator,
        {"source": "psychologist", "information": ABOUT_MINOR["information"]},
    )
    await api.command(
        "registry",
        f"{person}/mentor-questionnaire",
        coordinator,
        {
            "competences": ["математика"],
            "interests": ["шахматы"],
            "hours_per_month": 4,
            "capacity": 1,
            "experience": ABOUT_MINOR["experience"],
        },
        expect=200,
        method="PUT",
    )
    await api.command(
        "registry",
        f"{person}/mentor-interview",
        coordinator,
        {"held_on": str(region_today()), "recommended": True, "note": ABOUT_MINOR["note"]},
        expect=200,
    )
    await api.command(
        "programs",
        f"/programmes/{programme}/rejected-suggestions",
        coordinator,
        {"mentee_id": minor, "mentor_id": other, "reason": ABOUT_MINOR["rejection"]},
    )
    withdrawn = await world.pair("s1", programme, other, minor, approve=False)
    await api.command(
        "programs",
        f"/pairs/{withdrawn}/dissolution",
        coordinator,
        {"reason": ABOUT_MINOR["dissolution"]},
        expect=200,
    )
    pair = await world.pair("s1", programme, mentor, minor)
    await world.meeting(
        "s1",
        pair,
        mentor_feedback={"rating": 9, "comment": MENTOR_OWN},
        mentee_feedback={"rating": 7, "comment": ABOUT_MINOR["meeting"]},
    )
    final = await world.meeting("s1", pair, kind="final", mentee_feedback=None)
    await api.command(
        "programs",
        f"/pairs/{pair}/meetings/{final['id']}/feedback",
        coordinator,
        {"author_id": minor, "rating": 8, "comment": ABOUT_MINOR["feedback"]},
    )
    templates = await api.graphql(
        coordinator,
        '{ surveyTemplates(purpose: "mentee_satisfaction") { edges { node { id } } } }',
    )
    await api.command(
        "programs",
        f"/programmes/{programme}/survey-responses",
        coordinator,
        {
            "template_id": templates["data"]["surveyTemplates"]["edges"][0]["node"]["id"],
            "respondent_id": minor,
            "answered_on": str(region_today()),
            "answers": {
                "overall": 5,
                "meetings": 5,
                "organisation": 4,
                "frequency": "в самый раз",
                "continue": True,
                "best": ABOUT_MINOR["survey"],
            },
        },
    )
    await api.command(
        "programs",
        f"/pairs/{pair}/ending",
        coordinator,
        {
            "outcome": "completed",
            "ended_on": str(region_today()),
            "initiator": "mentor",
            "summary": ABOUT_MINOR["summary"],
        },
        expect=200,
    )
    return minor, mentor


async def test_erasing_a_minor_leaves_nothing_about_them_that_decrypts(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    minor, mentor = await _minor_with_everything(world)
    region = world.token(Role.REGION_OFFICER, "region")
    counts_query = """{ counts(level: SCHOOL) {
        edges { node { path mentors mentees pairs meetings } } } }"""
    counts_before = await world.api.graphql(region, counts_query)
    secrets = [MINOR, MOTHER, *ABOUT_MINOR.values()]
    before = await asyncio.to_thread(opened, settings, await stored_events(database))

    await world.api.command(
        "registry",
        f"/people/{minor}/erasure",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"reason": "Заявление законного представителя"},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))
    after = await asyncio.to_thread(opened, settings, await stored_events(database))
    counts_after = await world.api.graphql(region, counts_query)

    # The walk is not vacuous: every event type with a sealed field holds one about the minor.
    about_minor = {kind for kind, _, text in before if any(s in text for s in secrets)}
    assert about_minor == sealed_event_types()
    assert {s for s in secrets if any(s in text for _, _, text in before)} == set(secrets)
    # Afterwards nothing about the minor decrypts, whatever key it was sealed with ...
    readable = [(kind, text) for kind, _, text in after if text]
    assert [(kind, text) for kind, text in readable if any(s in text for s in secrets)] == []
    # ... the mentor's own data still does (only the link to the minor went) ...
    assert any(MENTOR in text for _, text in readable)
    assert any(MENTOR_OWN in text for _, text in readable)
    assert all(text for _, subject, text in after if str(subject) == mentor)
    # ... no read model holds it, and every count stays.
    assert await tables_containing(database, *secrets) == set()
    assert counts_after == counts_before


async def test_setup_finishes_erasures_that_left_a_representatives_key(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    """An erasure stored before the key graph was walked kept the mother's key: setup (run
    with every deployment) deletes it."""
    minor = await world.person("s1", f"Ранее Стёртый {TAG}", "mentee", birth_date=date(2012, 2, 2))
    await world.api.command(
        "registry",
        f"/people/{minor}/erasure",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"reason": "Приказ"},
        expect=200,
    )
    connection = await connect(database)
    try:
        mother = await connection.fetchval(
            "SELECT (convert_from(state, 'UTF8')::jsonb #>> '{representative,_data_,subject}')"
            "::uuid FROM registry_events"
            " WHERE originator_id = $1 AND topic LIKE '%:Person.ConsentSigned'",
            UUID(minor),
        )
        # As the erasure left it before: the mother's key still there.
        await connection.execute(
            "INSERT INTO person_keys (subject_id, master_key_id, wrapped_key)"
            " SELECT $1, master_key_id, wrapped_key FROM person_keys WHERE subject_id = $2",
            mother,
            CHECK_SUBJECT,
        )
        kept = await connection.fetchval("SELECT count(*) FROM person_keys")
        await setup_database(database, settings)
        left = await connection.fetchval("SELECT count(*) FROM person_keys")
        still = await connection.fetchval(
            "SELECT count(*) FROM person_keys WHERE subject_id = $1", mother
        )
    finally:
        await connection.close()

    assert mother is not None
    assert (still, left) == (0, kept - 1)
