"""Commands on surveys: the default templates, templates of a school or of the region, and
responses (one aggregate each, answers checked against the template's current version)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from shared.auth import Principal, Role
from shared.dictionaries import MentoringForm
from shared.errors import RuleViolated
from shared.eventstore import Actor, actor_of
from shared.tenancy import Scope

from ..domain import (
    DEFAULT_TEMPLATES,
    Pair,
    Purpose,
    Question,
    QuestionKind,
    Respondent,
    SurveyResponse,
    SurveyTemplate,
    check_questions,
    default_template_id,
)
from .base import ProgramsBase
from .programmes import CURATORS, PROGRAMME_MANAGERS

TEMPLATE_AUTHORS = PROGRAMME_MANAGERS | {Role.INSTITUTE_METHODOLOGIST, Role.REGION_OFFICER}
PLATFORM = Actor(user="platform", role=str(Role.OPERATOR))


class SurveyCommands(ProgramsBase):
    def publish_default_templates(self) -> None:
        """The platform's own templates, under the root of the tree so that every scope sees
        them; publishing is idempotent (another replica may have done it already)."""
        for default in DEFAULT_TEMPLATES:
            template = SurveyTemplate(
                id=default_template_id(default.purpose),
                tenant="",
                actor=PLATFORM,
                title=default.title,
                purpose=default.purpose,
                respondent=default.respondent,
                forms=[],
                stage=None,
                questions=[q.as_dict() for q in default.questions],
            )
            try:
                self.save(template)
            except IntegrityError:
                continue

    def publish_template(
        self,
        principal: Principal,
        title: str,
        purpose: Purpose,
        respondent: Respondent,
        forms: list[MentoringForm],
        stage: int | None,
        questions: list[Question],
    ) -> tuple[UUID, int]:
        """A template of the caller's organisation (a school's, or the region's own)."""
        principal.require(TEMPLATE_AUTHORS, "публиковать анкеты")
        check_questions(questions)
        template = SurveyTemplate(
            id=uuid4(),
            tenant=principal.scope.path,
            actor=actor_of(principal),
            title=title,
            purpose=purpose,
            respondent=respondent,
            forms=forms,
            stage=stage,
            questions=[q.as_dict() for q in questions],
        )
        return template.id, self.store(template)

    def revise_template(
        self, principal: Principal, template_id: UUID, title: str, questions: list[Question]
    ) -> int:
        """A new version; responses already given keep the version they answered."""
        principal.require(TEMPLATE_AUTHORS, "менять анкеты")
        template = self.load(SurveyTemplate, template_id, "Анкета")
        if template.tenant != principal.scope.path and principal.role != Role.OPERATOR:
            raise RuleViolated(
                "template_of_other_organisation", "Анкету меняет организация, которая её издала"
            )
        template.revise(actor_of(principal), title, questions)
        return self.store(template)

    def submit_response(
        self,
        principal: Principal,
        template_id: UUID,
        programme_id: UUID,
        respondent_id: UUID,
        answered_on: date,
        answers: dict[str, Any],
        pair_id: UUID | None = None,
    ) -> tuple[UUID, int]:
        principal.require(CURATORS, "вносить ответы на анкеты")
        programme = self._programme(principal, programme_id)
        template = self.load(SurveyTemplate, template_id, "Анкета")
        if template.tenant and not Scope(template.tenant).covers(programme.tenant):
            raise RuleViolated("template_of_other_organisation", "Анкета другой организации")
        self._participant(programme.school_id, respondent_id, "Респондент", answered_on)
        if pair_id is not None:
            self._check_member(principal, pair_id, programme_id, respondent_id)
        questions = template.check_answers(answers)
        texts = {
            q.code: answers[q.code]
            for q in questions
            if q.kind == QuestionKind.TEXT and q.code in answers
        }
        response = SurveyResponse(
            id=uuid4(),
            tenant=programme.tenant,
            actor=actor_of(principal),
            template_id=template_id,
            version=template.current_version,
            programme_id=programme_id,
            pair_id=pair_id,
            respondent_id=respondent_id,
            respondent=template.respondent,
            answered_on=answered_on,
            answers={code: value for code, value in answers.items() if code not in texts},
            texts=self._seal(respondent_id, texts),
        )
        return response.id, self.store(response)

    def _check_member(
        self, principal: Principal, pair_id: UUID, programme_id: UUID, respondent_id: UUID
    ) -> None:
        pair: Pair
        pair, _ = self._pair_in_school(principal, pair_id)
        if pair.programme_id != programme_id or respondent_id not in pair.people:
            raise RuleViolated(
                "not_a_member", "Респондент не участник этой пары или группы этой программы"
            )
