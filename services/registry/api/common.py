"""What the registry's controllers share: payload field types and the application."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.datastructures import State

from services.registry.application import Registry

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


def registry_of(state: State) -> Registry:
    registry: Registry = state.registry
    return registry
