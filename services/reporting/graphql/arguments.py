"""The arguments many queries share, each described once (the schema's readers see these words
on every field that takes them)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

On = Annotated[
    date | None,
    strawberry.argument(
        description="The day to judge on (на дату), as YYYY-MM-DD; today if not given."
    ),
]
ProgrammeId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The mentoring programme's id (программа наставничества)."),
]
SchoolId = Annotated[strawberry.ID, strawberry.argument(description="The school's id (школа).")]
SchoolYear = Annotated[
    str, strawberry.argument(description="The school year (учебный год), as `2025/26`.")
]
OptionalSchoolYear = Annotated[
    str | None,
    strawberry.argument(description="Only this school year (учебный год), as `2025/26`."),
]
OrganisationId = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Only for this organisation (организация) of the caller's scope; "
        "the caller's own scope if not given."
    ),
]
MunicipalityId = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Only the schools of this municipality (муниципалитет); "
        "all of the caller's scope if not given."
    ),
]
OneOrganisation = Annotated[
    strawberry.ID, strawberry.argument(description="The organisation's id (организация).")
]
Id = Annotated[strawberry.ID, strawberry.argument(description="The object's id.")]
