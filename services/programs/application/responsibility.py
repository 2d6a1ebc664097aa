"""Commands on what a school made its staff responsible for: grant and revoke (issue 20,
point 7). What a grant then allows is checked by each command (`ProgramsBase._responsible`)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.registry.state import Organisation, Person
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import NotFound, RuleViolated

from ..domain import Implementation, Pair, Part, Responsibilities
from ..domain.acts import Act
from ..values import ResponsibilityPart
from .base import ProgramsBase
from .programmes import PROGRAMME_MANAGERS


class ResponsibilityCommands(ProgramsBase):
    @allowed(PROGRAMME_MANAGERS, "поручать ответственность")
    def grant_responsibility(
        self,
        caller: Caller,
        school_id: UUID,
        person_id: UUID,
        parts: list[Part],
        granted_on: date | None = None,
        act_id: UUID | None = None,
        grant_id: UUID | None = None,
    ) -> tuple[UUID, int]:
        """A staff person of the school made responsible for parts of its programmes, from the
        day the appointing document gives (the day of recording when none)."""
        school = self.registry.load(Organisation, school_id, "Школа")
        caller.require_scope(school.tenant)
        self._check_staff(school_id, person_id)
        self._check_subjects(school_id, parts)
        if act_id is not None:
            self._check_act(school_id, act_id)
        responsibilities = self._responsibilities(caller, school)
        grant_id = grant_id or uuid4()
        today = self.today()
        responsibilities.grant(
            caller.actor, grant_id, person_id, parts, granted_on or today, today, act_id
        )
        return grant_id, self.store(responsibilities)

    @allowed(PROGRAMME_MANAGERS, "отменять поручения")
    def revoke_responsibility(
        self, caller: Caller, school_id: UUID, grant_id: UUID, revoked_on: date | None = None
    ) -> int:
        school = self.registry.load(Organisation, school_id, "Школа")
        caller.require_scope(school.tenant)
        responsibilities = self._responsibilities(caller, school)
        today = self.today()
        responsibilities.revoke(caller.actor, grant_id, revoked_on or today, today)
        return self.store(responsibilities)

    def _responsibilities(self, caller: Caller, school: Organisation) -> Responsibilities:
        """The school's grants, opened with its first one."""
        found = self.find(Responsibilities, Responsibilities.id_for(school.id))
        if found is None:
            return Responsibilities(
                id=Responsibilities.id_for(school.id),
                tenant=school.tenant,
                actor=caller.actor,
                school_id=school.id,
            )
        caller.in_school(found, school.tenant)
        return found

    def _check_staff(self, school_id: UUID, person_id: UUID) -> None:
        person = self.registry.find(Person, person_id)
        if person is None or person.school_id != school_id:
            raise NotFound("not_found", "Сотрудник не найден в этой школе", id=str(person_id))
        person.check_not_erased()
        if not person.staff_roles:
            raise RuleViolated(
                "not_staff",
                "Ответственность поручают сотруднику школы: у этого человека нет роли в школе",
                field="person_id",
            )

    def _check_subjects(self, school_id: UUID, parts: list[Part]) -> None:
        """A block of the school's own roadmap, a pair of its own programmes."""
        implementation = self.find(Implementation, Implementation.id_for(school_id))
        blocks = implementation.blocks if implementation is not None else {}
        for index, part in enumerate(parts):
            if part.kind == ResponsibilityPart.BLOCK and part.subject not in blocks:
                raise RuleViolated(
                    "block_not_found",
                    f"В дорожной карте школы нет раздела «{part.subject}»",
                    field=f"parts[{index}].subject",
                )
            if part.kind == ResponsibilityPart.PAIR and not self._pair_of(school_id, part.subject):
                raise RuleViolated(
                    "pair_not_found",
                    "В программах школы нет такой пары или группы",
                    field=f"parts[{index}].subject",
                )

    def _pair_of(self, school_id: UUID, subject: str) -> bool:
        try:
            pair = self.find(Pair, UUID(subject))
        except ValueError:
            return False
        return pair is not None and self._school_of_programme(pair.programme_id) == school_id

    def _check_act(self, school_id: UUID, act_id: UUID) -> None:
        act = self.find(Act, act_id)
        if act is None or act.organisation_id != school_id:
            raise RuleViolated(
                "act_not_found", "В реестре актов школы нет такого акта", field="act_id"
            )
