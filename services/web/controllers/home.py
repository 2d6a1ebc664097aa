"""The first page: for a school, what needs attention, each item linked to where it is fixed;
for the municipality, the institute and the region, their schools' figures for the school year
and the schools that need them (not started, lagging pairs, self-audit gaps); for the auditor,
the programmes of the year whose history they read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from shared.kernel.principal import Role

from ..backend import Backend, nodes
from ..pages import page
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
    consentProblems { personId fullName isMentee missing expiresOn }
    unmatchedMentees { personId fullName }
    surveysDue { pairId respondentId fullName purposeName }
  }
}
"""


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


class HomeController(Controller):
    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str = ""
    ) -> Template:
        if user.principal.role in OVERSEERS:
            return await overseer_home(request, user, backend, year)
        if user.principal.role == Role.AUDITOR:
            years = await school_years(request, backend, user, year or None)
            found = await backend.query(user.token, PROGRAMMES, year=years.chosen)
            count = found["programmes"]["totalCount"]
            return page("home_auditor.html", user, years=years, programmes=count)
        if user.school_id is None:
            me = (await backend.query(user.token, ME))["me"]
            return page("home.html", user, me=me)
        programme = await current_programme(backend, user)
        return page(
            "school/attention.html",
            user,
            programme=programme,
            due=await attention(backend, user, programme) if programme else None,
        )


async def attention(backend: Backend, user: WebUser, programme: dict[str, Any]) -> dict[str, Any]:
    data = await backend.query(
        user.token, ATTENTION, school=str(user.school_id), programme=programme["id"]
    )
    roadmap = data["roadmap"] or {"items": []}
    return {
        "lagging": nodes(data["laggingPairs"]),
        "overdue": [item for item in roadmap["items"] if item["overdue"]],
        **data["attention"],
    }


async def overseer_home(
    request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str
) -> Template:
    """The schools in scope summed up, and the ones that need attention, each linked."""
    years = await school_years(request, backend, user, year or None)
    schools: list[dict[str, Any]] = []
    after = None
    while True:  # every school of the scope: a region has more than a page of them
        found = (await backend.query(user.token, SCHOOLS, year=years.chosen, after=after))[
            "schoolComparison"
        ]
        schools += nodes(found)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    totals = {
        k: sum(s[k] for s in schools) for k in ("mentees", "mentors", "pairs", "laggingPairs")
    }
    return page(
        "home_oversight.html",
        user,
        years=years,
        schools=len(schools),
        totals=totals,
        not_started=[s for s in schools if not s["programmes"]],
        lagging=[s for s in schools if s["laggingPairs"]],
        gaps=[s for s in schools if s["schoolsWithGaps"]],
    )
