"""Each frame of mentoring apart (the students' target model, the teachers' system): the
region's deadline for introducing it, and how many of the scope's organisations introduced it
by then. Counts and organisations' names only.

An organisation introduced a frame on the first day a programme of that frame reached stage 2
(«формирование базы наставляемых»), as the programme's documents date it: by then the frame's
implementing documents, curators and forms are in place (stage 1) and its work has begun. The
share is of the organisations (every kind: schools, kindergartens, colleges …) registered in the
scope and not closed by the deadline; without a deadline, by the reference day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import strawberry

from shared.adapters.settings import region_today
from shared.dictionaries import FORM_NAMES
from shared.frames import FRAMES, Frame
from shared.kernel.scope import region_of

from .arguments import On, OrganisationId
from .context import ReaderInfo, reader_of
from .indicators import ScopeOrganisation, _scope_of, _scope_organisation

# The organisations of a subtree, and the first day each frame's programme reached stage 2 in each.
ORGANISATIONS = """
SELECT id, name, closed_on FROM organisations
WHERE kind = 'school' AND tenant <@ $1::ltree ORDER BY name, id
"""
INTRODUCED = """
SELECT p.school_id, p.frame, min(s.since) AS since
FROM programmes p JOIN programme_stages s ON s.programme_id = p.id AND s.stage >= 2
WHERE p.tenant <@ $1::ltree
GROUP BY p.school_id, p.frame
"""


@dataclass(frozen=True)
class Organisation:
    name: str
    closed_on: date | None
    introduced: dict[str, date]  # frame → the day its programme reached stage 2

    def open_on(self, day: date) -> bool:
        return self.closed_on is None or self.closed_on > day

    def introduced_by(self, frame: Frame, day: date) -> bool:
        since = self.introduced.get(str(frame))
        return since is not None and since <= day


@strawberry.type(
    description="A frame of mentoring (рамка: целевая модель наставничества обучающихся или"
    " система наставничества педагогических работников) and its introduction in a scope."
)
class FrameIntroduction:
    frame: str = strawberry.field(description="Код рамки: students или teachers")
    name: str = strawberry.field(description="Название рамки по-русски")
    heading: str = strawberry.field(description="Заголовок, под которым стоят её показатели")
    basis: str = strawberry.field(description="Федеральный акт, который цитируют её приказы")
    forms: list[str] = strawberry.field(description="Её формы наставничества, по-русски")
    deadline: date | None = strawberry.field(
        description="Срок внедрения, установленный регионом (нет — не установлен)"
    )
    measured_on: date = strawberry.field(
        description="День, на который считаются внедрившие: срок внедрения или отчётная дата"
    )
    organisations: int = strawberry.field(
        description="Организации области (или муниципалитета), открытые на этот день"
    )
    introduced: int = strawberry.field(
        description="Из них внедрили рамку к этому дню: программа рамки дошла до этапа 2"
    )
    share: float | None = strawberry.field(
        description="Доля внедривших к сроку, % (нет организаций — нет доли)"
    )
    not_introduced: list[str] = strawberry.field(
        description="Организации, не внедрившие рамку к этому дню, по названию"
    )


def _introduction(
    frame: Frame, deadline: date | None, day: date, organisations: list[Organisation]
) -> FrameIntroduction:
    definition, measured_on = FRAMES[frame], deadline or day
    open_ones = [o for o in organisations if o.open_on(measured_on)]
    introduced = [o for o in open_ones if o.introduced_by(frame, measured_on)]
    basis = definition.basis
    return FrameIntroduction(
        frame=str(frame),
        name=definition.name,
        heading=definition.heading,
        basis=f"{basis.kind} {basis.issuer} от {basis.on:%d.%m.%Y} № {basis.number}",
        forms=[FORM_NAMES[form] for form in definition.forms],
        deadline=deadline,
        measured_on=measured_on,
        organisations=len(open_ones),
        introduced=len(introduced),
        share=round(100 * len(introduced) / len(open_ones), 1) if open_ones else None,
        not_introduced=[o.name for o in open_ones if not o.introduced_by(frame, measured_on)],
    )


@strawberry.type(description="Each frame of mentoring in a scope, apart.")
class FrameIntroductions:
    organisation: ScopeOrganisation = strawberry.field(
        description="Организация, чьи организации считаются: регион, муниципалитет или школа"
    )
    reference_date: date = strawberry.field(
        description="Отчётная дата: на неё считается рамка без срока внедрения"
    )
    frames: list[FrameIntroduction] = strawberry.field(
        description="Каждая рамка порознь: целевая модель обучающихся, затем система педагогов"
    )


async def frame_introduction(
    info: ReaderInfo, organisation_id: OrganisationId = None, on: On = None
) -> FrameIntroductions:
    """Рамки наставничества порознь: срок внедрения каждой, установленный регионом, и сколько
    организаций области (муниципалитета) внедрили её к сроку."""
    reader = reader_of(info)
    organisation = await _scope_organisation(reader, organisation_id)
    path = str(organisation["tenant"])
    day = on or region_today()
    async with reader.session() as fetch:
        deadlines = {
            r["frame"]: r["deadline"]
            for r in await fetch(
                "SELECT frame, deadline FROM frame_deadlines WHERE tenant = $1::ltree",
                region_of(path),
            )
        }
        introduced: dict[object, dict[str, date]] = {}
        for r in await fetch(INTRODUCED, path):
            introduced.setdefault(r["school_id"], {})[r["frame"]] = r["since"]
        organisations = [
            Organisation(r["name"], r["closed_on"], introduced.get(r["id"], {}))
            for r in await fetch(ORGANISATIONS, path)
        ]
    return FrameIntroductions(
        organisation=_scope_of(organisation),
        reference_date=day,
        frames=[
            _introduction(frame, deadlines.get(str(frame)), day, organisations) for frame in Frame
        ],
    )
