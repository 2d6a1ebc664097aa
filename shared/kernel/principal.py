"""Who calls: their role and the scope of the organisation tree they work in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from shared.kernel.errors import PermissionDenied, Unauthenticated
from shared.kernel.scope import Level, Scope, depth


class Role(StrEnum):
    OPERATOR = "operator"  # runs the platform: creates regions
    REGION_OFFICER = "region_officer"
    INSTITUTE_METHODOLOGIST = "institute_methodologist"
    MUNICIPALITY_OFFICER = "municipality_officer"
    SCHOOL_DIRECTOR = "school_director"
    SCHOOL_COORDINATOR = "school_coordinator"
    SCHOOL_CURATOR = "school_curator"
    AUDITOR = "auditor"
    # Participants, each scoped to one person of a school: a mentor, a mentee, and the legal
    # representative of a minor (scoped to the child they signed for).
    MENTOR = "mentor"
    MENTEE = "mentee"
    LEGAL_REPRESENTATIVE = "legal_representative"


# How a person reads each role (refusals name it; the web shows it beside the user's name).
ROLE_NAMES = {
    Role.OPERATOR: "оператор платформы",
    Role.REGION_OFFICER: "специалист органа управления образованием региона",
    Role.INSTITUTE_METHODOLOGIST: "методист ИРО",
    Role.MUNICIPALITY_OFFICER: "специалист муниципалитета",
    Role.SCHOOL_DIRECTOR: "руководитель ОО",
    Role.SCHOOL_COORDINATOR: "координатор",
    Role.SCHOOL_CURATOR: "куратор",
    Role.AUDITOR: "аудитор",
    Role.MENTOR: "наставник",
    Role.MENTEE: "наставляемый",
    Role.LEGAL_REPRESENTATIVE: "законный представитель",
}

SCHOOL_STAFF = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR, Role.SCHOOL_CURATOR})
SCHOOL_MANAGEMENT = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR})
PARTICIPANTS = frozenset({Role.MENTOR, Role.MENTEE, Role.LEGAL_REPRESENTATIVE})

# The depths of the organisation tree each role works at: a school's staff in one school, a
# municipality's officer in one municipality, the region's and the institute's people in the
# whole region; an auditor audits a school, a municipality or a region; an operator works in a
# region or, with the empty scope, on the whole platform.
ROLE_DEPTHS: dict[Role, frozenset[int]] = {
    Role.OPERATOR: frozenset({0, Level.REGION}),
    Role.REGION_OFFICER: frozenset({Level.REGION}),
    Role.INSTITUTE_METHODOLOGIST: frozenset({Level.REGION}),
    Role.MUNICIPALITY_OFFICER: frozenset({Level.MUNICIPALITY}),
    **dict.fromkeys(SCHOOL_STAFF, frozenset({Level.SCHOOL})),
    Role.AUDITOR: frozenset({Level.REGION, Level.MUNICIPALITY, Level.SCHOOL}),
    **dict.fromkeys(PARTICIPANTS, frozenset({Level.PERSON})),
}
# An `ltree` path of organisation labels (at most a school deep, and a person below it), or empty.
_SCOPE_PATH = re.compile(r"(?:[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64}){0,3})?")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user: str
    role: Role
    scope: Scope
    name: str = ""
    # The school's staff person the caller is (the token's `person` claim), whose grants of
    # responsibility widen what a curator may do; none in older tokens and others' tokens.
    person: UUID | None = None

    def require(self, allowed: frozenset[Role], action: str) -> None:
        if self.role not in allowed:
            raise PermissionDenied(
                "role_not_allowed",
                f"Роль «{ROLE_NAMES[self.role]}» не может {action}",
                role=str(self.role),
            )

    def covers(self, tenant: str) -> bool:
        """Is the target inside the caller's subtree (operators work everywhere; a participant
        in their school, on what is their own: see `acts_for`)?"""
        if self.role in PARTICIPANTS:
            return tenant == self.scope.school_path
        return self.role == Role.OPERATOR or self.scope.covers(tenant)

    def acts_for(self, person_id: object) -> None:
        """A participant acts for their own person only (staff act for anyone they cover)."""
        if self.role in PARTICIPANTS and self.scope.person_id != person_id:
            raise PermissionDenied("not_your_own", "Участник программы действует только за себя")

    def require_scope(self, tenant: str) -> None:
        if not self.covers(tenant):
            raise PermissionDenied("out_of_scope", "Объект вне вашей организации")


def check_claims(role: Role, scope: object) -> str:
    """The scope, if it is a path of the tree at the depth the role works at; else the token is
    refused (and never issued)."""
    if not isinstance(scope, str) or not _SCOPE_PATH.fullmatch(scope):
        raise Unauthenticated("token_scope_invalid", "В токене неверная область видимости")
    if (depth(scope) if scope else 0) not in ROLE_DEPTHS[role] or not _person_label(role, scope):
        raise Unauthenticated(
            "token_scope_mismatch",
            f"Роль «{role}» не работает на уровне организации, указанном в токене",
            role=str(role),
        )
    return scope


def _person_label(role: Role, scope: str) -> bool:
    """A participant's last label is a person's id (the policies read it as one)."""
    return (
        role not in PARTICIPANTS or re.fullmatch(r"[0-9a-f]{32}", scope.split(".")[-1]) is not None
    )
