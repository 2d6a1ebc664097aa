"""What the programs controllers share: the application and the shapes of small inputs."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.datastructures import State

from ..application import Programs

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Text = Annotated[str, msgspec.Meta(max_length=4000)]
Goals = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]], msgspec.Meta(max_length=20)
]
OrderNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Rating = Annotated[int, msgspec.Meta(ge=1, le=10)]


def programs_of(state: State) -> Programs:
    programs: Programs = state.programs
    return programs
