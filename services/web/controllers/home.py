"""The first page: for a school, what needs attention, each item linked to where it is fixed;
for the other roles, who they are (their own pages — comparison of schools, indicators, the
auditor's timeline — come next, built on this one)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.response import Template

from ..backend import Backend
from ..pages import page
from ..reads import Connection, Date, Programme, Read
from ..session import WebUser
from .common import current_programme

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
    consentProblems { personId fullName isMentee missing expiresOn }
    unmatchedMentees { personId fullName }
    surveysDue { pairId respondentId fullName purposeName }
  }
}
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
    dueOn: Date
    overdue: bool
    stageName: str


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


class Attention(Read):
    meetingsWithoutFeedback: list[FeedbackGap]
    consentProblems: list[ConsentProblem]
    unmatchedMentees: list[Unmatched]
    surveysDue: list[SurveyDue]


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

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__struct_fields__)


class HomeController(Controller):
    @get("/")
    async def home(self, user: WebUser, backend: Backend) -> Template:
        if user.school_id is None:
            me = (await backend.query(user.token, ME, Me)).me
            return page("home.html", user, me=me)
        programme = await current_programme(backend, user)
        return page(
            "school/attention.html",
            user,
            programme=programme,
            due=await attention(backend, user, programme) if programme else None,
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
    )
