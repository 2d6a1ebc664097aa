"""Commands on surveys: the default templates, templates of a school or of the region, and
responses (one aggregate each, answers checked against the template's current version)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import NotFound, RuleViolated
from shared.kernel.ports import Sealer
from shared.kernel.principal import Role
from shared.kernel.scope import Scope

from ..domain import (
    DEFAULT_TEMPLATES,
    Pair,
    Programme,
    Purpose,
    Question,
    QuestionKind,
    Respondent,
    SurveyResponse,
    SurveyTemplate,
    check_questions,
    default_template_id,
)
from .base import Batch, ProgramsBase, participant
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

    @allowed(TEMPLATE_AUTHORS, "публиковать анкеты")
    def publish_template(
        self,
        caller: Caller,
        title: str,
        purpose: Purpose,
        respondent: Respondent,
        forms: list[MentoringForm],
        stage: int | None,
        questions: list[Question],
    ) -> tuple[UUID, int]:
        """A template of the caller's organisation (a school's, or the region's own)."""
        check_questions(questions)
        template = SurveyTemplate(
            id=uuid4(),
            tenant=caller.scope.path,
            actor=caller.actor,
            title=title,
            purpose=purpose,
            respondent=respondent,
            forms=forms,
            stage=stage,
            questions=[q.as_dict() for q in questions],
        )
        return template.id, self.store(template)

    @allowed(TEMPLATE_AUTHORS, "менять анкеты")
    def revise_template(
        self, caller: Caller, template_id: UUID, title: str, questions: list[Question]
    ) -> int:
        """A new version; responses already given keep the version they answered."""
        template = self.load(SurveyTemplate, template_id, "Анкета")
        if template.tenant != caller.scope.path and caller.role != Role.OPERATOR:
            raise RuleViolated(
                "template_of_other_organisation", "Анкету меняет организация, которая её издала"
            )
        template.revise(caller.actor, title, questions)
        return self.store(template)

    @allowed(CURATORS | {Role.MENTOR, Role.MENTEE}, "вносить ответы на анкеты")
    def submit_response(
        self,
        caller: Caller,
        template_id: UUID,
        programme_id: UUID,
        respondent_id: UUID,
        answered_on: date,
        answers: dict[str, Any],
        pair_id: UUID | None = None,
    ) -> tuple[UUID, int]:
        """Answers entered by the school, or given by the participant themselves."""
        caller.acts_for(respondent_id)
        programme = self._programme(caller, programme_id)
        template = self.load(SurveyTemplate, template_id, "Анкета")
        if template.tenant and not Scope(template.tenant).covers(programme.tenant):
            raise RuleViolated("template_of_other_organisation", "Анкета другой организации")
        self._participant(programme.school_id, respondent_id, "Респондент", answered_on)
        if pair_id is not None:
            self._check_member(caller, pair_id, programme_id, respondent_id)
        new = NewResponse(template_id, respondent_id, answered_on, answers, pair_id)
        response = self._response(caller, template, programme, new)
        return response.id, self.store(response)

    @allowed(CURATORS, "вносить ответы на анкеты")
    def submit_responses(
        self, caller: Caller, programme_id: UUID, responses: Sequence[NewResponse]
    ) -> int:
        """Many responses of one programme at once (e.g. a school's paper forms typed in), all
        or none (`Batch`): each checked as `submit_response` checks it, read and saved together.
        Who is in a pair is fixed when it is formed, so only the pairs' first events are read
        (not their meetings)."""
        programme = self._programme(caller, programme_id)
        found, _ = self.find_many({r.template_id for r in responses})
        pairs, _ = self.find_many({r.pair_id for r in responses if r.pair_id}, as_created=True)
        found.update(pairs)
        batch = Batch(responses)

        def with_texts(new: NewResponse) -> tuple[UUID, bool]:
            return new.respondent_id, bool(_texts(_template(found, new), new.answers))

        authors = [respondent for respondent, texts in batch.each(with_texts) if texts]
        people, sealer = self._registry({r.respondent_id for r in responses}, authors)
        made = batch.each(lambda new: self._checked(caller, programme, found, people, new, sealer))
        batch.accept()
        return self.store(*made)

    def _checked(
        self,
        caller: Caller,
        programme: Programme,
        found: dict[UUID, Any],
        people: dict[UUID, Any],
        new: NewResponse,
        sealer: Sealer,
    ) -> SurveyResponse:
        template = _template(found, new)
        if template.tenant and not Scope(template.tenant).covers(programme.tenant):
            raise RuleViolated("template_of_other_organisation", "Анкета другой организации")
        participant(people, programme.school_id, new.respondent_id, "Респондент", new.answered_on)
        if new.pair_id is not None:
            _check_membership(found.get(new.pair_id), new.pair_id, programme.id, new.respondent_id)
        return self._response(caller, template, programme, new, sealer)

    def _response(
        self,
        caller: Caller,
        template: SurveyTemplate,
        programme: Programme,
        new: NewResponse,
        sealer: Sealer | None = None,
    ) -> SurveyResponse:
        """A checked response: answers against the template's current version, free text
        sealed with the respondent's key."""
        texts = _texts(template, new.answers)
        return SurveyResponse(
            id=uuid4(),
            tenant=programme.tenant,
            actor=caller.actor,
            template_id=template.id,
            version=template.current_version,
            programme_id=programme.id,
            pair_id=new.pair_id,
            respondent_id=new.respondent_id,
            respondent=template.respondent,
            answered_on=new.answered_on,
            answers={code: value for code, value in new.answers.items() if code not in texts},
            texts=self._seal(new.respondent_id, texts, sealer),
        )

    def _check_member(
        self, caller: Caller, pair_id: UUID, programme_id: UUID, respondent_id: UUID
    ) -> None:
        pair: Pair
        pair, _ = self._pair_in_school(caller, pair_id)
        _check_membership(pair, pair_id, programme_id, respondent_id)


@dataclass(frozen=True)
class NewResponse:
    template_id: UUID
    respondent_id: UUID
    answered_on: date
    answers: dict[str, Any]
    pair_id: UUID | None = None


def _template(found: dict[UUID, Any], new: NewResponse) -> SurveyTemplate:
    template = found.get(new.template_id)
    if not isinstance(template, SurveyTemplate):
        raise NotFound("not_found", "Анкета не найден(а)", id=str(new.template_id))
    return template


def _texts(template: SurveyTemplate, answers: dict[str, Any]) -> dict[str, Any]:
    """The free-text answers (personal data of the respondent), once the answers are checked."""
    questions = template.check_answers(answers)
    return {
        q.code: answers[q.code]
        for q in questions
        if q.kind == QuestionKind.TEXT and q.code in answers
    }


def _check_membership(pair: Any, pair_id: UUID, programme_id: UUID, respondent_id: UUID) -> None:
    if not isinstance(pair, Pair):
        raise NotFound("not_found", "Пара не найден(а)", id=str(pair_id))
    if pair.programme_id != programme_id or respondent_id not in pair.people:
        raise RuleViolated(
            "not_a_member", "Респондент не участник этой пары или группы этой программы"
        )
