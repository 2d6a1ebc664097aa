"""The first page: for a school, what needs attention, each item linked to where it is fixed;
for the municipality, the institute and the region, their schools' figures for the school year
and the schools that need them (not started, lagging pairs, self-audit gaps); for the auditor,
the programmes of the year whose history they read."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from shared.adapters.settings import region_today
from shared.kernel.principal import PARTICIPANTS, Role

from ..backend import Backend
from ..pages import page
from ..reads import FRAME_INTRODUCTION, Connection, Date, Frames, Programme, Read
from ..session import WebUser
from .common import current_programme
from .oversight import OVERSEERS, school_years

ME = "query { me { role scope level } }"
ATTENTION = """
query($school: ID!, $programme: ID!) {
  laggingPairs(programmeId: $programme, first: 200) { edges { node {
    pair { id mentor { fullName } mentee { fullName } }
    lastMeetingOn daysWithoutMeeting meetingEveryDays
  } } }
  roadmap(schoolId: $school) { overdueCount items { id activity dueOn overdue stageName } }
  attention(schoolId: $school, programmeId: $programme) {
    meetingsWithoutFeedback { meetingId pairId heldOn kind mentorName menteeName
                              mentorMissing menteeMissing }
    meetingsWithoutParticipantsOwnFeedback
    ratingsBySource { side byParticipant ratings mean }
    consentProblems { personId fullName isMentee missing expiresOn }
    unmatchedMentees { personId fullName }
    surveysDue { pairId respondentId fullName purposeName }
  }
}
"""


OPEN_CAMPAIGNS = """
query($school: ID!, $on: Date!) { campaigns(organisationId: $school, openOn: $on) {
  id title windowTo submissions { status statusName }
} }
"""


class Caller(Read):
    role: str
    scope: str
    level: str


class Me(Read):
    me: Caller


class Person(Read):
    fullName: str


class LaggingPairOf(Read):
    id: str
    mentor: Person | None
    mentee: Person | None


class LaggingPair(Read):
    pair: LaggingPairOf
    lastMeetingOn: Date | None
    daysWithoutMeeting: int
    meetingEveryDays: int


class OverdueItem(Read):
    id: str
    activity: str
    dueOn: Date | None  # an overdue activity's is always named
    overdue: bool
    stageName: str | None


class Overdue(Read):
    overdueCount: int
    items: list[OverdueItem]


class FeedbackGap(Read):
    meetingId: str
    pairId: str
    heldOn: Date
    kind: str
    mentorName: str | None
    menteeName: str | None
    mentorMissing: bool
    menteeMissing: bool


class ConsentProblem(Read):
    personId: str
    fullName: str
    isMentee: bool
    missing: bool
    expiresOn: Date | None


class Unmatched(Read):
    personId: str
    fullName: str


class SurveyDue(Read):
    pairId: str
    respondentId: str
    fullName: str
    purposeName: str


class RatingSource(Read):
    side: str
    byParticipant: bool
    ratings: int
    mean: float


class Attention(Read):
    meetingsWithoutFeedback: list[FeedbackGap]
    meetingsWithoutParticipantsOwnFeedback: int
    ratingsBySource: list[RatingSource]
    consentProblems: list[ConsentProblem]
    unmatchedMentees: list[Unmatched]
    surveysDue: list[SurveyDue]


class OpenSubmission(Read):
    status: str
    statusName: str


class OpenCampaign(Read):
    id: str
    title: str
    windowTo: Date
    submissions: list[OpenSubmission]


class OpenCampaigns(Read):
    campaigns: list[OpenCampaign]


async def open_campaigns(backend: Backend, user: WebUser, today: date) -> list[OpenCampaign]:
    """The monitoring campaigns whose window is open for the user's school on `today`."""
    found = await backend.query(
        user.token, OPEN_CAMPAIGNS, OpenCampaigns, school=str(user.school_id), on=str(today)
    )
    return found.campaigns


class AttentionPage(Read):
    laggingPairs: Connection[LaggingPair]
    roadmap: Overdue | None
    attention: Attention


class Due(msgspec.Struct):
    """What needs the school's attention, each list linked to where it is fixed."""

    lagging: list[LaggingPair]
    overdue: list[OverdueItem]
    meetingsWithoutFeedback: list[FeedbackGap]
    consentProblems: list[ConsentProblem]
    unmatchedMentees: list[Unmatched]
    surveysDue: list[SurveyDue]
    # Whose word the meeting ratings are: shown beside, never counted as something due.
    ratingsBySource: list[RatingSource] = []
    withoutOwnFeedback: int = 0

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__struct_fields__[:6])


SCHOOLS = """
query($year: String!, $after: String) {
  schoolComparison(schoolYear: $year, first: 200, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { organisation { id name } mentees mentors pairs laggingPairs
                   schoolsWithGaps programmes { id } } }
  }
}
"""
PROGRAMMES = """
query($year: String!) { programmes(schoolYear: $year, first: 1) { totalCount } }
"""


class Named(Read):
    id: str
    name: str


class Id(Read):
    id: str


class SchoolTotals(Read):
    organisation: Named
    mentees: int
    mentors: int
    pairs: int
    laggingPairs: int
    schoolsWithGaps: int
    programmes: list[Id]


class Schools(Read):
    schoolComparison: Connection[SchoolTotals]


EVENT_COUNTS = """
query($year: String) { schoolEventCounts(schoolYear: $year) { kindName events schools } }
"""


class EventCount(Read):
    kindName: str
    events: int
    schools: int


class EventCounts(Read):
    schoolEventCounts: list[EventCount]


class Count(Read):
    totalCount: int


class YearProgrammes(Read):
    programmes: Count


class HomeController(Controller):
    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str = ""
    ) -> Template | Redirect:
        if user.principal.role in PARTICIPANTS:
            return Redirect(path="/my", status_code=303)
        if user.principal.role in OVERSEERS:
            return await overseer_home(request, user, backend, year)
        if user.principal.role == Role.AUDITOR:
            years = await school_years(request, backend, user, year or None)
            found = await backend.query(user.token, PROGRAMMES, YearProgrammes, year=years.chosen)
            count = found.programmes.totalCount
            return page("home_auditor.html", user, years=years, programmes=count)
        if user.school_id is None:
            me = (await backend.query(user.token, ME, Me)).me
            return page("home.html", user, me=me)
        programme = await current_programme(backend, user)
        return page(
            "school/attention.html",
            user,
            programme=programme,
            due=await attention(backend, user, programme) if programme else None,
            campaigns=await open_campaigns(backend, user, region_today()),
        )


async def attention(backend: Backend, user: WebUser, programme: Programme) -> Due:
    data = await backend.query(
        user.token, ATTENTION, AttentionPage, school=str(user.school_id), programme=programme.id
    )
    found = data.attention
    return Due(
        lagging=data.laggingPairs.nodes,
        overdue=[item for item in data.roadmap.items if item.overdue] if data.roadmap else [],
        meetingsWithoutFeedback=found.meetingsWithoutFeedback,
        consentProblems=found.consentProblems,
        unmatchedMentees=found.unmatchedMentees,
        surveysDue=found.surveysDue,
        ratingsBySource=found.ratingsBySource,
        withoutOwnFeedback=found.meetingsWithoutParticipantsOwnFeedback,
    )


async def overseer_home(
    request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str
) -> Template:
    """The schools in scope summed up, and the ones that need attention, each linked."""
    years = await school_years(request, backend, user, year or None)
    schools: list[SchoolTotals] = []
    after = None
    while True:  # every school of the scope: a region has more than a page of them
        found = (
            await backend.query(user.token, SCHOOLS, Schools, year=years.chosen, after=after)
        ).schoolComparison
        schools += found.nodes
        after = found.next_cursor
        if after is None:
            break
    totals = {
        k: sum(getattr(s, k) for s in schools)
        for k in ("mentees", "mentors", "pairs", "laggingPairs")
    }
    frames = await backend.query(user.token, FRAME_INTRODUCTION, Frames)
    return page(
        "home_oversight.html",
        user,
        years=years,
        frames=frames.frameIntroduction.frames,
        schools=len(schools),
        totals=totals,
        not_started=[s for s in schools if not s.programmes],
        lagging=[s for s in schools if s.laggingPairs],
        gaps=[s for s in schools if s.schoolsWithGaps],
        events=(
            await backend.query(user.token, EVENT_COUNTS, EventCounts, year=years.chosen)
        ).schoolEventCounts,
    )
