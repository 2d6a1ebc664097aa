"""Commands on an organisation's register of acts: a school's, a municipality's, a region's or
an institute's; each level keeps its own, entered by its own people."""

from __future__ import annotations

from uuid import UUID, uuid4

from services.registry.state import MentorRegister, Organisation, OrganisationKind
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import PermissionDenied, RuleViolated
from shared.kernel.principal import ROLE_NAMES, SCHOOL_MANAGEMENT, Role
from shared.kernel.scope import Scope

from ..domain import Implementation, PairsOrder
from ..domain.acts import Act, ActDraft, ActRegister, BasisRef, checked, journal_of
from .base import ProgramsBase

# Who keeps the acts of an organisation of each kind (an operator keeps any).
KEEPERS: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.SCHOOL: SCHOOL_MANAGEMENT,
    OrganisationKind.MUNICIPALITY: frozenset({Role.MUNICIPALITY_OFFICER}),
    OrganisationKind.REGION: frozenset({Role.REGION_OFFICER}),
    OrganisationKind.INSTITUTE: frozenset({Role.INSTITUTE_METHODOLOGIST}),
}
ACT_KEEPERS = frozenset({Role.OPERATOR}).union(*KEEPERS.values())
# What an act of the register may follow: its own acts and those the platform issues.
BASIS_ACTS = (Act, PairsOrder, Implementation, MentorRegister)


class ActCommands(ProgramsBase):
    @allowed(ACT_KEEPERS, "вносить акты в реестр актов")
    def record_act(
        self, caller: Caller, organisation_id: UUID, draft: ActDraft
    ) -> tuple[UUID, int]:
        """An act entered into its organisation's register: checked, numbered in its journal."""
        organisation = self._keeper_of(caller, organisation_id)
        number, marks, effective = checked(draft, self.today())
        self._check_basis(organisation.tenant, draft.basis)
        register = self.find(ActRegister, ActRegister.id_for(organisation_id))
        if register is None:
            register = ActRegister(
                id=ActRegister.id_for(organisation_id),
                tenant=organisation.tenant,
                actor=caller.actor,
                organisation_id=organisation_id,
            )
        register.follow_school(caller.actor, organisation.tenant)
        register.check_superseded(draft.supersedes)
        act = Act(
            id=uuid4(),
            tenant=organisation.tenant,
            actor=caller.actor,
            organisation_id=organisation_id,
            kind=draft.kind,
            register=draft.register.strip(),
            number=number,
            act_date=draft.act_date,
            title=draft.title,
            basis=[b.as_dict() for b in draft.basis],
            marks=[m.as_dict() for m in marks],
            effective_from=effective,
            valid_until=draft.valid_until,
            supersedes=list(draft.supersedes),
            points=[p.as_dict() for p in draft.points],
            published_url=draft.published_url,
            frame=draft.frame,
        )
        register.enter(
            caller.actor, act, journal_of(draft.kind, draft.register, draft.act_date), number
        )
        return act.id, self.store(register, act)

    def _keeper_of(self, caller: Caller, organisation_id: UUID) -> Organisation:
        """The organisation, if the caller keeps its acts: its own level's people, in scope."""
        organisation = self.registry.load(Organisation, organisation_id, "Организация")
        keepers = KEEPERS.get(organisation.kind)
        if keepers is None:
            raise RuleViolated(
                "no_act_register", "Организация-партнёр не ведёт реестр актов на платформе"
            )
        if caller.role != Role.OPERATOR and caller.role not in keepers:
            raise PermissionDenied(
                "role_not_allowed",
                f"Роль «{ROLE_NAMES[caller.role]}» не ведёт акты организации «{organisation.name}»",
                role=str(caller.role),
            )
        caller.require_scope(organisation.tenant)
        return organisation

    def _check_basis(self, tenant: str, basis: tuple[BasisRef, ...]) -> None:
        """Each act of the register named as a basis exists, and is the organisation's own or
        one of an organisation above it (a school follows its municipality's and region's)."""
        ids = [b.act_id for b in basis if b.act_id is not None]
        if not ids:
            return
        found, _ = self.find_many(ids)
        issued, _ = self.registry.find_many(ids)
        for act_id in ids:
            act = found.get(act_id) or issued.get(act_id)
            if not isinstance(act, BASIS_ACTS) or not Scope(act.tenant).covers(tenant):
                raise RuleViolated(
                    "basis_not_found",
                    "Акт, указанный основанием, не найден в реестре актов",
                    field="basis",
                    act_id=str(act_id),
                )
