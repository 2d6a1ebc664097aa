"""Commands on recognition: best-practice cases and nominations with their results."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from shared.dictionaries import MentoringForm
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import RuleViolated
from shared.kernel.principal import Role

from ..domain import AwardResult, Candidacy, Nomination, PracticeCase
from .base import ProgramsBase
from .programmes import PROGRAMME_MANAGERS

INSTITUTE = frozenset({Role.INSTITUTE_METHODOLOGIST, Role.OPERATOR})
JURIES = frozenset(
    {Role.SCHOOL_DIRECTOR, Role.MUNICIPALITY_OFFICER, Role.REGION_OFFICER, Role.OPERATOR}
)


class RecognitionCommands(ProgramsBase):
    @allowed(PROGRAMME_MANAGERS, "предлагать практики")
    def propose_case(
        self,
        caller: Caller,
        programme_id: UUID,
        form: MentoringForm,
        title: str,
        summary: str,
        results: str,
    ) -> tuple[UUID, int]:
        programme = self._programme(caller, programme_id)
        programme.check_runs(form)
        case = PracticeCase(
            id=uuid4(),
            tenant=programme.tenant,
            actor=caller.actor,
            school_id=programme.school_id,
            programme_id=programme_id,
            form=form,
            title=title,
            summary=summary,
            results=results,
        )
        return case.id, self.store(case)

    @allowed(INSTITUTE, "публиковать практики в региональной базе")
    def publish_case(self, caller: Caller, case_id: UUID, published_on: date) -> int:
        """The institute publishes a case in the region's base of best practices."""
        case = self.load(PracticeCase, case_id, "Практика")
        caller.require_scope(case.tenant)
        case.publish(caller.actor, published_on)
        return self.store(case)

    @allowed(PROGRAMME_MANAGERS, "выдвигать на конкурсы")
    def nominate(
        self,
        caller: Caller,
        programme_id: UUID,
        nomination: Nomination,
        mentor_id: UUID,
        pair_id: UUID | None = None,
    ) -> tuple[UUID, int]:
        programme = self._programme(caller, programme_id)
        self._participant(programme.school_id, mentor_id, "Наставник", self.today())
        if pair_id is not None:
            pair, _ = self._pair_in_school(caller, pair_id)
            if pair.mentor_id != mentor_id:
                raise RuleViolated("not_a_member", "Наставник не из этой пары")
        candidacy = Candidacy(
            id=uuid4(),
            tenant=programme.tenant,
            actor=caller.actor,
            school_id=programme.school_id,
            nomination=nomination,
            school_year=programme.school_year,
            mentor_id=mentor_id,
            pair_id=pair_id,
        )
        return candidacy.id, self.store(candidacy)

    @allowed(JURIES, "подводить итоги конкурсов")
    def decide_candidacy(
        self, caller: Caller, candidacy_id: UUID, result: AwardResult, decided_on: date
    ) -> int:
        """The result, decided by the school, the municipality or the region running the contest."""
        candidacy = self.load(Candidacy, candidacy_id, "Кандидатура")
        caller.require_scope(candidacy.tenant)
        candidacy.decide(caller.actor, result, decided_on, caller.scope.level.name.lower())
        return self.store(candidacy)
