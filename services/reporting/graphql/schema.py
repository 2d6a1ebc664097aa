"""The GraphQL schema: one query family per area, each module holding its types and resolvers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.utils.logging import StrawberryLogger

from . import access_log as access_log_q
from . import acts as acts_q
from . import attention as attention_q
from . import campaigns as campaigns_q
from . import frames as frames_q
from . import history as history_q
from . import indicators as indicators_q
from . import links as links_q
from . import orders as orders_q
from . import organisations as organisations_q
from . import pairs as pairs_q
from . import participation as participation_q
from . import people as people_q
from . import programmes as programmes_q
from . import recognition as recognition_q
from . import register as register_q
from . import replay as replay_q
from . import responsibilities as responsibilities_q
from . import roadmap as roadmap_q
from . import school_life as school_life_q
from . import self_audits as self_audits_q
from . import surveys as surveys_q
from .context import ReaderInfo, reader_of
from .errors import coded, is_crash
from .organisations import Level


@strawberry.type(
    description="Who is asking: the caller's user, role and scope (область видимости)."
)
class Caller:
    user: str = strawberry.field(description="The caller's user id, as the token names it.")
    role: str = strawberry.field(
        description="The caller's role (school coordinator, municipality officer…) as a code."
    )
    scope: str = strawberry.field(
        description="The caller's scope: an ltree path of organisation ids (область видимости)."
    )
    level: Level = strawberry.field(
        description="The level of the region's tree the caller's scope is at."
    )


def me(info: ReaderInfo) -> Caller:
    """Кто спрашивает: роль и область видимости."""
    caller = reader_of(info).caller()
    return Caller(
        user=caller.user,
        role=str(caller.role),
        scope=caller.scope.path,
        level=Level(caller.scope.level.value),
    )


@strawberry.type(
    description="What the reporting service answers: the read models, within the caller's scope."
)
class Query:
    me: Caller = strawberry.field(
        resolver=me,
        description="Who is asking: the caller's role and scope (область видимости).",
    )
    organisations = strawberry.field(
        resolver=organisations_q.organisations,
        description="Organisations (организации) within the caller's scope, in tree order.",
    )
    partner_agreements = strawberry.field(
        resolver=organisations_q.partner_agreements,
        description=(
            "Agreements with partner organisations (соглашения о партнёрстве, the outer circle)."
        ),
    )
    counts = strawberry.field(
        resolver=organisations_q.counts,
        description=(
            "Mentors, mentees, pairs and meetings counted per school, municipality or region, "
            "within the caller's scope and without names."
        ),
    )
    people = strawberry.field(
        resolver=people_q.people,
        description=(
            "A school's people (база наставников и наставляемых): search by full name, filters, "
            "pages."
        ),
    )
    staff = strawberry.field(
        resolver=people_q.staff,
        description=(
            "A school's staff (сотрудники): its employees and everyone given a role in "
            "mentoring, with their roles' duties, appointing acts and terms; by full name."
        ),
    )
    person = strawberry.field(
        resolver=people_q.person,
        description="One person's card (карточка) from the school's base.",
    )
    pairs = strawberry.field(
        resolver=pairs_q.pairs,
        description=(
            "A school's mentoring pairs and groups (наставнические пары) with their mentor, "
            "mentees and meetings."
        ),
    )
    pair = strawberry.field(
        resolver=pairs_q.pair,
        description=(
            "One pair or group of the caller's school by id (another school's is not seen)."
        ),
    )
    lagging_pairs = strawberry.field(
        resolver=pairs_q.lagging_pairs,
        description=(
            "Pairs behind their programme's meeting frequency (отстающие пары), counted from the "
            "last meeting or from the approving order."
        ),
    )
    programmes = strawberry.field(
        resolver=programmes_q.programmes,
        description="Mentoring programmes (программы наставничества) within the caller's scope.",
    )
    programme_matching = strawberry.field(
        resolver=programmes_q.programme_matching,
        description=(
            "Mentor matching for a programme (подбор наставников): scored candidates with "
            "reasons, the optimal assignment and the mentees left unmatched."
        ),
    )
    training_courses = strawberry.field(
        resolver=register_q.training_courses,
        description="Mentor training courses (курсы подготовки наставников) in the regional base.",
    )
    regional_register = strawberry.field(
        resolver=register_q.regional_register,
        description=(
            "The regional register of mentors (единая региональная база наставников): approved by"
            " order and trained."
        ),
    )
    programme_history = strawberry.field(
        resolver=history_q.programme_history,
        description=(
            "A programme's whole history (история программы): every event in order, who changed "
            "what, by pages."
        ),
    )
    programme_state = strawberry.field(
        resolver=replay_q.programme_state,
        description=(
            "A programme as the platform knew it at a past version or moment: stage, pairs, "
            "orders, plans, meetings, feedback, completion."
        ),
    )
    programme_replay = strawberry.field(
        resolver=history_q.programme_replay,
        description=(
            "A programme's history in pages of up to 10,000 events as one JSON per page: the "
            "events of programmeHistory, for long histories."
        ),
    )
    caught_up = strawberry.field(
        resolver=history_q.caught_up,
        description=(
            "Waits until the read models have reached the positions that commands returned; true "
            "once they have."
        ),
    )
    personal_data_access = strawberry.field(
        resolver=access_log_q.personal_data_access,
        description=(
            "Who outside the school read a person's personal data (персональные данные), and when."
        ),
    )
    roadmap = strawberry.field(
        resolver=roadmap_q.roadmap,
        description=(
            "A school's implementation order, regulation and roadmap (дорожная карта): its "
            "activities' status in a school year and those overdue on a day."
        ),
    )
    survey_templates = strawberry.field(
        resolver=surveys_q.survey_templates,
        description=(
            "Questionnaires (анкеты) the caller's organisation may use: the platform's, the "
            "region's and its own."
        ),
    )
    survey_responses = strawberry.field(
        resolver=surveys_q.survey_responses,
        description=(
            "Answers to a programme's questionnaires (ответы на анкеты); the texts only to the "
            "school itself."
        ),
    )
    survey_results = strawberry.field(
        resolver=surveys_q.survey_results,
        description=(
            "A programme's survey results (итоги анкетирования) per questionnaire version: mean "
            "scores without names."
        ),
    )
    practice_cases = strawberry.field(
        resolver=recognition_q.practice_cases,
        description=(
            "Schools' mentoring practices (практики наставничества) within the caller's scope; "
            "published ones form the regional base."
        ),
    )
    candidacies = strawberry.field(
        resolver=recognition_q.candidacies,
        description=(
            "Nominations for contests (выдвижения на конкурсы, e.g. «Наставник года») and their "
            "results."
        ),
    )
    responsibilities = strawberry.field(
        resolver=responsibilities_q.responsibilities,
        description=(
            "What the caller's school made its staff responsible for (поручения: этапы, формы,"
            " разделы дорожной карты, пары): each grant with who gave it and when."
        ),
    )
    stage_scheme = strawberry.field(
        resolver=school_life_q.stage_scheme,
        description=(
            "A school's own stages (этапы реализации) in its words, each with the stages of the "
            "seven it covers."
        ),
    )
    school_events = strawberry.field(
        resolver=school_life_q.school_events,
        description=(
            "A school's own events (мероприятия школы): group meetings, conferences, round "
            "tables, its mentors' training, publications; to the school itself."
        ),
    )
    school_event_counts = strawberry.field(
        resolver=school_life_q.school_event_counts,
        description=(
            "Schools' own events counted per kind within the caller's scope (every kind, "
            "0 where none was held), without titles or names."
        ),
    )
    indicators = strawberry.field(
        resolver=indicators_q.indicators,
        description=(
            "The target model's indicators (показатели целевой модели) for a school, municipality"
            " or region in a school year on a reporting day, with the region's targets."
        ),
    )
    frame_introduction = strawberry.field(
        resolver=frames_q.frame_introduction,
        description=(
            "Each frame of mentoring apart (рамки: целевая модель наставничества обучающихся,"
            " система наставничества педагогических работников): the region's deadline for"
            " introducing it and the share of organisations that introduced it by then."
        ),
    )
    school_comparison = strawberry.field(
        resolver=indicators_q.school_comparison,
        description=(
            "Schools side by side (сравнение школ): coverage, programmes and stages, lagging "
            "pairs, satisfaction, self-audit gaps; sortable and filterable."
        ),
    )
    municipality_comparison = strawberry.field(
        resolver=indicators_q.municipality_comparison,
        description=(
            "Municipalities side by side (сравнение муниципалитетов): the same indicators summed "
            "per municipality."
        ),
    )
    school_overview = strawberry.field(
        resolver=indicators_q.school_overview,
        description=(
            "One school in detail (from the comparison): its indicators, programmes and stages, "
            "roadmap and survey results, without names."
        ),
    )
    indicator_trend = strawberry.field(
        resolver=indicators_q.indicator_trend,
        description="One indicator over school years, each year on its last day (or today).",
    )
    self_audits = strawberry.field(
        resolver=self_audits_q.self_audits,
        description=(
            "Schools' self-audits (самоаудит) against the 12-point checklist: answers, reviews "
            "with recommendations, history."
        ),
    )
    attention = strawberry.field(
        resolver=attention_q.attention,
        description=(
            "What needs a school's attention in a programme (требует внимания): meetings without "
            "feedback, missing or expiring consents, mentees without a pair."
        ),
    )
    pair_orders = strawberry.field(
        resolver=orders_q.pair_orders,
        description=(
            "Orders approving a programme's mentoring pairs (приказы об утверждении пар), newest "
            "first."
        ),
    )
    form_templates = strawberry.field(
        resolver=campaigns_q.form_templates,
        description=(
            "Monitoring forms (формы мониторинга) of the caller's region and municipality: each "
            "one's latest version."
        ),
    )
    campaigns = strawberry.field(
        resolver=campaigns_q.campaigns,
        description="Monitoring campaigns (кампании мониторинга) the caller runs or answers in.",
    )
    campaign = strawberry.field(
        resolver=campaigns_q.campaign,
        description="One monitoring campaign (кампания мониторинга).",
    )
    acts = strawberry.field(
        resolver=acts_q.acts,
        description=(
            "The register of acts (реестр актов): the caller's organisation's and those below it,"
            " and the acts of organisations above that it follows; newest first."
        ),
    )
    act = strawberry.field(
        resolver=acts_q.act,
        description="One act (акт) of the register.",
    )
    participation = strawberry.field(
        resolver=participation_q.participation,
        description=(
            "A programme participant's own page (участник программы): pairs, meetings, plan, "
            "consents and questionnaires."
        ),
    )
    personal_links = strawberry.field(
        resolver=links_q.personal_links,
        description=(
            "Participants' personal links (персональные ссылки) of the school: who has one, who "
            "issued it, who used it."
        ),
    )


@dataclass(frozen=True)
class Limits:
    """What one query may ask. The deepest path through the schema (a lagging pair's meetings'
    feedback) has depth 6 as the limiter counts it, so 8 refuses only what no view needs."""

    depth: int = 8
    tokens: int = 2000
    aliases: int = 15


# Query texts whose parsed document and validation are kept: the views send a few dozen.
QUERY_CACHE = 256


def build_schema(production: bool, limits: Limits = Limits()) -> strawberry.Schema:
    # The limiters' rules are made once: validation is cached per query text and rules, and a
    # limiter made per request makes new rules (parsing and validating were a fifth of the CPU
    # of a school's pair list).
    rules = [
        *QueryDepthLimiter(max_depth=limits.depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.aliases).validation_rules,
    ]
    # Factories: each request gets fresh extensions (an instance would be shared).
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=QUERY_CACHE),
        lambda: MaxTokensLimiter(max_token_count=limits.tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=QUERY_CACHE),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return _Schema(query=Query, extensions=extensions)


class _Schema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Every error leaves coded and every crash masked (`errors.coded`). Done on the
        result, not in an extension: a parse error escapes the extensions' operation hook."""
        result = await super().execute(*args, **kwargs)
        if result.errors:
            result.errors = [coded(error) for error in result.errors]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """A refusal the caller caused (forbidden, not found, bad input, a query the schema
        refuses) is one line at INFO; a crash is an ERROR with its traceback. (Fuzzing logged
        every refusal with a traceback: 23 MB in 35 minutes.)"""
        for error in errors:
            if is_crash(error):
                StrawberryLogger.error(error, execution_context)
                continue
            structlog.get_logger().info(
                "graphql_refused",
                code=coded(error).extensions["code"],  # type: ignore[index]
                path=".".join(str(p) for p in error.path or ()),
            )
