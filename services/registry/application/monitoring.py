"""Monitoring: the region's targets, schools' contingents, the self-audit checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from shared.indicators import check_school_year
from shared.kernel.aggregate import actor_of
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import InvalidInput
from shared.kernel.principal import SCHOOL_MANAGEMENT, Principal, Role

from ..domain import (
    FrameDeadlines,
    IndicatorTargets,
    Organisation,
    OrganisationKind,
    SchoolContingent,
    SelfAudit,
    yearly_id,
)
from .base import (
    SELF_AUDIT_REVIEWERS,
    TARGET_SETTERS,
    RegistryBase,
)


@dataclass(frozen=True)
class Contingent:
    """What a school reports for a school year (see `SchoolContingent`)."""

    students: int
    students_10_18: int
    students_15_19: int
    teachers: int
    young_teachers: int
    monitoring_from: date | None = None
    monitoring_to: date | None = None


TYearly = TypeVar("TYearly", IndicatorTargets, SchoolContingent, SelfAudit)

YEARLY_KINDS: dict[type[Any], str] = {
    IndicatorTargets: "targets",
    SchoolContingent: "contingent",
    SelfAudit: "self-audit",
}


class MonitoringCommands(RegistryBase):
    @allowed(TARGET_SETTERS, "устанавливать целевые показатели региона")
    def set_indicator_targets(
        self, caller: Caller, region_id: UUID, school_year: str, targets: dict[str, float]
    ) -> int:
        IndicatorTargets.check(targets)
        aggregate = self._yearly(
            IndicatorTargets, caller, self._region(caller, region_id), school_year
        )
        aggregate.set_targets(caller.actor, targets)
        return self.store(aggregate)

    @allowed(TARGET_SETTERS, "устанавливать возрастные границы показателей региона")
    def set_indicator_bands(
        self,
        caller: Caller,
        region_id: UUID,
        school_year: str,
        bands: dict[str, tuple[int, int]],
    ) -> int:
        IndicatorTargets.check_bands(bands)
        aggregate = self._yearly(
            IndicatorTargets, caller, self._region(caller, region_id), school_year
        )
        aggregate.set_bands(caller.actor, bands)
        return self.store(aggregate)

    @allowed(TARGET_SETTERS, "устанавливать сроки внедрения рамок наставничества")
    def set_frame_deadline(
        self, caller: Caller, region_id: UUID, frame: str, deadline: date
    ) -> int:
        """The day by which the region's organisations are to introduce the frame."""
        chosen = FrameDeadlines.check(frame, deadline)
        region = self._region(caller, region_id)
        aggregate = self.find(FrameDeadlines, FrameDeadlines.id_for(region.id)) or FrameDeadlines(
            id=FrameDeadlines.id_for(region.id),
            tenant=region.tenant,
            actor=caller.actor,
            region_id=region.id,
        )
        aggregate.set_deadline(caller.actor, chosen, deadline)
        return self.store(aggregate)

    def _region(self, caller: Caller, region_id: UUID) -> Organisation:
        region = self.load(Organisation, region_id, "Регион")
        if region.kind != OrganisationKind.REGION:
            raise InvalidInput("not_a_region", "Указанная организация не регион", id=str(region_id))
        caller.require_scope(region.tenant)
        return region

    @allowed(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "вносить контингент школы")
    def record_contingent(
        self, caller: Caller, school_id: UUID, school_year: str, contingent: Contingent
    ) -> int:
        school = self.open_school_for(caller, school_id)
        aggregate = self._yearly(SchoolContingent, caller, school, school_year)
        aggregate.record(
            caller.actor,
            contingent.students,
            contingent.students_10_18,
            contingent.students_15_19,
            contingent.teachers,
            contingent.young_teachers,
            contingent.monitoring_from,
            contingent.monitoring_to,
        )
        return self.store(aggregate)

    @allowed(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "заполнять самоаудит школы")
    def fill_self_audit(
        self,
        caller: Caller,
        school_id: UUID,
        school_year: str,
        answers: list[tuple[int, bool, str | None]],
        page_url: str | None,
    ) -> int:
        school = self.open_school_for(caller, school_id)
        audit = self._yearly(SelfAudit, caller, school, school_year)
        audit.answer(caller.actor, answers, page_url)
        return self.store(audit)

    @allowed(SELF_AUDIT_REVIEWERS, "проверять самоаудит школ")
    def review_self_audit(
        self,
        caller: Caller,
        school_id: UUID,
        school_year: str,
        item: int,
        achieved: bool,
        recommendation: str | None,
    ) -> int:
        SelfAudit.check_item(item)
        school = self.school(school_id)
        caller.require_scope(school.tenant)
        audit = self.load(
            SelfAudit, yearly_id("self-audit", school.id, school_year), "Самоаудит школы"
        )
        audit.follow_school(caller.actor, school.tenant)
        audit.review(caller.actor, item, achieved, recommendation)
        return self.store(audit)

    def _yearly(
        self,
        cls: type[TYearly],
        principal: Principal,
        organisation: Organisation,
        school_year: str,
    ) -> TYearly:
        """The organisation's aggregate for the school year, opened on first use."""
        check_school_year(school_year)
        aggregate_id = yearly_id(YEARLY_KINDS[cls], organisation.id, school_year)
        existing = self.find(cls, aggregate_id)
        if existing is None:
            owner = "region_id" if cls is IndicatorTargets else "school_id"
            return cls(
                id=aggregate_id,
                tenant=organisation.tenant,
                actor=actor_of(principal),
                school_year=school_year,
                **{owner: organisation.id},
            )
        existing.follow_school(actor_of(principal), organisation.tenant)
        return existing
