"""The web's typed client against the services it calls, without running them: each command
body it sends names only fields the service's own body declares (they forbid unknown fields) and
every field the service requires; a refusal keeps its code and message whatever its details."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from services.programs.api import pairs, programmes, roadmap, surveys
from services.registry.api import monitoring, people
from services.web import commands
from services.web.backend import Problem, refusal_of

SENT_AS: dict[type[commands.Command], type[msgspec.Struct]] = {
    commands.NewConsent: people.ConsentIn,
    commands.RegisterPerson: people.PersonIn,
    commands.SignConsent: people.ConsentIn,
    commands.WithdrawConsent: people.WithdrawalIn,
    commands.MenteeProfile: people.MenteeProfileIn,
    commands.MentorQuestionnaire: people.QuestionnaireIn,
    commands.SelfAuditReview: monitoring.ReviewIn,
    commands.StageChange: programmes.StageIn,
    commands.MeetingRule: programmes.MeetingRuleIn,
    commands.RejectSuggestion: programmes.RejectionIn,
    commands.ItemProgress: roadmap.ProgressIn,
    commands.FormPair: pairs.PairIn,
    commands.IssueOrder: pairs.OrderIn,
    commands.Feedback: pairs.FeedbackIn,
    commands.RecordMeeting: pairs.MeetingIn,
    commands.GiveFeedback: pairs.AuthoredFeedbackIn,
    commands.PlanTask: pairs.TaskIn,
    commands.DrawUpPlan: pairs.PlanIn,
    commands.TaskCompletion: pairs.TaskDoneIn,
    commands.Dissolution: pairs.DissolutionIn,
    commands.SurveyAnswers: surveys.ResponseIn,
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
