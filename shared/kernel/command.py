"""The steps every command shares, in one place: the caller's role is checked before the
command runs (`allowed`), and the command gets a `Caller` — the principal with the actor its
events record, and the check of its scope that makes an aggregate follow its school. A command
method then reads as: load, decide, save."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.principal import Principal, Role

App = TypeVar("App")
Params = ParamSpec("Params")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Caller(Principal):
    """A principal whose role the command allows."""

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, role=str(self.role))

    def in_school(self, aggregate: TenantAggregate, school_tenant: str) -> None:
        """The caller's scope against the school's current place in the tree; after the school
        moved to another municipality, the aggregate's path follows it first."""
        self.require_scope(school_tenant)
        aggregate.follow_school(self.actor, school_tenant)


def caller_of(principal: Principal, roles: frozenset[Role], action: str) -> Caller:
    """The principal as a caller, if their role may do `action` (a 403 naming it otherwise)."""
    principal.require(roles, action)
    return Caller(principal.user, principal.role, principal.scope, principal.name, principal.person)


def allowed(
    roles: frozenset[Role], action: str
) -> Callable[
    [Callable[Concatenate[App, Caller, Params], Result]],
    Callable[Concatenate[App, Principal, Params], Result],
]:
    """A command method that only `roles` may call: it is called with the principal and runs
    with the caller."""

    def decorate(
        method: Callable[Concatenate[App, Caller, Params], Result],
    ) -> Callable[Concatenate[App, Principal, Params], Result]:
        @functools.wraps(method)
        def command(
            app: App, principal: Principal, /, *args: Params.args, **kwargs: Params.kwargs
        ) -> Result:
            return method(app, caller_of(principal, roles, action), *args, **kwargs)

        return command

    return decorate
