"""Every problem of a refused payload at once. msgspec stops at the first field that does not fit,
so a form with four mistakes would need four tries; this walks the payload field by field
(nested objects and lists of objects too) and names each field that does not fit its type."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec


def every_problem(raw: Any, target: Any, path: str = "") -> list[dict[str, str | None]]:
    """The fields of `raw` that do not convert to `target`, by path (`tasks[1].due_on`), with
    msgspec's words for each; empty when `raw` fits."""
    try:
        msgspec.convert(raw, target)
    except msgspec.ValidationError as error:
        whole = [{"field": path or None, "problem": str(error)}]
    else:
        return []
    struct = _struct_in(target)
    if struct is not None and isinstance(raw, dict):
        return _struct_problems(raw, struct, path) or whole
    item = _list_item(target)
    if item is not None and isinstance(raw, list):
        found = [
            p for i, value in enumerate(raw) for p in every_problem(value, item, f"{path}[{i}]")
        ]
        return found or whole
    return whole


def _struct_problems(raw: dict[str, Any], struct: type, path: str) -> list[dict[str, str | None]]:
    problems: list[dict[str, str | None]] = []
    for field in msgspec.structs.fields(struct):
        where = f"{path}.{field.encode_name}" if path else field.encode_name
        if field.encode_name in raw:
            problems += every_problem(raw[field.encode_name], field.type, where)
        elif field.required:
            problems.append(
                {"field": where, "problem": f"Object missing required field `{field.encode_name}`"}
            )
    return problems


def _unwrapped(target: Any) -> list[Any]:
    """The types a field may hold: Annotated and unions (`X | None`) opened."""
    if get_origin(target) is Annotated:
        return _unwrapped(get_args(target)[0])
    if get_origin(target) in (Union, types.UnionType):
        return [t for arg in get_args(target) for t in _unwrapped(arg)]
    return [target]


def _struct_in(target: Any) -> type | None:
    return next(
        (t for t in _unwrapped(target) if isinstance(t, type) and issubclass(t, msgspec.Struct)),
        None,
    )


def _list_item(target: Any) -> Any:
    lists = [t for t in _unwrapped(target) if get_origin(t) is list]
    return get_args(lists[0])[0] if lists else None
