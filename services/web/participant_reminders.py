"""Reminders to the participants themselves, sent in the same round as the schools' digests:
a meeting planned for today or tomorrow, a held meeting they have not rated, a survey due.

Everyone sees these on their own page; those whose registry record holds an e-mail address
also get them by mail, all in one message — at most one a round, and the rounds come at most
once a day (`Schedule`: one time of day). The mail comes in the school's name and says only
what the participant's own page says, behind the link to it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr
from typing import TypeVar
from uuid import UUID

from shared.adapters.auth import decode_token, issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from shared.kernel.scope import person_path

from .backend import Backend
from .controllers.participants import Participation, participation
from .reads import Connection, Read
from .session import WebUser

PARTICIPANTS = """
query($after: String) {
  people(first: 200, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id contacts isMentor isMentee mailReminders } }
  }
}
"""
T = TypeVar("T")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class Participant(Read):
    id: str
    contacts: str | None
    isMentor: bool
    isMentee: bool
    mailReminders: bool


class Participants(Read):
    people: Connection[Participant]


@dataclass(frozen=True)
class Reminder:
    """One participant's message of the round."""

    to: str
    school: str
    body: str


def render(found: Participation, lines: list[str], url: str) -> str:
    items = "\n".join(f"  – {line}" for line in lines)
    return (
        f"Здравствуйте, {found.fullName}!\n\nНапоминаем:\n{items}\n\n"
        f"Всё это — на вашей странице: {url}/my\n\n"
        "Это письмо отправлено автоматически платформой целевой модели наставничества.\n"
        f"Отказаться от напоминаний по почте: {url}/my#reminders\n"
    )


async def every_page(
    pages: Callable[[str | None], Awaitable[Connection[T]]],
) -> list[T]:
    """All the nodes of a list, page after page (`pages` reads the one after a cursor)."""
    found: list[T] = []
    after = None
    while True:
        page = await pages(after)
        found += page.nodes
        if page.next_cursor is None:
            return found
        after = page.next_cursor


async def _participants(backend: Backend, token: str) -> list[Participant]:
    async def page(after: str | None) -> Connection[Participant]:
        return (await backend.query(token, PARTICIPANTS, Participants, after=after)).people

    return await every_page(page)


async def school_reminders(
    settings: Settings, backend: Backend, school_path: str, school: str, today: date, token: str
) -> list[Reminder]:
    """The school's participants with an address and something to be reminded of, each read
    with a short-lived token of their own (their page's reads, their own scope)."""
    reminders = []
    for person in await _participants(backend, token):
        address = EMAIL.search(person.contacts or "")
        wanted = person.mailReminders and (person.isMentor or person.isMentee)
        if address is None or not wanted:
            continue
        role = Role.MENTOR if person.isMentor else Role.MENTEE
        own = issue_token(
            settings,
            role,
            person_path(school_path, UUID(person.id)),
            user="reminders",
            ttl_seconds=600,
        )
        found = await participation(backend, WebUser(own, decode_token(settings, own)))
        lines = found.reminders(today)
        if lines:
            body = render(found, lines, settings.web_url)
            reminders.append(Reminder(address.group(), school, body))
    return reminders


def reminder_message(settings: Settings, reminder: Reminder) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((reminder.school, settings.smtp_sender))  # the school's name
    mail["To"] = reminder.to
    mail["Subject"] = f"Наставничество: напоминание — {reminder.school}"
    mail.set_content(reminder.body)
    return mail
