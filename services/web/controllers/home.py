"""The first page: for a school, what needs attention, each item linked to where it is fixed;
for the other roles, who they are (their own pages — comparison of schools, indicators, the
auditor's timeline — come next, built on this one)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.response import Template

from ..backend import Backend, Untyped, nodes
from ..pages import page
from ..reads import Programme
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


class HomeController(Controller):
    @get("/")
    async def home(self, user: WebUser, backend: Backend) -> Template:
        if user.school_id is None:
            me = (await backend.query(user.token, ME, Untyped))["me"]
            return page("home.html", user, me=me)
        programme = await current_programme(backend, user)
        return page(
            "school/attention.html",
            user,
            programme=programme,
            due=await attention(backend, user, programme) if programme else None,
        )


async def attention(backend: Backend, user: WebUser, programme: Programme) -> dict[str, Any]:
    data = await backend.query(
        user.token, ATTENTION, Untyped, school=str(user.school_id), programme=programme.id
    )
    roadmap = data["roadmap"] or {"items": []}
    return {
        "lagging": nodes(data["laggingPairs"]),
        "overdue": [item for item in roadmap["items"] if item["overdue"]],
        **data["attention"],
    }
