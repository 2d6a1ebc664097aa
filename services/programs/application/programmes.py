"""Commands on a school's programme: opening, description, stages, meeting rule, matching
decisions that are not pairs (a rejected suggestion)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.registry.state import Organisation, OrganisationKind
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import InvalidInput, RuleViolated
from shared.kernel.principal import SCHOOL_MANAGEMENT, SCHOOL_STAFF, Role

from ..domain import Implementation, Part, Programme, Stage
from .base import ProgramsBase

PROGRAMME_MANAGERS = SCHOOL_MANAGEMENT | {Role.OPERATOR}
CURATORS = SCHOOL_STAFF | {Role.OPERATOR}


class ProgrammeCommands(ProgramsBase):
    @allowed(CURATORS, "открывать программы")
    def open_programme(
        self,
        caller: Caller,
        school_id: UUID,
        school_year: str,
        title: str,
        forms: list[MentoringForm],
        programme_id: UUID | None = None,
        frame: str | None = None,
    ) -> tuple[Programme, int]:
        school = self.registry.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа")
        caller.require_scope(school.tenant)
        if not forms:
            raise InvalidInput("no_forms", "Укажите хотя бы одну форму наставничества")
        chosen = Programme.check_frame(frame, forms)
        self._responsible(
            caller, school_id, [(Part.form(form),) for form in forms], "открывать программу"
        )
        programme = Programme(
            id=programme_id or uuid4(),
            tenant=school.tenant,
            actor=caller.actor,
            school_id=school_id,
            school_year=school_year,
            title=title,
            forms=forms,
            frame=chosen,
        )
        return programme, self.store(programme)

    @allowed(PROGRAMME_MANAGERS, "описывать программу")
    def describe_programme(
        self,
        caller: Caller,
        programme_id: UUID,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        curators: dict[MentoringForm, UUID],
    ) -> int:
        """Duration, goals and the curator of each form (a staff member of the school)."""
        programme = self._programme(caller, programme_id)
        for form, curator in curators.items():
            person = self._participant(programme.school_id, curator, "Куратор", starts_on)
            if not person.curates(form):
                raise RuleViolated(
                    "not_a_curator",
                    f"Сотрудник не назначен куратором формы «{FORM_NAMES[form]}»",
                    person_id=str(curator),
                    form=str(form),
                )
        programme.describe(caller.actor, starts_on, ends_on, goals, curators)
        return self.store(programme)

    @allowed(CURATORS, "менять этап программы")
    def move_to_stage(
        self, caller: Caller, programme_id: UUID, stage: Stage, effective_on: date | None = None
    ) -> int:
        """The stage from the day the documents give (the day of recording when they give none);
        a curator moves it to the stages the school made them responsible for."""
        programme = self._programme(caller, programme_id)
        self._responsible(
            caller, programme.school_id, [(Part.stage(stage),)], "переводить программу на этап"
        )
        order = self.find(Implementation, Implementation.id_for(programme.school_id))
        today = self.today()
        programme.move_to_stage(
            caller.actor, stage, effective_on or today, today, order.order_date if order else None
        )
        return self.store(programme)

    @allowed(PROGRAMME_MANAGERS, "менять правило частоты встреч")
    def set_meeting_rule(self, caller: Caller, programme_id: UUID, every_days: int) -> int:
        programme = self._programme(caller, programme_id)
        programme.set_meeting_rule(caller.actor, every_days)
        return self.store(programme)

    @allowed(CURATORS, "отклонять предложения подбора")
    def reject_suggestion(
        self,
        caller: Caller,
        programme_id: UUID,
        mentee_id: UUID,
        mentor_id: UUID,
        reason: str,
    ) -> int:
        programme = self._programme(caller, programme_id)
        for person, what in ((mentee_id, "Наставляемый"), (mentor_id, "Наставник")):
            self._participant(programme.school_id, person, what, self.today())
        sealed = self._seal(mentee_id, {"reason": reason})
        programme.reject_suggestion(caller.actor, mentee_id, mentor_id, sealed)
        return self.store(programme)
