"""Who calls: their role and the scope of the organisation tree they work in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.kernel.errors import PermissionDenied
from shared.kernel.scope import Scope


class Role(StrEnum):
    OPERATOR = "operator"  # runs the platform: creates regions
    REGION_OFFICER = "region_officer"
    INSTITUTE_METHODOLOGIST = "institute_methodologist"
    MUNICIPALITY_OFFICER = "municipality_officer"
    SCHOOL_DIRECTOR = "school_director"
    SCHOOL_COORDINATOR = "school_coordinator"
    SCHOOL_CURATOR = "school_curator"
    AUDITOR = "auditor"


SCHOOL_STAFF = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR, Role.SCHOOL_CURATOR})
SCHOOL_MANAGEMENT = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR})


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
                "role_not_allowed", f"Роль «{self.role}» не может {action}", role=str(self.role)
            )

    def covers(self, tenant: str) -> bool:
        """Is the target inside the caller's subtree (operators work everywhere)?"""
        return self.role == Role.OPERATOR or self.scope.covers(tenant)

    def require_scope(self, tenant: str) -> None:
        if not self.covers(tenant):
            raise PermissionDenied("out_of_scope", "Объект вне вашей организации")
