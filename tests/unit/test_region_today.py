"""One «today», the region's: at 22:30 UTC it is already the next day in Moscow, and registry and
programs both decide with that day, never the machine's (UTC on servers, a day behind)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from services.bootstrap import in_memory
from services.programs.domain import MeetingKind
from services.registry.domain import Person
from shared.adapters.settings import Settings
from shared.kernel.principal import Role

from .conftest import TODAY, School, meeting
from .test_rules import refusal, working_pair

MOSCOW = Settings(region_timezone="Europe/Moscow")
# 22:30 UTC of the tests' «today»: 01:30 of the next day in Moscow, a day the machine's date
# (UTC, or the tests' own day) calls the future.
LATE_EVENING_UTC = datetime.combine(TODAY, time(22, 30), tzinfo=UTC)


def test_the_regions_date_is_a_day_ahead_of_utc_late_in_the_evening() -> None:
    assert MOSCOW.region_today(LATE_EVENING_UTC) == TODAY + timedelta(days=1)
    assert Settings(region_timezone="UTC").region_today(LATE_EVENING_UTC) == TODAY


@pytest.fixture
def late_evening() -> Iterator[School]:
    """Both applications built as the services are, at 22:30 UTC with the region in Moscow."""
    side = in_memory(today=lambda: MOSCOW.region_today(LATE_EVENING_UTC))
    try:
        yield School(side)
    finally:
        side.close()


def test_programs_and_registry_agree_on_the_regions_date_at_2230_utc(
    late_evening: School,
) -> None:
    school = late_evening
    moscow_today = MOSCOW.region_today(LATE_EVENING_UTC)
    pair = working_pair(school, ordered_on=moscow_today)
    curator = school.staff(Role.SCHOOL_CURATOR)
    record = school.programs.record_meeting

    school.programs.record_meeting(curator, pair, meeting(held_on=moscow_today))
    tomorrow = moscow_today + timedelta(days=1)
    future = refusal(school, record, curator, pair, meeting(MeetingKind.REGULAR, held_on=tomorrow))

    mentee = school.person("Ученик Отозвал")
    consent = next(iter(school.registry.load(Person, mentee, "Человек").consents))
    withdraw = school.registry.withdraw_consent
    withdrawn_tomorrow = refusal(school, withdraw, school.staff(), mentee, consent, tomorrow)
    withdraw(school.staff(), mentee, consent, moscow_today)

    assert future == "meeting_in_future"
    assert withdrawn_tomorrow.endswith("in_future")
