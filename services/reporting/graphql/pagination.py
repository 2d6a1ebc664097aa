"""Cursor connections: every list pages by an opaque cursor over a stable order."""

from __future__ import annotations

import base64
from typing import Annotated, Generic, TypeVar
from uuid import UUID

import strawberry

from shared.kernel.errors import InvalidInput

MAX_PAGE = 200
Node = TypeVar("Node")


@strawberry.type(description="Where a page stands in its list (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor: pass it as `after` for the next page."
    )
    has_previous_page: bool = strawberry.field(
        description="Items come before this page (the page was asked `after` a cursor)."
    )
    start_cursor: str | None = strawberry.field(description="The first item's cursor.")


# The paging arguments every list takes (Relay's forward pagination).
First = Annotated[
    int, strawberry.argument(description=f"How many items the page holds: 1 to {MAX_PAGE}.")
]
After = Annotated[
    str | None,
    strawberry.argument(description="The page starts after the item of this cursor (`endCursor`)."),
]


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[Node]):
    cursor: str = strawberry.field(description="Where this item stands: pass it as `after`.")
    node: Node = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list in a stable order (a Relay connection).")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(description="The page's items, in order.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the list.")
    total_count: int = strawberry.field(description="How many items the whole list has.")


def encode_cursor(value: UUID | int) -> str:
    """A row's id, or its position in a stream (lists in event order)."""
    raw = value.bytes if isinstance(value, UUID) else value.to_bytes(8, "big")
    return base64.urlsafe_b64encode(raw).decode()


def decode_key(cursor: str) -> UUID | int:
    try:
        raw = base64.urlsafe_b64decode(cursor)
    except ValueError:
        raise _bad_cursor() from None
    if len(raw) == 16:
        return UUID(bytes=raw)
    if len(raw) == 8:
        return int.from_bytes(raw, "big")
    raise _bad_cursor()


def decode_cursor(cursor: str | None) -> UUID:
    key = UUID(int=0) if cursor is None else decode_key(cursor)
    if not isinstance(key, UUID):
        raise _bad_cursor()
    return key


def decode_position(cursor: str | None) -> int:
    key = 0 if cursor is None else decode_key(cursor)
    if not isinstance(key, int):
        raise _bad_cursor()
    return key


def _bad_cursor() -> InvalidInput:
    return InvalidInput("bad_cursor", "Неверный курсор страницы")


def page_size(first: int) -> int:
    """A page of 1 to MAX_PAGE items; another size is refused, not bent to the nearest edge
    (a client asking for 0 or 500 would otherwise get a page it did not ask for)."""
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(
            "bad_page_size", f"Поле first: страница — от 1 до {MAX_PAGE} записей", field="first"
        )
    return first


def connection(
    nodes: list[tuple[UUID, Node]] | list[tuple[int, Node]],
    size: int,
    total: int,
    after: str | None,
) -> Connection[Node]:
    """Build a page from up to `size + 1` (id, node) pairs: the extra one says there is more;
    a page asked `after` a cursor has at least that cursor's item before it."""
    edges = [Edge(cursor=encode_cursor(key), node=node) for key, node in nodes[:size]]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(nodes) > size,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
        ),
        total_count=total,
    )


def paginate(
    items: list[tuple[UUID, Node]] | list[tuple[int, Node]], first: int, after: str | None
) -> Connection[Node]:
    """A page of a list already read whole and in its order (short lists: a school's
    programmes, the region's organisations), from just after the item the cursor names."""
    size = page_size(first)
    start = 0
    if after is not None:
        key = decode_key(after)
        start = next((i + 1 for i, (k, _) in enumerate(items) if k == key), len(items))
    return connection(items[start : start + size + 1], size, len(items), after)
