"""Reminders beyond the page: a digest per school of what needs attention (the same reads as the
school's first page), mailed to the school's coordinators through SMTP — by
`python -m services send-reminders`, or by the web service on a schedule.

Each school is read with a short-lived coordinator's token of that school, through reporting's
GraphQL like every page, so row-level security applies as it does to a person. The mail carries
counts, dates and links, never a participant's name: a mailbox is not the platform (152-ФЗ), and
the names are one click away for the coordinator who signs in."""

from __future__ import annotations

import asyncio
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
import structlog

from services.programs.labels import MEETING_KIND_NAMES
from shared.adapters.auth import decode_token, issue_token
from shared.adapters.settings import Settings, SettingsError
from shared.kernel.principal import Role
from shared.kernel.scope import child_path

from .backend import Backend
from .controllers.common import current_programme
from .controllers.home import Due, OpenCampaign, attention, open_campaigns
from .participant_reminders import EMAIL, every_page, reminder_message, school_reminders
from .reads import Connection, Programme, Read
from .session import WebUser
from .templating import named, ru_date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHOOLS = """
query($after: String) {
  organisations(kind: "school", first: 200, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id name path } }
  }
}
"""
COORDINATORS = """
query { people(staffRole: "coordinator", first: 20) { edges { node { contacts } } } }
"""
log = structlog.get_logger()


class School(Read):
    id: str
    name: str
    path: str


class Schools(Read):
    organisations: Connection[School]


class Contacts(Read):
    contacts: str | None


class Coordinators(Read):
    people: Connection[Contacts]


@dataclass(frozen=True)
class Schedule:
    """On which weekdays (0 = Monday) and at what local time the reminders go."""

    days: frozenset[int]
    at: time
    zone: ZoneInfo

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            candidate = datetime.combine(day, self.at, self.zone)
            if day.weekday() in self.days and candidate > local:
                return candidate
        raise AssertionError("a schedule has at least one weekday")  # parse() ensures it


def parse_schedule(text: str, zone: str) -> Schedule:
    """ "mon-fri 07:30", "daily 08:00", "mon,thu 09:15" (or just "07:30": every day)."""
    parts = text.split()
    if len(parts) == 1:
        parts = ["daily", parts[0]]
    try:
        days, clock = parts
        at = time.fromisoformat(clock)
        tz = ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise SettingsError(
            f"REMINDERS_SCHEDULE «{text}» / REMINDERS_TIMEZONE «{zone}»: expected e.g."
            " 'mon-fri 07:30' and an IANA zone such as Europe/Moscow"
        ) from None
    return Schedule(_weekdays(days.lower(), text), at, tz)


def _weekdays(days: str, text: str) -> frozenset[int]:
    if days == "daily":
        return frozenset(range(7))
    chosen: set[int] = set()
    for part in days.split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise SettingsError(f"REMINDERS_SCHEDULE «{text}»: unknown weekday «{part}»")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        # "sat-mon" wraps over the week's end
        wrapped = [*range(start, 7), *range(end + 1)]
        chosen.update(range(start, end + 1) if start <= end else wrapped)
    return frozenset(chosen)


def schedule_of(settings: Settings) -> Schedule | None:
    """The periodic sending, if SMTP and a schedule are both configured (and the regions: a
    schedule without them stops the service at start rather than failing every round)."""
    if not settings.smtp_host or not settings.reminders_schedule:
        return None
    if not region_paths(settings):
        raise SettingsError("REMINDERS_SCHEDULE needs REMINDERS_REGIONS (region ids)")
    return parse_schedule(settings.reminders_schedule, settings.reminders_timezone)


@dataclass(frozen=True)
class Digest:
    school: str
    to: list[str]
    subject: str
    body: str


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "mail"),
    autoescape=False,  # plain-text mail  # noqa: S701
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters.update(ru_date=ru_date, named=named)


# How many days before a monitoring window closes a school that has not submitted is reminded.
CAMPAIGN_NOTICE_DAYS = 3


def closing_campaigns(campaigns: list[OpenCampaign], today: date) -> list[OpenCampaign]:
    """Open campaigns the school has not submitted to whose window ends within the notice."""
    last = today + timedelta(days=CAMPAIGN_NOTICE_DAYS)
    return [
        c
        for c in campaigns
        if date.fromisoformat(c.windowTo) <= last
        and all(s.status in ("draft", "returned") for s in c.submissions)
    ]


def render_digest(
    school: str, programme: Programme, due: Due, closing: list[OpenCampaign], url: str
) -> str:
    return _TEMPLATES.get_template("digest.txt").render(
        school=school,
        programme=programme,
        due=due,
        closing=closing,
        url=url,
        MEETING_KIND_NAMES=MEETING_KIND_NAMES,
        unmatched=len(due.unmatchedMentees),
        surveys=sorted(Counter(s.purposeName for s in due.surveysDue).items()),
    )


def _coordinator_token(settings: Settings, school: School) -> str:
    return issue_token(
        settings,
        Role.SCHOOL_COORDINATOR,
        school.path,
        user="reminders",
        name="Рассылка напоминаний",
        ttl_seconds=600,
    )


async def school_digest(
    settings: Settings, backend: Backend, school: School, today: date
) -> Digest | None:
    """The school's digest, or None when nothing needs attention or nobody can receive it."""
    token = _coordinator_token(settings, school)
    user = WebUser(token=token, principal=decode_token(settings, token))
    programme = await current_programme(backend, user)
    if programme is None:
        return None
    due = await attention(backend, user, programme)
    closing = closing_campaigns(await open_campaigns(backend, user, today), today)
    if not due and not closing:
        return None
    people = (await backend.query(token, COORDINATORS, Coordinators)).people.nodes
    to = sorted({m for p in people for m in EMAIL.findall(p.contacts or "")})
    if not to:
        log.warning("reminders_no_address", school_id=school.id)
        return None
    return Digest(
        school=school.name,
        to=to,
        subject=f"Наставничество: что требует внимания на {today:%d.%m.%Y} — {school.name}",
        body=render_digest(school.name, programme, due, closing, settings.web_url),
    )


async def _schools(backend: Backend, token: str) -> list[School]:
    """Every open school the token's scope holds, page after page."""

    async def page(after: str | None) -> Connection[School]:
        return (await backend.query(token, SCHOOLS, Schools, after=after)).organisations

    return await every_page(page)


def region_paths(settings: Settings) -> list[str]:
    """REMINDERS_REGIONS as tree paths."""
    try:
        ids = [UUID(r.strip()) for r in settings.reminders_regions.split(",") if r.strip()]
    except ValueError:
        raise SettingsError("REMINDERS_REGIONS: region ids (UUID), comma-separated") from None
    return [child_path("", region) for region in ids]


async def digests(
    settings: Settings, backend: Backend, today: date, regions: list[str]
) -> list[EmailMessage]:
    """Every open school's digest in the regions (tree paths) and its participants' reminders,
    read school by school with that school's own scope. One message an address a round: a
    coordinator who also mentors has the school's digest, their own reminders on their page."""
    mails: list[EmailMessage] = []
    mailed: set[str] = set()
    for region in regions:
        operator = issue_token(settings, Role.OPERATOR, region, user="reminders", ttl_seconds=600)
        for school in await _schools(backend, operator):
            digest = await school_digest(settings, backend, school, today)
            if digest is not None:
                mails.append(message(settings, digest))
                mailed.update(digest.to)
            token = _coordinator_token(settings, school)
            reminders = await school_reminders(
                settings, backend, school.path, school.name, today, token
            )
            mails += [reminder_message(settings, r) for r in reminders if r.to not in mailed]
            mailed.update(r.to for r in reminders)
    return mails


def message(settings: Settings, digest: Digest) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr(("Платформа «Наставник»", settings.smtp_sender))
    mail["To"] = ", ".join(digest.to)
    mail["Subject"] = digest.subject
    mail.set_content(digest.body)  # UTF-8, as every mail client reads Russian
    return mail


def _deliver(settings: Settings, mails: list[EmailMessage]) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for mail in mails:
            smtp.send_message(mail)


async def send_reminders(
    settings: Settings,
    backend: Backend,
    today: date | None = None,
    regions: list[str] | None = None,
) -> int:
    """Mail every digest due in the regions (REMINDERS_REGIONS by default); how many went."""
    if not settings.smtp_host:
        raise SettingsError("reminders are off: set SMTP_HOST and SMTP_SENDER to send them")
    regions = regions or region_paths(settings)
    if not regions:
        raise SettingsError("REMINDERS_REGIONS: the ids of the regions whose schools get them")
    found = await digests(settings, backend, today or settings.region_today(), regions)
    if found:
        await asyncio.to_thread(_deliver, settings, found)
    log.info("reminders_sent", mails=len(found))
    return len(found)


async def send_reminders_now(settings: Settings) -> int:
    """`python -m services send-reminders`: through the services' HTTP addresses."""
    backend = Backend.from_settings(settings)
    try:
        return await send_reminders(settings, backend)
    finally:
        await backend.close()


async def send_on_schedule(
    settings: Settings, backend: Backend, schedule: Schedule, sent: Callable[[int], object]
) -> None:
    """The web service's periodic task: sleep until the next time, send, again (`sent` counts
    the mails). One web replica should carry REMINDERS_SCHEDULE (or use the command from
    cron) — each that has it sends."""
    while True:
        now = datetime.now(schedule.zone)
        await asyncio.sleep((schedule.next_after(now) - now).total_seconds())
        try:
            sent(await send_reminders(settings, backend))
        except Exception as error:  # a failed round is logged; the next one still comes
            log.error("reminders_failed", error_type=type(error).__name__, exc_info=error)
