"""Personal links: how a pupil, or anyone without an account, signs in as themselves. The
coordinator issues one per person and role; the link's secret is shown once and only its hash
is kept; opening it is recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from uuid import UUID, uuid4

from shared.kernel.command import Caller, allowed
from shared.kernel.errors import RuleViolated
from shared.kernel.principal import SCHOOL_MANAGEMENT, Role
from shared.kernel.scope import person_path

from ..domain import Person
from .base import RegistryBase

LINK_ISSUERS = SCHOOL_MANAGEMENT | {Role.OPERATOR}
PERSON_HEX = 32  # a link is the person's id in hex, then its secret


def secret_hash(link: str) -> str:
    return hashlib.sha256(link.encode()).hexdigest()


class LinkCommands(RegistryBase):
    @allowed(LINK_ISSUERS, "выдавать персональные ссылки")
    def issue_link(
        self, caller: Caller, person_id: UUID, role: Role, expires_on: date
    ) -> tuple[str, UUID, int]:
        """A new link (shown this once: the store keeps its hash), its id and position."""
        person = self._person_in_scope(caller, person_id)
        link = person_id.hex + secrets.token_urlsafe(24)
        link_id = uuid4()
        person.issue_link(caller.actor, link_id, role, expires_on, secret_hash(link), self.today())
        return link, link_id, self.store(person)

    @allowed(LINK_ISSUERS, "отзывать персональные ссылки")
    def revoke_link(self, caller: Caller, person_id: UUID, link_id: UUID) -> int:
        person = self._person_in_scope(caller, person_id)
        person.revoke_link(caller.actor, link_id, self.today())
        return self.store(person)

    def open_link(self, link: str) -> tuple[Role, str, int]:
        """Who the link signs in, as a role and a person's scope; the opening is recorded.
        A link that names no one, or anyone's with another secret, is refused alike."""
        try:
            person = self.find(Person, UUID(hex=link[:PERSON_HEX]))
        except ValueError:
            person = None
        if person is None:
            raise RuleViolated("link_unknown", "Ссылка недействительна")
        school = self.school(person.school_id)
        school.check_open()
        opened = person.open_link(secret_hash(link), self.today())
        person.follow_school(opened.actor, school.tenant)
        return opened.role, person_path(school.tenant, person.id), self.store(person)
