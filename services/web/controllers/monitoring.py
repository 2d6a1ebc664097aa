"""The municipality's and the institute's pages: every school of their scope side by side, a
school's aggregates, the self-audit checklist with reviews, and the institute's regional base
of mentors and training. Counts and shares only above the school: no child's name here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.registry.labels import group_name
from shared.indicators import SELF_AUDIT_ITEMS
from shared.kernel.principal import Role

from ..backend import Backend, Refused
from ..commands import SelfAuditReview
from ..pages import page
from ..reads import (
    INDICATOR_FIELDS,
    Connection,
    Date,
    DateTime,
    IndicatorValue,
    ProgrammeStage,
    Read,
)
from ..session import WebUser
from .oversight import (
    OVERSEERS,
    REGISTER_KEEPERS,
    REVIEWERS,
    allow,
    query_string,
    school_years,
)

PAGE_SIZE = 25
# Columns a person may sort by: the URL's word → reporting's ComparisonOrder.
SORTS = {
    "name": "NAME",
    "coverage": "COVERAGE",
    "roadmap": "ROADMAP_COMPLETION",
    "pairs": "PAIRS",
    "lagging": "LAGGING_PAIRS",
    "satisfaction": "MENTEE_SATISFACTION",
    "gaps": "SCHOOLS_WITH_GAPS",
}
ROW = """
organisation { id name path educationKind } coverage mentees mentors pairs laggingPairs
menteeSatisfaction mentorSatisfaction roadmapCompletion schoolsWithGaps schools
programmes { id title stage stageName }
"""
COMPARISON = f"""
query($year: String!, $municipality: ID, $order: ComparisonOrder!, $desc: Boolean!,
      $filter: ComparisonFilter, $first: Int!, $after: String) {{
  schoolComparison(schoolYear: $year, municipalityId: $municipality, orderBy: $order,
                   descending: $desc, filter: $filter, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {ROW} }} }}
  }}
}}
"""
# The groups of schools a region's person may narrow the comparison to: each municipality, and
# the region's own node of the organisations it founds (named by its kind).
MUNICIPALITIES = """
query {
  municipalities: organisations(kind: "municipality", first: 200) { edges { node { id name } } }
  regional: organisations(kind: "regional", first: 200) { edges { node { id name } } }
}
"""
OVERVIEW = f"""
query($school: ID!, $year: String!) {{
  schoolOverview(schoolId: $school, schoolYear: $year) {{
    summary {{ {ROW} indicators {{ {INDICATOR_FIELDS} }} }}
    roadmap {{ orderNumber orderDate regulationTitle regulationVersion monitoringWindow
              completion overdueCount
              items {{ number stage stageName activity deadline dueOn statusName overdue
                       controlPoint }} }}
    surveys {{ programme {{ title stageName }}
              results {{ title version purpose responses questions {{ text responses mean }} }} }}
  }}
}}
"""
AUDITS = """
query($year: String!, $organisation: ID, $gaps: Boolean, $first: Int!, $after: String) {
  selfAudits(schoolYear: $year, municipalityId: $organisation, withGaps: $gaps, first: $first,
             after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { schoolId schoolName pageUrl gaps
      items { number text achieved evidence reviewAchieved recommendation verdict gap
              history { action achieved text actorRole at } } } }
  }
}
"""
REGISTER = """
query($search: String, $first: Int!, $after: String) {
  regionalRegister(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { fullName kind position schoolName orderNumber orderDate schoolYear
                   courses { course hours completedOn certificate } } }
  }
  trainingCourses(first: 200) { edges { node {
    name hours provider startsOn endsOn completedBy } } }
}
"""
TRI_STATE = {"yes": True, "no": False}


class Organisation(Read):
    id: str
    name: str
    path: str
    educationKind: str | None  # a school, a kindergarten, …; none for a municipality


class ComparisonRow(Read):
    """A school (or a municipality) in the comparison: coverage, pairs, satisfaction, gaps."""

    organisation: Organisation
    coverage: float | None
    mentees: int
    mentors: int
    pairs: int
    laggingPairs: int
    menteeSatisfaction: float | None
    mentorSatisfaction: float | None
    roadmapCompletion: float | None
    schoolsWithGaps: int
    schools: int
    programmes: list[ProgrammeStage]


class Comparison(Read):
    schoolComparison: Connection[ComparisonRow]


class Named(Read):
    id: str
    name: str


class Municipalities(Read):
    municipalities: Connection[Named]
    regional: Connection[Named]

    @property
    def choices(self) -> list[Named]:
        own = [Named(id=n.id, name=group_name("regional", n.name)) for n in self.regional.nodes]
        return self.municipalities.nodes + own


class Summary(ComparisonRow):
    indicators: list[IndicatorValue]


class OverviewItem(Read):
    number: str
    stage: int | None
    stageName: str | None
    activity: str
    deadline: str
    dueOn: Date | None
    statusName: str
    overdue: bool
    controlPoint: bool


class OverviewRoadmap(Read):
    orderNumber: str
    orderDate: Date
    regulationTitle: str | None
    regulationVersion: str | None
    monitoringWindow: str | None
    completion: int
    overdueCount: int
    items: list[OverviewItem]


class ProgrammeTitle(Read):
    title: str
    stageName: str


class QuestionMean(Read):
    text: str
    responses: int
    mean: float | None


class SurveyResult(Read):
    title: str
    version: int
    purpose: str
    responses: int
    questions: list[QuestionMean]


class ProgrammeSurveys(Read):
    programme: ProgrammeTitle
    results: list[SurveyResult]


class Overview(Read):
    """A school's aggregates: indicators, roadmap, survey means — no names."""

    summary: Summary
    roadmap: OverviewRoadmap | None
    surveys: list[ProgrammeSurveys]


class SchoolOverview(Read):
    schoolOverview: Overview


class AuditEntry(Read):
    action: str
    achieved: bool | None
    text: str | None
    actorRole: str
    at: DateTime


class AuditItem(Read):
    number: int
    text: str
    achieved: bool | None
    evidence: str | None
    reviewAchieved: bool | None
    recommendation: str | None
    verdict: bool | None
    gap: bool
    history: list[AuditEntry]


class SchoolAudit(Read):
    """A school's self-audit checklist with the reviews of its items."""

    schoolId: str
    schoolName: str
    pageUrl: str | None
    gaps: list[int]
    items: list[AuditItem]


class Audits(Read):
    selfAudits: Connection[SchoolAudit]


class Course(Read):
    course: str
    hours: int
    completedOn: Date
    certificate: str


class RegisteredMentor(Read):
    fullName: str
    kind: str
    position: str | None
    schoolName: str | None
    orderNumber: str | None
    orderDate: Date | None
    schoolYear: str | None
    courses: list[Course]


class TrainingCourse(Read):
    name: str
    hours: int
    provider: str
    startsOn: Date
    endsOn: Date
    completedBy: int


class Register(Read):
    regionalRegister: Connection[RegisteredMentor]
    trainingCourses: Connection[TrainingCourse]


@dataclass
class Filters:
    """The comparison's filter form: values as typed, Russian messages beside bad ones."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def percent(self, name: str) -> float | None:
        raw = self.values.get(name, "").replace(",", ".")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = "Укажите число от 0 до 100"
            return None
        if not 0 <= value <= 100:
            self.errors[name] = "Укажите число от 0 до 100"
            return None
        return value

    def for_query(self) -> dict[str, Any] | None:
        """Reporting's ComparisonFilter; a bad bound is left out (and said beside its field)."""
        low, high = self.percent("min_coverage"), self.percent("max_coverage")
        if low is not None and high is not None and low > high:
            self.errors["max_coverage"] = "Верхняя граница меньше нижней"
            high = None
        where: dict[str, Any] = {
            "search": self.values.get("q") or None,
            "minCoverage": low,
            "maxCoverage": high,
            "minRoadmapCompletion": self.percent("min_roadmap"),
            "hasLaggingPairs": TRI_STATE.get(self.values.get("lagging", "")),
            "withSelfAuditGaps": TRI_STATE.get(self.values.get("gaps", "")),
        }
        present = {k: v for k, v in where.items() if v is not None}
        return present or None


FILTER_FIELDS = ("q", "min_coverage", "max_coverage", "min_roadmap", "lagging", "gaps")


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(UUID(value)) if value else None
    except ValueError:
        return None


class MonitoringController(Controller):
    path = "/monitoring"

    @get("/schools")
    async def comparison(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        year: str | None = None,
        municipality: str | None = None,
        sort: str = "name",
        desc: bool = False,
        after: str | None = None,
    ) -> Template:
        allow(user, OVERSEERS)
        years = await school_years(request, backend, user, year)
        filters = Filters({k: request.query_params.get(k, "").strip() for k in FILTER_FIELDS})
        sort = sort if sort in SORTS else "name"
        chosen = _uuid_or_none(municipality)
        data = await backend.query(
            user.token,
            COMPARISON,
            Comparison,
            year=years.chosen,
            municipality=chosen,
            order=SORTS[sort],
            desc=desc,
            filter=filters.for_query(),
            first=PAGE_SIZE,
            after=after or None,
        )
        municipalities = []
        if user.principal.role != Role.MUNICIPALITY_OFFICER:
            found = await backend.query(user.token, MUNICIPALITIES, Municipalities)
            municipalities = found.choices
        params = {**filters.values, "year": years.chosen, "municipality": chosen}
        return page(
            "monitoring/comparison.html",
            user,
            status_code=400 if filters.errors else 200,
            years=years,
            filters=filters,
            municipality=chosen,
            municipalities=municipalities,
            sort=sort,
            desc=desc,
            params=params,
            sort_params={**params, "sort": sort, "desc": int(desc)},
            query_string=query_string,
            comparison=data.schoolComparison,
            first_page=after is None,
        )

    @get("/schools/{school_id:uuid}")
    async def school(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        school_id: UUID,
        year: str | None = None,
    ) -> Template:
        allow(user, OVERSEERS)
        years = await school_years(request, backend, user, year)
        data = await backend.query(
            user.token, OVERVIEW, SchoolOverview, school=str(school_id), year=years.chosen
        )
        return page(
            "monitoring/school.html",
            user,
            years=years,
            school_id=school_id,
            overview=data.schoolOverview,
        )

    @get("/self-audits")
    async def self_audits(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        year: str | None = None,
        gaps: str = "",
        after: str | None = None,
    ) -> Template:
        allow(user, OVERSEERS)
        years = await school_years(request, backend, user, year)
        data = await backend.query(
            user.token,
            AUDITS,
            Audits,
            year=years.chosen,
            organisation=None,
            gaps=TRI_STATE.get(gaps),
            first=PAGE_SIZE,
            after=after or None,
        )
        params = {"year": years.chosen, "gaps": gaps}
        return page(
            "monitoring/self_audits.html",
            user,
            years=years,
            gaps=gaps,
            audits=data.selfAudits,
            params=params,
            query_string=query_string,
            items=SELF_AUDIT_ITEMS,
            first_page=after is None,
        )

    @get("/self-audits/{school_id:uuid}")
    async def self_audit(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        school_id: UUID,
        year: str | None = None,
        saved: int | None = None,
    ) -> Template:
        allow(user, OVERSEERS)
        years = await school_years(request, backend, user, year)
        return await self._checklist(user, backend, school_id, years.chosen, Review(), saved)

    @post("/self-audits/{school_id:uuid}/reviews")
    async def review(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        school_id: UUID,
    ) -> Template | Redirect:
        allow(user, REVIEWERS)
        form = await request.form()
        review = Review({k: str(form.get(k, "")).strip() for k in Review.FIELDS})
        year = review.values["year"]
        body = review.command()
        if body is not None:
            try:
                await backend.command(
                    user.token, "registry", f"/schools/{school_id}/self-audit/reviews", body
                )
            except Refused as refusal:
                if refusal.status not in (400, 422):
                    raise
                review.refused(refusal)
            else:
                item = body.item
                path = f"/monitoring/self-audits/{school_id}?year={year}&saved={item}#item-{item}"
                return Redirect(path=path, status_code=303)  # ASCII only: kept as is, with #
        return await self._checklist(user, backend, school_id, year, review, status=400)

    async def _checklist(
        self,
        user: WebUser,
        backend: Backend,
        school_id: UUID,
        year: str,
        review: Review,
        saved: int | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            "monitoring/self_audit.html",
            user,
            status_code=status,
            year=year,
            audit=await school_self_audit(backend, user, school_id, year),
            review=review,
            saved=saved,
            can_review=user.principal.role in REVIEWERS,
        )

    @get("/register")
    async def register(
        self,
        user: WebUser,
        backend: Backend,
        q: str = "",
        after: str | None = None,
    ) -> Template:
        allow(user, REGISTER_KEEPERS)
        data = await backend.query(
            user.token,
            REGISTER,
            Register,
            search=q.strip() or None,
            first=PAGE_SIZE,
            after=after or None,
        )
        return page(
            "monitoring/register.html",
            user,
            q=q,
            register=data.regionalRegister,
            courses=data.trainingCourses.nodes,
            query_string=query_string,
            first_page=after is None,
        )


@dataclass
class Review:
    """A reviewer's verdict on one item with a recommendation, as typed."""

    FIELDS = ("year", "item", "achieved", "recommendation")
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def item(self) -> int | None:
        raw = self.values.get("item", "")
        return int(raw) if raw.isdigit() else None

    def command(self) -> SelfAuditReview | None:
        """The registry's payload, or None with the messages of what is missing."""
        item = self.item
        if item not in SELF_AUDIT_ITEMS:
            self.errors[""] = "Выберите пункт чек-листа"
        if self.values.get("achieved") not in ("yes", "no"):
            self.errors["achieved"] = "Отметьте, выполнен ли пункт"
        if self.errors or item is None:
            return None
        return SelfAuditReview(
            school_year=self.values["year"],
            item=item,
            achieved=self.values["achieved"] == "yes",
            recommendation=self.values.get("recommendation") or None,
        )

    def refused(self, refusal: Refused) -> None:
        fields = {str(p.field) for p in refusal.details.problems}
        if "recommendation" in fields:
            self.errors["recommendation"] = "Рекомендация не длиннее 4000 символов"
        else:
            self.errors[""] = refusal.message


async def school_self_audit(
    backend: Backend, user: WebUser, school_id: UUID, year: str
) -> SchoolAudit:
    """One school's checklist for the year (its own page, or a reviewer's)."""
    # `municipalityId` takes any organisation's id: a school's gives that school alone.
    data = await backend.query(
        user.token, AUDITS, Audits, year=year, organisation=str(school_id), gaps=None, first=1
    )
    audits = data.selfAudits.nodes
    if not audits:
        raise Refused(404, "not_found", "Школа не найдена")
    return audits[0]
