"""Reminders beyond the page: each school's digest of what needs attention, mailed to its
coordinators through a real SMTP server that the test starts on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from litestar.testing import AsyncTestClient

from services.web import api as web_api
from services.web.api import create_app
from services.web.backend import Backend
from services.web.reminders import Schedule, parse_schedule, send_reminders
from shared.adapters.settings import PROJECT_ROOT, Settings, SettingsError, region_today
from shared.kernel.principal import Role
from tests.conftest import World
from tests.e2e.test_processes import free_port
from tests.integration.test_web_participants import opened
from tests.web_support import WebClient


class Inbox:
    """What the SMTP server received, as the mail clients would read it."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        mail = email.message_from_bytes(content, policy=default)
        assert isinstance(mail, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    yield inbox, port
    server.stop()


async def _coordinator(world: World, school: str, contacts: str | None) -> None:
    body: dict[str, Any] = {
        "school_id": str(world.ids[school]),
        "kind": "teacher",
        "full_name": f"Координаторова {school} Анна Петровна",
        "birth_date": "1979-05-05",
        "roles": ["mentor"],
        "contacts": contacts,
        "consent": {"signed_on": "2025-09-01"},
    }
    person = await world.api.command("registry", "/people", world.coordinator(school), body)
    await world.api.command(
        "registry",
        f"/people/{person['id']}/staff-roles",
        world.coordinator(school),
        {"role": "coordinator"},
        expect=200,
    )


async def _mailing(world: World, port: int, **more: str) -> Settings:
    """Settings that mail through the test's SMTP server, once reporting shows the set-up."""
    await world.api.caught_up(world.coordinator("s1"))
    return msgspec.structs.replace(
        world.api.settings,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_sender="noreply@nastavnik.test",
        **more,
    )


async def _school_with_things_due(world: World, school: str) -> dict[str, str]:
    """A working pair whose meeting lacks the mentee's feedback, and a mentee without a pair."""
    programme = await world.programme(school)
    mentor = await world.person(school, f"Наставникова {school} Ольга", "mentor")
    mentee = await world.person(
        school, f"Подопечный {school} Пётр", "mentee", birth_date=date(2012, 2, 2)
    )
    await world.person(school, f"Одинокий {school} Егор", "mentee", birth_date=date(2012, 3, 3))
    pair = await world.pair(school, programme, mentor, mentee)
    await world.meeting(school, pair, mentee_feedback=None)
    return {"pair": pair}


async def test_each_coordinator_gets_the_school_s_digest_in_russian(
    world: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    due = await _school_with_things_due(world, "s1")
    await _coordinator(world, "s1", "koordinator@school1.test, +7 900 000-00-01")
    await _school_with_things_due(world, "s2")
    await _coordinator(world, "s2", "только телефон +7 900 000-00-02")  # no address: no mail
    api = world.api
    settings = await _mailing(world, port, web_public_url="https://nastavnik.example.ru")
    backend = Backend(api.registry, api.programs, api.reporting)

    sent = await send_reminders(settings, backend, date(2026, 11, 24), [world.paths["region"]])

    assert sent == 1
    [(recipients, mail)] = inbox.mails
    assert recipients == ["koordinator@school1.test"]
    assert "Школа № 1" in str(mail["Subject"])
    assert "24.11.2026" in str(mail["Subject"])
    assert "noreply@nastavnik.test" in str(mail["From"])
    body = mail.get_content()
    assert "Встречи без отзывов обеих сторон: 1" in body
    assert "нет отзыва наставляемого" in body
    assert f"https://nastavnik.example.ru/pairs/{due['pair']}" in body
    assert "Наставляемые без пары: 1" in body
    assert "Анкеты к заполнению" in body  # entry diagnostics once the pair works
    for name in ("Подопечный", "Одинокий", "Наставникова"):
        assert name not in body  # names stay on the platform


def test_a_schedule_names_days_and_a_local_time() -> None:
    schedule = parse_schedule("mon-fri 07:30", "Asia/Novokuznetsk")
    zone = ZoneInfo("Asia/Novokuznetsk")

    friday_morning = datetime(2026, 11, 27, 8, 0, tzinfo=zone)
    assert schedule.next_after(friday_morning) == datetime(2026, 11, 30, 7, 30, tzinfo=zone)
    assert parse_schedule("08:00", "Europe/Moscow").days == frozenset(range(7))
    assert parse_schedule("sat-mon 09:00", "Europe/Moscow").days == {5, 6, 0}
    for bad, zone_name in (
        ("понедельник 07:30", "Europe/Moscow"),
        ("mon 25:00", "UTC"),
        ("mon 07:30", "Марс/Олимп"),
    ):
        with pytest.raises(SettingsError):
            parse_schedule(bad, zone_name)


def test_a_bad_schedule_stops_the_web_service_at_start(settings: Settings) -> None:
    region = "6f1c4e2a-8d3b-4c5e-9f70-1a2b3c4d5e6f"
    for bad in (
        {"reminders_schedule": "когда-нибудь", "reminders_regions": region},
        {"reminders_schedule": "mon-fri 07:30", "reminders_regions": ""},
        {"reminders_schedule": "mon-fri 07:30", "reminders_regions": "область"},
    ):
        with pytest.raises(SettingsError):
            create_app(msgspec.structs.replace(settings, smtp_host="h", **bad))
    assert create_app(
        msgspec.structs.replace(
            settings, smtp_host="h", reminders_schedule="mon 07:30", reminders_regions=region
        )
    )


def test_the_command_says_reminders_are_off_without_smtp() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    done = subprocess.run(
        [sys.executable, "-m", "services", "send-reminders"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert "reminders are off" in done.stderr


class Soon(Schedule):
    """A schedule whose next time is always a moment away."""

    def next_after(self, moment: datetime) -> datetime:
        return moment + timedelta(milliseconds=200)


async def test_the_web_service_sends_on_its_schedule(
    world: World, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp
    address = f"coordinator-{world.ids['s1'].hex[:8]}@school.test"
    await _school_with_things_due(world, "s1")
    await _coordinator(world, "s1", address)
    api = world.api
    settings = await _mailing(world, port, reminders_regions=str(world.ids["region"]))
    soon = Soon(frozenset(range(7)), datetime.now().time(), ZoneInfo("UTC"))
    monkeypatch.setattr(web_api, "schedule_of", lambda _: soon)
    backend = Backend(api.registry, api.programs, api.reporting)

    async with AsyncTestClient(create_app(settings, backend=backend)):
        for _ in range(300):
            if any(address in to for to, _ in inbox.mails):
                break
            await asyncio.sleep(0.1)

    mine = [mail for to, mail in inbox.mails if address in to]
    assert mine, "no digest within 30 s of the service starting"
    assert "Наставляемые без пары: 1" in mine[0].get_content()


async def test_a_school_is_reminded_of_a_monitoring_it_has_not_submitted(
    world: World, smtp: tuple[Inbox, int]
) -> None:
    """Three days before the window closes, and until the school submits."""
    inbox, port = smtp
    await _school_with_things_due(world, "s1")
    await _coordinator(world, "s1", "koordinator@school1.test")
    today = region_today()
    campaign = await world.campaign(
        title="Мониторинг документов",
        window_from=str(today - timedelta(days=7)),
        window_to=str(today + timedelta(days=2)),
    )
    api = world.api
    settings = await _mailing(world, port, web_public_url="https://nastavnik.example.ru")
    backend = Backend(api.registry, api.programs, api.reporting)

    early = today - timedelta(days=2)  # five days before the end: not yet
    await send_reminders(settings, backend, early, [world.paths["region"]])
    await send_reminders(settings, backend, today, [world.paths["region"]])
    links = [{"number": f"1.{n}", "value": f"https://school1.ru/{n}"} for n in range(1, 5)]
    await api.command(
        "registry",
        f"/campaigns/{campaign}/submissions/{world.ids['s1']}",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"answers": [*links, {"number": "1.5", "value": True}], "submit": True},
        expect=200,
        method="PUT",
    )
    await api.caught_up(world.coordinator("s1"))
    await send_reminders(settings, backend, today, [world.paths["region"]])

    bodies = [mail.get_content() for _, mail in inbox.mails]
    line = f"«Мониторинг документов»: ответ до {today + timedelta(days=2):%d.%m.%Y} включительно"
    assert [line in body for body in bodies] == [False, True, False]
    assert f"https://nastavnik.example.ru/campaigns/{campaign}" in bodies[1]


async def test_a_participant_with_an_address_gets_one_message_in_the_school_s_name(
    world: World, smtp: tuple[Inbox, int], web: WebClient
) -> None:
    """A mentor's meeting planned for tomorrow and a held meeting he has not rated come in one
    message from the school; a pupil without an address gets none. His page shows the same
    reminders; he unsubscribes there and the next round mails him nothing."""
    inbox, port = smtp
    programme = await world.programme("s1")
    body: dict[str, Any] = {
        "school_id": str(world.ids["s1"]),
        "kind": "teacher",
        "full_name": "Почтов Игорь Семёнович",
        "birth_date": "1980-04-04",
        "roles": ["mentor"],
        "contacts": "+7 900 000-00-03, pochtov@school1.test",
        "consent": {"signed_on": "2025-09-01"},
    }
    mentor = (await world.api.command("registry", "/people", world.coordinator("s1"), body))["id"]
    mentee = await world.person("s1", "Безадресная Вера", "mentee", birth_date=date(2012, 2, 2))
    pair = await world.pair("s1", programme, mentor, mentee)
    await world.meeting("s1", pair, topic="Первая встреча", mentor_feedback=None)
    tomorrow = region_today() + timedelta(days=1)
    planned = {
        "starts_on": str(tomorrow),
        "start_time": "15:30",
        "duration_minutes": 45,
        "place": "каб. 12",
        "topic": "Олимпиада",
    }
    own = world.participant(Role.MENTOR, "s1", mentor)
    await world.api.command("programs", f"/pairs/{pair}/planned-meetings", own, planned)
    api = world.api
    settings = await _mailing(world, port, web_public_url="https://nastavnik.example.ru")
    backend = Backend(api.registry, api.programs, api.reporting)

    sent = await send_reminders(settings, backend, region_today(), [world.paths["region"]])

    assert sent == 1
    [(recipients, mail)] = inbox.mails
    assert recipients == ["pochtov@school1.test"]
    assert "Школа № 1" in str(mail["From"])  # the school's sender name
    assert "noreply@nastavnik.test" in str(mail["From"])
    text = mail.get_content()
    assert f"Встреча {tomorrow:%d.%m.%Y} в 15:30, каб. 12: Олимпиада" in text
    assert f"Оцените встречу {region_today():%d.%m.%Y} «Первая встреча»" in text
    assert "https://nastavnik.example.ru/my" in text
    assert "Безадресная" not in text  # the other side's name stays on the platform
    assert "Отказаться от напоминаний по почте: https://nastavnik.example.ru/my#reminders" in text

    await opened(web, (await world.link("s1", mentor, Role.MENTOR))["link"])
    mine = (await web.get("/my")).text
    assert f"Встреча {tomorrow:%d.%m.%Y} в 15:30, каб. 12: Олимпиада" in mine
    feed = await web.get("/my/calendar.ics")  # the calendar feed of his planned meetings
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.count("BEGIN:VEVENT") == 1
    assert f"DTSTART:{tomorrow:%Y%m%d}T153000" in feed.text
    assert "Безадресная Вера" in feed.text
    await web.get("/my")
    unsubscribed = await web.submit("/my/mail-reminders", {"by_mail": "off"})
    assert unsubscribed.status_code == 303
    assert "Получать письма снова" in (await web.get("/my")).text

    assert await send_reminders(settings, backend, region_today(), [world.paths["region"]]) == 0
    assert len(inbox.mails) == 1


async def test_a_coordinator_who_mentors_gets_one_message_a_round(
    world: World, smtp: tuple[Inbox, int]
) -> None:
    """The school's digest, not a second message with her own reminders (they are on her
    page)."""
    inbox, port = smtp
    await _school_with_things_due(world, "s1")
    await _coordinator(world, "s1", "koordinator@school1.test")
    coordinator = (
        await world.api.graphql(
            world.coordinator("s1"),
            'query { people(search: "Координаторова", first: 1) { edges { node { id } } } }',
        )
    )["data"]["people"]["edges"][0]["node"]["id"]
    mentee = await world.person("s1", "Её Ученик", "mentee", birth_date=date(2012, 4, 4))
    pair = await world.pair("s1", await world.programme("s1"), coordinator, mentee)
    await world.meeting("s1", pair, mentor_feedback=None)  # hers to rate
    api = world.api
    settings = await _mailing(world, port)
    backend = Backend(api.registry, api.programs, api.reporting)

    assert await send_reminders(settings, backend, region_today(), [world.paths["region"]]) == 1
    [(recipients, mail)] = inbox.mails
    assert recipients == ["koordinator@school1.test"]
    assert "что требует внимания" in str(mail["Subject"])
