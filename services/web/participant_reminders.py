"""Reminders to the participants themselves, sent in the same round as the schools' digests:
a meeting planned for today or tomorrow, a held meeting they have not rated, a survey due.

Everyone sees these on their own page; those whose registry record holds an e-mail address
also get them by mail, all in one message — at most one a round, and the rounds come at most
once a day (`Schedule`: one time of day). The mail comes in the school's name and says only
what the participant's own page says, behind the link to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from uuid import UUID

from shared.adapters.auth import decode_token, issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from shared.kernel.scope import person_path

from .backend import Backend
from .controllers.participants import Participation, participation
from .reads import Connection, Read
from .session import WebUser
from .templating import ru_date

PARTICIPANTS = """
query($after: String) {
  people(first: 200, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id contacts isMentor isMentee } }
  }
}
"""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
AHEAD = timedelta(days=1)  # a planned meeting is recalled on its day and the day before


class Participant(Read):
    id: str
    contacts: str | None
    isMentor: bool
    isMentee: bool


class Participants(Read):
    people: Connection[Participant]


@dataclass(frozen=True)
class Reminder:
    """One participant's message of the round."""

    to: str
    school: str
    body: str


def reminders_of(found: Participation, today: date) -> list[str]:
    """What the participant is reminded of, in Russian, as of `today`."""
    lines = []
    for pair in found.pairs:
        planned = pair.nextMeeting
        if planned and today <= date.fromisoformat(planned.startsOn) <= today + AHEAD:
            lines.append(
                f"Встреча {ru_date(planned.startsOn)} в {planned.startTime[:5]},"
                f" {planned.place}: {planned.topic}"
            )
        lines += [
            f"Оцените встречу {ru_date(m.heldOn)} «{m.topic}»: в нескольких касаниях, 1–10"
            for m in pair.unrated
        ]
    lines += [f"Заполните анкету «{due.template.title}»" for due in found.surveysDue]
    return lines


def render(found: Participation, lines: list[str], url: str) -> str:
    items = "\n".join(f"  – {line}" for line in lines)
    return (
        f"Здравствуйте, {found.fullName}!\n\nНапоминаем:\n{items}\n\n"
        f"Всё это — на вашей странице: {url}/my\n\n"
        "Это письмо отправлено автоматически платформой целевой модели наставничества.\n"
    )


async def _participants(backend: Backend, token: str) -> list[Participant]:
    found: list[Participant] = []
    after = None
    while True:
        page = (await backend.query(token, PARTICIPANTS, Participants, after=after)).people
        found += page.nodes
        if page.next_cursor is None:
            return found
        after = page.next_cursor


async def school_reminders(
    settings: Settings, backend: Backend, school_path: str, school: str, today: date, token: str
) -> list[Reminder]:
    """The school's participants with an address and something to be reminded of, each read
    with a short-lived token of their own (their page's reads, their own scope)."""
    reminders = []
    for person in await _participants(backend, token):
        address = EMAIL.search(person.contacts or "")
        if address is None or not (person.isMentor or person.isMentee):
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
        lines = reminders_of(found, today)
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
