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

from shared.kernel.errors import AppError

from . import access_log as access_log_q
from . import acts as acts_q
from . import attention as attention_q
from . import campaigns as campaigns_q
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
from . import roadmap as roadmap_q
from . import self_audits as self_audits_q
from . import surveys as surveys_q
from .context import ReaderInfo, reader_of
from .errors import coded, is_crash
from .organisations import Level


@strawberry.type
class Caller:
    user: str
    role: str
    scope: str
    level: Level


def me(info: ReaderInfo) -> Caller:
    """Кто спрашивает: роль и область видимости."""
    caller = reader_of(info).caller()
    return Caller(
        user=caller.user,
        role=str(caller.role),
        scope=caller.scope.path,
        level=Level(caller.scope.level.value),
    )


@strawberry.type
class Query:
    me: Caller = strawberry.field(resolver=me)
    organisations = strawberry.field(resolver=organisations_q.organisations)
    partner_agreements = strawberry.field(resolver=organisations_q.partner_agreements)
    counts = strawberry.field(resolver=organisations_q.counts)
    people = strawberry.field(resolver=people_q.people)
    person = strawberry.field(resolver=people_q.person)
    pairs = strawberry.field(resolver=pairs_q.pairs)
    pair = strawberry.field(resolver=pairs_q.pair)
    lagging_pairs = strawberry.field(resolver=pairs_q.lagging_pairs)
    programmes = strawberry.field(resolver=programmes_q.programmes)
    programme_matching = strawberry.field(resolver=programmes_q.programme_matching)
    training_courses = strawberry.field(resolver=register_q.training_courses)
    regional_register = strawberry.field(resolver=register_q.regional_register)
    programme_history = strawberry.field(resolver=history_q.programme_history)
    programme_state = strawberry.field(resolver=replay_q.programme_state)
    programme_replay = strawberry.field(resolver=history_q.programme_replay)
    caught_up = strawberry.field(resolver=history_q.caught_up)
    personal_data_access = strawberry.field(resolver=access_log_q.personal_data_access)
    roadmap = strawberry.field(resolver=roadmap_q.roadmap)
    survey_templates = strawberry.field(resolver=surveys_q.survey_templates)
    survey_responses = strawberry.field(resolver=surveys_q.survey_responses)
    survey_results = strawberry.field(resolver=surveys_q.survey_results)
    practice_cases = strawberry.field(resolver=recognition_q.practice_cases)
    candidacies = strawberry.field(resolver=recognition_q.candidacies)
    indicators = strawberry.field(resolver=indicators_q.indicators)
    school_comparison = strawberry.field(resolver=indicators_q.school_comparison)
    municipality_comparison = strawberry.field(resolver=indicators_q.municipality_comparison)
    school_overview = strawberry.field(resolver=indicators_q.school_overview)
    indicator_trend = strawberry.field(resolver=indicators_q.indicator_trend)
    self_audits = strawberry.field(resolver=self_audits_q.self_audits)
    attention = strawberry.field(resolver=attention_q.attention)
    pair_orders = strawberry.field(resolver=orders_q.pair_orders)
    form_templates = strawberry.field(resolver=campaigns_q.form_templates)
    campaigns = strawberry.field(resolver=campaigns_q.campaigns)
    campaign = strawberry.field(resolver=campaigns_q.campaign)
    acts = strawberry.field(resolver=acts_q.acts)
    act = strawberry.field(resolver=acts_q.act)
    participation = strawberry.field(resolver=participation_q.participation)
    personal_links = strawberry.field(resolver=links_q.personal_links)


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
            original = error.original_error
            structlog.get_logger().info(
                "graphql_refused",
                code=original.code if isinstance(original, AppError) else "invalid_query",
                path=".".join(str(p) for p in error.path or ()),
            )
