"""A consent's withdrawal is dated between its signing and the region's today, and the 30 days
before erasure count from when the withdrawal was recorded, not from the date typed."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from services.bootstrap import tools_registry
from services.registry.domain import ConsentKind, Person, PersonKind
from shared.adapters.settings import Settings
from shared.kernel.aggregate import Actor
from shared.kernel.errors import RuleViolated
from tests.conftest import EventCounter, World

TODAY = date(2026, 3, 10)
SIGNED = date(2026, 2, 1)
ACTOR = Actor(user="test", role="school_coordinator")


def _person() -> tuple[Person, UUID]:
    person = Person(
        id=uuid4(),
        tenant="r.m.s",
        actor=ACTOR,
        school_id=uuid4(),
        kind=PersonKind.TEACHER,
        personal=None,  # type: ignore[arg-type]  # no sealed data in these rules
        birth_year=1980,
        grade=None,
        roles=[],
        mentor_capacity=0,
    )
    consent_id = uuid4()
    person.sign_consent(
        ACTOR, consent_id, ConsentKind.PERSONAL_DATA, SIGNED, None, None, None, False, SIGNED
    )
    return person, consent_id


@pytest.mark.parametrize(
    ("withdrawn_on", "code"),
    [
        (date(1990, 1, 1), "withdrawal_before_signing"),
        (SIGNED - timedelta(days=1), "withdrawal_before_signing"),
        (TODAY + timedelta(days=1), "withdrawal_in_future"),
    ],
)
def test_a_withdrawal_outside_the_consents_life_is_refused(withdrawn_on: date, code: str) -> None:
    person, consent_id = _person()
    with pytest.raises(RuleViolated) as refused:
        person.withdraw_consent(ACTOR, consent_id, withdrawn_on, TODAY)
    assert refused.value.code == code
    assert refused.value.details == {"field": "withdrawn_on"}
    assert person.erasure_due_on() is None


@pytest.mark.parametrize("withdrawn_on", [SIGNED, SIGNED + timedelta(days=20), TODAY])
def test_day_30_counts_from_the_recording_of_the_withdrawal(withdrawn_on: date) -> None:
    person, consent_id = _person()
    person.withdraw_consent(ACTOR, consent_id, withdrawn_on, TODAY)
    assert person.erasure_due_on() == TODAY + timedelta(days=30)
    assert not person.has_valid_consent(ConsentKind.PERSONAL_DATA, withdrawn_on)


async def test_a_back_dated_withdrawal_is_refused_or_erases_30_days_after_it_was_recorded(
    world: World, settings: Settings, events: EventCounter
) -> None:
    coordinator = world.coordinator("s1")
    today = settings.region_today()
    person = await world.person(
        "s1", "Отзывающий Согласие", "mentor", consent_on=today - timedelta(days=60)
    )
    query = """query($id: ID!) { person(id: $id) { consents { id } } }"""
    [consent] = (await world.api.graphql(coordinator, query, id=person))["data"]["person"][
        "consents"
    ]
    withdrawal = f"/people/{person}/consents/{consent['id']}/withdrawal"
    before = await events()
    refused = [
        await world.api.command("registry", withdrawal, coordinator, {"withdrawn_on": day}, 422)
        for day in ("1990-01-01", str(today + timedelta(days=1)))
    ]
    after_refusals = await events()
    await world.api.command(
        "registry",
        withdrawal,
        coordinator,
        {"withdrawn_on": str(today - timedelta(days=40))},  # back-dated by 40 days
        expect=200,
    )

    def erase_due(day: date) -> list[str]:
        with tools_registry(settings) as registry:
            return [str(p) for p in registry.erase_due(day)]

    not_yet = await asyncio.to_thread(erase_due, today + timedelta(days=29))
    due = await asyncio.to_thread(erase_due, today + timedelta(days=30))

    assert [r["code"] for r in refused] == ["withdrawal_before_signing", "withdrawal_in_future"]
    assert refused[0]["message"] == (
        f"Согласие подписано {today - timedelta(days=60):%d.%m.%Y}: отозвать его раньше нельзя"
    )
    assert after_refusals == before  # nothing stored for a refused withdrawal
    assert person not in not_yet
    assert person in due
