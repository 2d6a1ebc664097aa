"""Recognition of mentoring: cases for the base of best practices, nominations and awards."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated

from ..values import AwardResult, Nomination


class PracticeCase(TenantAggregate):
    """A school's case of mentoring practice, proposed for the region's base of best practices
    and published there by the institute. Written for publication: no personal data."""

    @event("Proposed")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        programme_id: UUID,
        form: MentoringForm,
        title: str,
        summary: str,
        results: str,
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.published = False

    def publish(self, actor: Actor, published_on: date) -> None:
        if self.published:
            raise RuleViolated("case_already_published", "Практика уже опубликована")
        self._published(actor=actor, published_on=published_on)

    @event("Published")
    def _published(self, actor: Actor, published_on: date) -> None:
        self.published = True


class Candidacy(TenantAggregate):
    """A mentor (or a pair) put forward by the school for a nomination of a school year; the
    result is decided by whoever runs the contest (the school, the municipality or the region)."""

    @event("Nominated")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        nomination: Nomination,
        school_year: str,
        mentor_id: UUID,
        pair_id: UUID | None,
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.result: AwardResult | None = None

    def decide(self, actor: Actor, result: AwardResult, decided_on: date, level: str) -> None:
        if self.result is not None:
            raise RuleViolated("candidacy_decided", "Итог номинации уже подведён")
        self._decided(actor=actor, result=result, decided_on=decided_on, level=level)

    @event("Decided")
    def _decided(self, actor: Actor, result: AwardResult, decided_on: date, level: str) -> None:
        self.result = AwardResult(result)
