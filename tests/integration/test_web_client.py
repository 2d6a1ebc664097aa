"""The web's typed client against the services it calls, without running them: each command
body it sends names only fields the service's own body declares (they forbid unknown fields) and
every field the service requires; each typed read declares what its query selects, with the
schema's types and nulls; a refusal keeps its code and message whatever its details."""

from __future__ import annotations

import pkgutil
from importlib import import_module

import httpx
import msgspec
import msgspec.inspect as mi
import pytest
import strawberry
from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)

from services.programs.api import (
    acts,
    pairs,
    programmes,
    responsibility,
    roadmap,
    school_life,
    surveys,
)
from services.registry.api import campaigns, links, monitoring, people
from services.reporting.graphql.schema import Query
from services.web import commands, controllers, reads, reminders
from services.web.backend import Problem, refusal_of
from services.web.controllers import acts as act_pages
from services.web.controllers import auditor, campaign_forms, common, home, participants
from services.web.controllers import campaigns as campaign_pages
from services.web.controllers import links as link_pages
from services.web.controllers import matching as matching_pages
from services.web.controllers import monitoring as monitoring_pages
from services.web.controllers import orders as order_pages
from services.web.controllers import pairs as pair_pages
from services.web.controllers import people as people_pages
from services.web.controllers import programme as programme_pages
from services.web.controllers import region as region_pages
from services.web.controllers import responsibility as grant_pages
from services.web.controllers import school_events as event_pages
from services.web.controllers import staff as staff_pages
from services.web.reads import Read

SENT_AS: dict[type[commands.Command], type[msgspec.Struct]] = {
    commands.NewConsent: people.ConsentIn,
    commands.RegisterPerson: people.PersonIn,
    commands.SignConsent: people.ConsentIn,
    commands.WithdrawConsent: people.WithdrawalIn,
    commands.SetMailReminders: people.MailRemindersIn,
    commands.IssueLink: links.LinkIn,
    commands.MenteeProfile: people.MenteeProfileIn,
    commands.MentorQuestionnaire: people.QuestionnaireIn,
    commands.SelfAudit: monitoring.SelfAuditIn,
    commands.FormExample: campaigns.ExampleIn,
    commands.NewMonitoringForm: campaigns.FormIn,
    commands.MonitoringFormRevision: campaigns.RevisionIn,
    commands.MonitoringFormVersion: campaigns.VersionIn,
    commands.CampaignAnswer: campaigns.AnswerIn,
    commands.CampaignAnswers: campaigns.AnswersIn,
    commands.CampaignReview: campaigns.ReviewIn,
    commands.CampaignConclusion: campaigns.ConclusionIn,
    commands.SelfAuditAnswer: monitoring.AnswerIn,
    commands.SelfAuditReview: monitoring.ReviewIn,
    commands.OpenProgramme: programmes.ProgrammeIn,
    commands.StageChange: programmes.StageIn,
    commands.MeetingRule: programmes.MeetingRuleIn,
    commands.RejectSuggestion: programmes.RejectionIn,
    commands.ItemProgress: roadmap.ProgressIn,
    commands.WrittenRoadmap: roadmap.WrittenRoadmapIn,
    commands.RoadmapBlock: roadmap.RoadmapBlockIn,
    commands.RoadmapItem: roadmap.RoadmapItemIn,
    commands.DeadlineWords: roadmap.DeadlineIn,
    commands.Fulfilment: roadmap.FulfilmentIn,
    commands.FormPair: pairs.PairIn,
    commands.IssueOrder: pairs.OrderIn,
    commands.Feedback: pairs.FeedbackIn,
    commands.RecordMeeting: pairs.MeetingIn,
    commands.PlanMeeting: pairs.PlannedMeetingIn,
    commands.GiveFeedback: pairs.AuthoredFeedbackIn,
    commands.PlanTask: pairs.TaskIn,
    commands.DrawUpPlan: pairs.PlanIn,
    commands.TaskCompletion: pairs.TaskDoneIn,
    commands.Dissolution: pairs.DissolutionIn,
    commands.EndPair: pairs.EndingIn,
    commands.SurveyAnswers: surveys.ResponseIn,
    commands.RecordAct: acts.ActIn,
    commands.ActBasis: acts.BasisIn,
    commands.ActMark: acts.MarkIn,
    commands.ActPoint: acts.PointIn,
    commands.ActPerson: acts.ParticipantIn,
    commands.RecordSchoolEvent: school_life.SchoolEventIn,
    commands.EventMaterial: school_life.MaterialIn,
    commands.WriteStageScheme: school_life.StageSchemeIn,
    commands.SchoolStage: school_life.SchoolStageIn,
    commands.FormClassGroup: pairs.PairIn,
    commands.Grant: responsibility.GrantIn,
    commands.GrantedPart: responsibility.PartIn,
    commands.Revocation: responsibility.RevocationIn,
    commands.RegisterEmployee: people.PersonIn,
    commands.AssignStaffRole: people.StaffRoleIn,
}


def all_commands(cls: type[commands.Command]) -> set[type[commands.Command]]:
    return {c for sub in cls.__subclasses__() for c in {sub, *all_commands(sub)}}


def test_every_command_of_the_web_is_checked() -> None:
    assert all_commands(commands.Command) == set(SENT_AS)


@pytest.mark.parametrize(("sent", "received"), SENT_AS.items(), ids=lambda c: c.__name__)
def test_a_command_body_matches_the_service_body(
    sent: type[commands.Command], received: type[msgspec.Struct]
) -> None:
    declared = {f.encode_name: f for f in msgspec.structs.fields(received)}
    assert set(sent.__struct_encode_fields__) <= set(declared)
    required = {name for name, f in declared.items() if f.required}
    assert required <= set(sent.__struct_encode_fields__)


@pytest.mark.parametrize(
    "details",
    [b'{"problems": ["not a problem"]}', b"null", b'{"question": 7}', b"[]"],
)
def test_a_refusal_keeps_its_code_and_message_whatever_its_details(details: bytes) -> None:
    body = b'{"code": "consent_exists", "message": "\\u0423\\u0436\\u0435", "details": %s}'
    refusal = refusal_of(httpx.Response(409, content=body % details))
    assert (refusal.status, refusal.code, refusal.message) == (409, "consent_exists", "Уже")
    assert refusal.details.problems == []


def test_a_refusal_names_the_fields_the_service_refused() -> None:
    body = b'{"code": "invalid_payload", "message": "m", "details": {"problems": [%s]}}'
    problem = b'{"field": "consent.signed_on", "problem": "Expected `date`"}'
    refusal = refusal_of(httpx.Response(400, content=body % problem))
    assert refusal.details.problems == [Problem("consent.signed_on", "Expected `date`")]


PAGES = [m.name for m in pkgutil.iter_modules(controllers.__path__)]
# Each typed read of the web: its query and the Struct its data decodes into.
READS: list[tuple[str, type[Read]]] = [
    (common.PROGRAMMES, common.Programmes),
    (people_pages.PEOPLE, people_pages.People),
    (people_pages.PERSON, people_pages.FoundPerson),
    (pair_pages.PAIRS, pair_pages.Pairs),
    (pair_pages.PAIR, pair_pages.FoundPair),
    (pair_pages.SURVEYS, pair_pages.Surveys),
    (pair_pages.TEMPLATES, pair_pages.Templates),
    (order_pages.ORDERS, order_pages.Orders),
    (matching_pages.MATCHING, matching_pages.MatchingPage),
    (programme_pages.ROADMAP, programme_pages.Roadmap),
    (home.ME, home.Me),
    (home.ATTENTION, home.AttentionPage),
    (home.SCHOOLS, home.Schools),
    (home.PROGRAMMES, home.YearProgrammes),
    (reads.FRAME_INTRODUCTION, reads.Frames),
    (home.OPEN_CAMPAIGNS, home.OpenCampaigns),
    (campaign_pages.CAMPAIGNS, campaign_pages.CampaignList),
    (campaign_pages.FORMS, campaign_pages.FormList),
    (campaign_pages.FILL, campaign_pages.Fill),
    (campaign_pages.RESULTS, campaign_pages.ResultsPage),
    (campaign_pages.COMPARISON, campaign_pages.Compared),
    (campaign_forms.COMPOSED, campaign_forms.ComposedForms),
    (reminders.SCHOOLS, reminders.Schools),
    (monitoring_pages.COMPARISON, monitoring_pages.Comparison),
    (monitoring_pages.MUNICIPALITIES, monitoring_pages.Municipalities),
    (monitoring_pages.OVERVIEW, monitoring_pages.SchoolOverview),
    (monitoring_pages.AUDITS, monitoring_pages.Audits),
    (monitoring_pages.REGISTER, monitoring_pages.Register),
    (region_pages.REGION_TABLE, region_pages.RegionTable),
    (region_pages.TREND, region_pages.Trend),
    (reminders.COORDINATORS, reminders.Coordinators),
    (act_pages.ACTS, act_pages.Acts),
    (grant_pages.GRANTS, grant_pages.Grants),
    (staff_pages.STAFF, staff_pages.Staff),
    (staff_pages.SCHOOL_ACTS, staff_pages.SchoolActs),
    (pair_pages.SCHOOL_CLASSES, pair_pages.SchoolClasses),
    (home.EVENT_COUNTS, home.EventCounts),
    (programme_pages.STAGE_SCHEME, programme_pages.FoundScheme),
    (event_pages.EVENTS, event_pages.Events),
    (event_pages.PAIRS, event_pages.Pairs),
    (act_pages.ACT, act_pages.FoundAct),
    (act_pages.INSTITUTES, act_pages.Institutes),
    (participants.PARTICIPATION, participants.Found),
    (link_pages.LINKS, link_pages.Links),
    (auditor.BY_SCHOOL, auditor.BySchool),
    (auditor.OWN, auditor.Own),
    (auditor.HISTORY, auditor.History),
    (auditor.STATE, auditor.State),
]
SCALARS = {
    "Int": mi.IntType,
    "Float": mi.FloatType,
    "Boolean": mi.BoolType,
    "String": mi.StrType,
    "ID": mi.StrType,
    "Date": mi.StrType,
    "DateTime": mi.StrType,
}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return strawberry.Schema(query=Query)._schema


@pytest.mark.parametrize(("query", "into"), READS, ids=lambda r: getattr(r, "__name__", ""))
def test_a_read_declares_what_its_query_selects_as_the_schema_types_it(
    schema: GraphQLSchema, query: str, into: type[Read]
) -> None:
    document = parse(query)
    assert validate(schema, document) == []
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    root = schema.query_type
    assert root is not None
    matches(operation.selection_set, root, mi.type_info(into), into.__name__)


def test_every_query_of_the_web_is_typed() -> None:
    sent = {
        value
        for module in (reminders, *(import_module(f"services.web.controllers.{n}") for n in PAGES))
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and value.lstrip().startswith("query")
    }
    assert sent == {query for query, _ in READS}


def matches(
    selections: SelectionSetNode, parent: GraphQLObjectType, struct: mi.Type, path: str
) -> None:
    """The Struct has a field for each selected one, of its type; any other field has a default."""
    assert isinstance(struct, mi.StructType), path
    fields = {field.encode_name: field for field in struct.fields}
    selected = set()
    for node in selections.selections:
        assert isinstance(node, FieldNode), path
        name = node.alias.value if node.alias else node.name.value
        selected.add(name)
        assert name in fields, f"{path}.{name} is selected but not declared"
        same_type(node, parent.fields[node.name.value].type, fields[name].type, f"{path}.{name}")
    assert all(not f.required for name, f in fields.items() if name not in selected), path


def same_type(node: FieldNode, graphql: GraphQLOutputType, declared: mi.Type, path: str) -> None:
    if isinstance(declared, mi.DictType):  # a JSON value read as it is
        return
    options = declared.types if isinstance(declared, mi.UnionType) else (declared,)
    nullable = any(isinstance(t, mi.NoneType) for t in options)
    assert nullable != isinstance(graphql, GraphQLNonNull), f"{path}: null or not"
    if isinstance(graphql, GraphQLNonNull):
        graphql = graphql.of_type
    (declared,) = [t for t in options if not isinstance(t, mi.NoneType)]
    if isinstance(graphql, GraphQLList):
        assert isinstance(declared, mi.ListType), f"{path}: a list"
        same_type(node, graphql.of_type, declared.item_type, f"{path}[]")
    elif node.selection_set is not None:
        assert isinstance(graphql, GraphQLObjectType), path
        matches(node.selection_set, graphql, declared, path)
    else:
        named = get_named_type(graphql)
        scalar = mi.StrType if isinstance(named, GraphQLEnumType) else SCALARS[named.name]
        assert isinstance(declared, scalar), f"{path}: {named}"
