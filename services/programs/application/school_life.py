"""Commands on what a school runs beside its pairs: its own stage scheme and its own events."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.registry.state import Organisation
from shared.kernel.command import Caller, allowed

from ..domain import (
    Attendance,
    Material,
    SchoolEvent,
    SchoolEventKind,
    StageScheme,
    school_stages,
)
from .base import ProgramsBase
from .programmes import CURATORS, PROGRAMME_MANAGERS


class SchoolLifeCommands(ProgramsBase):
    @allowed(PROGRAMME_MANAGERS, "утверждать схему этапов школы")
    def write_stage_scheme(
        self, caller: Caller, school_id: UUID, written: list[tuple[str, list[int]]]
    ) -> int:
        """The school's stages as its documents name them, each mapped onto the seven; a new
        writing replaces the scheme whole."""
        stages = school_stages(written)
        scheme = self.find(StageScheme, StageScheme.id_for(school_id))
        if scheme is None:
            school = self._school(caller, school_id)
            scheme = StageScheme(
                id=StageScheme.id_for(school_id),
                tenant=school.tenant,
                actor=caller.actor,
                school_id=school_id,
                stages=[stage.as_dict() for stage in stages],
            )
        else:
            self._in_school(caller, scheme, school_id)
            scheme.rewrite(caller.actor, stages)
        return self.store(scheme)

    @allowed(CURATORS, "записывать мероприятия школы")
    def record_school_event(
        self,
        caller: Caller,
        school_id: UUID,
        kind: SchoolEventKind,
        held_on: date,
        title: str,
        present: Attendance,
        materials: tuple[Material, ...],
    ) -> tuple[UUID, int]:
        """An event of the school: who was present must be the school's own pairs and people
        (with their consent on the day), checked before anything is stored."""
        SchoolEvent.check(kind, held_on, self.today(), materials)
        school = self._school(caller, school_id)
        for pair_id in present.pair_ids:
            self._pair_in_school(caller, pair_id)
        for person_id in present.person_ids:
            self._participant(school_id, person_id, "Участник мероприятия", held_on)
        school_event = SchoolEvent(
            id=uuid4(),
            tenant=school.tenant,
            actor=caller.actor,
            school_id=school_id,
            kind=kind,
            held_on=held_on,
            title=title,
            pair_ids=list(present.pair_ids),
            classes=list(present.classes),
            person_ids=list(present.person_ids),
            materials=[material.as_dict() for material in materials],
        )
        return school_event.id, self.store(school_event)

    def _school(self, caller: Caller, school_id: UUID) -> Organisation:
        school = self.registry.load(Organisation, school_id, "Школа")
        caller.require_scope(school.tenant)
        return school
