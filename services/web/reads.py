"""What the pages read from reporting's GraphQL, typed: each Struct declares exactly the fields
its query selects (tests/test_web_client.py checks both against the schema).

Attributes keep the schema's camelCase names, so that the templates read a Struct as they read the
JSON. Dates and times stay ISO strings, as GraphQL sends them and the templates format them."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")
Date = str  # «2026-03-12»
DateTime = str  # «2026-03-12T09:30:00+00:00»


class Read(msgspec.Struct):
    """A GraphQL object as one query selects it."""


class PageInfo(Read):
    hasNextPage: bool
    endCursor: str | None


class Edge(Read, Generic[T]):
    node: T


class Connection(Read, Generic[T]):
    """A page of a list: its items, and whether more follow."""

    edges: list[Edge[T]]
    totalCount: int = 0
    pageInfo: PageInfo = msgspec.field(default_factory=lambda: PageInfo(False, None))

    @property
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @property
    def next_cursor(self) -> str | None:
        return self.pageInfo.endCursor if self.pageInfo.hasNextPage else None


class Programme(Read):
    """A school's programme as the school's pages show it."""

    id: str
    title: str
    schoolYear: str
    frame: str
    frameName: str
    stage: int
    stageName: str
    stageSince: Date | None
    forms: list[str]
    meetingEveryDays: int
    startsOn: Date | None
    endsOn: Date | None
    goals: list[str]
    schoolId: str


class ProgrammeStage(Read):
    """A programme named with its stage, as the lists above a school show it."""

    id: str
    title: str
    stage: int
    stageName: str


class IndicatorValue(Read):
    """An indicator of the target model for an organisation: its value against the target;
    a satisfaction indicator's ratings by who gave them (the participants themselves, or staff
    for them)."""

    code: str
    name: str
    unitName: str
    value: float | None
    target: float | None
    met: bool | None
    note: str | None
    numerator: int | None
    denominator: int | None
    participantRatings: int | None
    participantMean: float | None
    staffRatings: int | None
    staffMean: float | None


# What every page's query selects of an indicator (`IndicatorValue`).
INDICATOR_FIELDS = (
    "code name unitName value target met note numerator denominator"
    " participantRatings participantMean staffRatings staffMean"
)


FRAME_INTRODUCTION = """
query { frameIntroduction {
  frames { frame name deadline measuredOn organisations introduced share notIntroduced }
} }
"""


class FrameIntroduction(Read):
    """A frame of mentoring in the caller's scope: the region's deadline and who introduced
    it by then."""

    frame: str
    name: str
    deadline: Date | None
    measuredOn: Date
    organisations: int
    introduced: int
    share: float | None
    notIntroduced: list[str]


class FrameIntroductions(Read):
    frames: list[FrameIntroduction]


class Frames(Read):
    frameIntroduction: FrameIntroductions
