"""Who calls: their role and the scope of the organisation tree they work in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

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
}

SCHOOL_STAFF = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR, Role.SCHOOL_CURATOR})
SCHOOL_MANAGEMENT = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR})

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
}
# An `ltree` path of organisation labels (at most a school deep), or empty.
_SCOPE_PATH = re.compile(r"(?:[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64}){0,2})?")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user: str
    role: Role
    scope: Scope
    name: str = ""

    def require(self, allowed: frozenset[Role], action: str) -> None:
        if self.role not in allowed:
            raise PermissionDenied(
                "role_not_allowed",
                f"Роль «{ROLE_NAMES[self.role]}» не может {action}",
                role=str(self.role),
            )

    def covers(self, tenant: str) -> bool:
        """Is the target inside the caller's subtree (operators work everywhere)?"""
        return self.role == Role.OPERATOR or self.scope.covers(tenant)

    def require_scope(self, tenant: str) -> None:
        if not self.covers(tenant):
            raise PermissionDenied("out_of_scope", "Объект вне вашей организации")


def check_claims(role: Role, scope: object) -> str:
    """The scope, if it is a path of the tree at the depth the role works at; else the token is
    refused (and never issued)."""
    if not isinstance(scope, str) or not _SCOPE_PATH.fullmatch(scope):
        raise Unauthenticated("token_scope_invalid", "В токене неверная область видимости")
    if (depth(scope) if scope else 0) not in ROLE_DEPTHS[role]:
        raise Unauthenticated(
            "token_scope_mismatch",
            f"Роль «{role}» не работает на уровне организации, указанном в токене",
            role=str(role),
        )
    return scope
