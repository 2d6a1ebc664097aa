"""Surveys: questionnaire templates with typed questions, and the responses to them.

A template is versioned: a revision adds a version and never alters the questions an earlier
response answered. Each response is an aggregate of its own with one event. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import InvalidInput, RuleViolated
from shared.kernel.sealed import Sealed

from ..values import Purpose

SCALE_MIN, SCALE_MAX = 1, 10
MAX_TEXT = 4000


class QuestionKind(StrEnum):
    SCALE = "scale"  # 1–10
    SINGLE = "single"
    MULTIPLE = "multiple"
    YES_NO = "yes_no"
    TEXT = "text"


class Respondent(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    CURATOR = "curator"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: QuestionKind
    options: tuple[str, ...] = ()
    required: bool = True

    def check_shape(self) -> None:
        choice = self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
        if choice and len(self.options) < 2:
            raise RuleViolated(
                "options_missing", f"У вопроса «{self.text}» нужно не меньше двух вариантов"
            )
        if not choice and self.options:
            raise RuleViolated("options_not_allowed", f"У вопроса «{self.text}» нет вариантов")

    def check_answer(self, value: Any) -> None:
        """A clear 400 for an answer that does not fit the question's type."""

        def wrong(code: str, message: str) -> InvalidInput:
            return InvalidInput(code, f"«{self.text}»: {message}", question=self.code)

        match self.kind:
            case QuestionKind.SCALE:
                if type(value) is not int or not SCALE_MIN <= value <= SCALE_MAX:
                    raise wrong("answer_out_of_scale", f"оценка от {SCALE_MIN} до {SCALE_MAX}")
            case QuestionKind.SINGLE:
                if value not in self.options:
                    raise wrong("answer_not_an_option", "выберите один из вариантов")
            case QuestionKind.MULTIPLE:
                if (
                    not isinstance(value, list)
                    or not value
                    or len(set(value)) != len(value)
                    or any(v not in self.options for v in value)
                ):
                    raise wrong("answer_not_an_option", "выберите варианты из списка")
            case QuestionKind.YES_NO:
                if type(value) is not bool:
                    raise wrong("answer_not_yes_no", "ответ «да» или «нет»")
            case QuestionKind.TEXT:
                if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
                    raise wrong("answer_text", f"текст до {MAX_TEXT} знаков")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "kind": str(self.kind),
            "options": list(self.options),
            "required": self.required,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(
            code=data["code"],
            text=data["text"],
            kind=QuestionKind(data["kind"]),
            options=tuple(data["options"]),
            required=data["required"],
        )


def check_questions(questions: list[Question]) -> None:
    if not questions:
        raise RuleViolated("no_questions", "В анкете нет ни одного вопроса")
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        raise RuleViolated("repeated_question", "Код вопроса повторяется")
    for question in questions:
        question.check_shape()


class SurveyTemplate(TenantAggregate):
    """A questionnaire for a purpose, a respondent and optionally some forms and a stage."""

    @event("Published")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        title: str,
        purpose: Purpose,
        respondent: Respondent,
        forms: list[MentoringForm],
        stage: int | None,
        questions: list[dict[str, Any]],
    ) -> None:
        self.tenant = tenant
        self.purpose = Purpose(purpose)
        self.respondent = Respondent(respondent)
        self.versions: dict[int, list[Question]] = {1: [Question.from_dict(q) for q in questions]}

    @property
    def current_version(self) -> int:
        return max(self.versions)

    def revise(self, actor: Actor, title: str, questions: list[Question]) -> None:
        check_questions(questions)
        self._revised(
            actor=actor,
            version=self.current_version + 1,
            title=title,
            questions=[q.as_dict() for q in questions],
        )

    @event("Revised")
    def _revised(
        self, actor: Actor, version: int, title: str, questions: list[dict[str, Any]]
    ) -> None:
        self.versions[version] = [Question.from_dict(q) for q in questions]

    def check_answers(self, answers: dict[str, Any]) -> list[Question]:
        """Every answer fits its question of the current version, every required one is given;
        a refusal names the first problem and lists them all (`problems`), so that a form says
        every one at once."""
        questions = self.versions[self.current_version]
        known = {q.code: q for q in questions}
        unknown = sorted(set(answers) - set(known))
        if unknown:
            raise InvalidInput(
                "unknown_question", f"В анкете нет вопроса «{unknown[0]}»", questions=unknown
            )
        problems: list[InvalidInput] = []
        for question in questions:
            try:
                if question.code in answers:
                    question.check_answer(answers[question.code])
                elif question.required:
                    raise InvalidInput(
                        "answer_missing",
                        f"Нет ответа на вопрос «{question.text}»",
                        question=question.code,
                    )
            except InvalidInput as problem:
                problems.append(problem)
        if problems:
            first = problems[0]
            listed = [{"question": p.details["question"], "message": p.message} for p in problems]
            raise InvalidInput(first.code, first.message, **first.details, problems=listed)
        return questions


class SurveyResponse(TenantAggregate):
    """One person's answers to one version of a template. Scores and choices stay in clear for
    the indicators; free-text answers are the respondent's personal data, sealed."""

    @event("Submitted")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        template_id: UUID,
        version: int,
        programme_id: UUID,
        pair_id: UUID | None,
        respondent_id: UUID,
        respondent: Respondent,
        answered_on: date,
        answers: dict[str, Any],
        texts: Sealed | None,
    ) -> None:
        self.tenant = tenant


_TEMPLATE_NAMESPACE = UUID("d5c1a8c4-1b1d-4c4f-8f0e-8f3b9c1a2e77")


def default_template_id(purpose: Purpose) -> UUID:
    return uuid5(_TEMPLATE_NAMESPACE, purpose.value)


def _scale(code: str, text: str) -> Question:
    return Question(code, text, QuestionKind.SCALE)


_DIAGNOSTICS = [
    _scale("confidence", "Насколько я уверен(а) в своих силах в учёбе или работе"),
    _scale("goals", "Насколько ясно я представляю свои цели"),
    _scale("communication", "Насколько легко мне общаться и работать в команде"),
    _scale("motivation", "Насколько мне интересно учиться и развиваться"),
    _scale("independence", "Насколько самостоятельно я решаю трудные задачи"),
]

_SATISFACTION = [
    _scale("overall", "Насколько вы удовлетворены участием в программе наставничества"),
    _scale("meetings", "Насколько полезными были встречи"),
    _scale("organisation", "Насколько хорошо была организована работа"),
    Question(
        "frequency",
        "Частота встреч",
        QuestionKind.SINGLE,
        ("слишком редко", "в самый раз", "слишком часто"),
    ),
    Question("continue", "Хотели бы вы продолжить участие в программе", QuestionKind.YES_NO),
    Question("best", "Что было самым полезным", QuestionKind.TEXT, required=False),
]


@dataclass(frozen=True)
class DefaultTemplate:
    purpose: Purpose
    title: str
    respondent: Respondent
    questions: tuple[Question, ...]


# The templates the platform ships (the forms of the target model's methodology); a school or
# the institute publishes its own beside them.
DEFAULT_TEMPLATES = (
    DefaultTemplate(
        Purpose.ENTRY_DIAGNOSTICS,
        "Входная диагностика наставляемого",
        Respondent.MENTEE,
        tuple(_DIAGNOSTICS),
    ),
    DefaultTemplate(
        Purpose.EXIT_DIAGNOSTICS,
        "Итоговая диагностика наставляемого",
        Respondent.MENTEE,
        tuple(_DIAGNOSTICS),
    ),
    DefaultTemplate(
        Purpose.MENTEE_SATISFACTION,
        "Анкета удовлетворённости наставляемого",
        Respondent.MENTEE,
        tuple(_SATISFACTION),
    ),
    DefaultTemplate(
        Purpose.MENTOR_SATISFACTION,
        "Анкета удовлетворённости наставника",
        Respondent.MENTOR,
        (
            *_SATISFACTION[:5],
            _scale("mentee_progress", "Насколько заметен прогресс наставляемого"),
            Question("best", "Что было самым полезным", QuestionKind.TEXT, required=False),
        ),
    ),
    DefaultTemplate(
        Purpose.CURATOR,
        "Анкета куратора",
        Respondent.CURATOR,
        (
            _scale("pairs_work", "Насколько успешно работают наставнические пары и группы"),
            _scale("documents", "Насколько полон комплект документов программы"),
            Question(
                "difficulties",
                "Основные трудности",
                QuestionKind.MULTIPLE,
                (
                    "нехватка наставников",
                    "нехватка времени у наставников",
                    "низкая мотивация наставляемых",
                    "сложности с документами",
                    "нет трудностей",
                ),
            ),
            Question(
                "proposals", "Предложения по развитию программы", QuestionKind.TEXT, required=False
            ),
        ),
    ),
    DefaultTemplate(
        Purpose.SWOT,
        "SWOT-анализ программы наставничества",
        Respondent.CURATOR,
        (
            Question("strengths", "Сильные стороны", QuestionKind.TEXT),
            Question("weaknesses", "Слабые стороны", QuestionKind.TEXT),
            Question("opportunities", "Возможности", QuestionKind.TEXT),
            Question("threats", "Угрозы", QuestionKind.TEXT),
        ),
    ),
)
