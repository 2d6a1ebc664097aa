"""Survey templates (the platform's defaults, the region's and the school's own) and the
results of a programme's surveys: every version's questions, the mean of each scale question,
and the responses themselves (free-text answers for the school only)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import strawberry

from services.programs.labels import PURPOSE_NAMES
from services.programs.values import Purpose

from .arguments import ProgrammeId
from .context import Reader, ReaderInfo, reader_of, uuid_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size, paginate


@strawberry.type(description="A question of a questionnaire (вопрос анкеты).")
class Question:
    code: str = strawberry.field(
        description="The question's code, stable across versions of the questionnaire."
    )
    text: str = strawberry.field(description="The question as asked.")
    kind: str = strawberry.field(
        description=(
            "How it is answered (scale 1–10, choice, several choices, yes/no, text) as a code."
        )
    )
    options: list[str] = strawberry.field(
        description="The choices, for a question answered by choice."
    )
    required: bool = strawberry.field(description="An answer is required.")


@strawberry.type(description="A questionnaire (анкета): its questions, purpose and respondents.")
class SurveyTemplate:
    id: strawberry.ID = strawberry.field(description="The questionnaire's id.")
    title: str = strawberry.field(description="Its title.")
    purpose: str = strawberry.field(
        description="What it measures (entry, final, satisfaction…) as a code."
    )
    respondent: str = strawberry.field(
        description="Who answers it (mentor, mentee, parent…) as a code."
    )
    forms: list[str] = strawberry.field(description="The forms of mentoring it is for.")
    stage: int | None = strawberry.field(
        description="The programme stage it is given at; null for any."
    )
    version: int = strawberry.field(
        description="Its version; answers keep the version they answered."
    )
    questions: list[Question] = strawberry.field(description="Its questions, in order.")
    platform_default: bool = strawberry.field(description="Шаблон платформы")

    @strawberry.field(description="The purpose in Russian words.")
    def purpose_name(self) -> str:
        return PURPOSE_NAMES[Purpose(self.purpose)]


def _questions(raw: str) -> list[Question]:
    return [Question(**q) for q in json.loads(raw)]


PurposeFilter = Annotated[
    str | None,
    strawberry.argument(description="Only questionnaires of this purpose (назначение анкеты)."),
]


async def survey_templates(
    info: ReaderInfo,
    purpose: PurposeFilter = None,
    first: First = 50,
    after: After = None,
) -> Connection[SurveyTemplate]:
    """Анкеты, доступные вашей организации: шаблоны платформы, региона и свои."""
    rows = await reader_of(info).fetch(
        f"{TEMPLATES} WHERE ($1::text IS NULL OR t.purpose = $1)"
        " ORDER BY nlevel(t.tenant), t.title, t.id",
        purpose,
    )
    return paginate([(r["id"], template_of(r)) for r in rows], first, after)


# A template at its current version, with its questions.
TEMPLATES = (
    "SELECT t.*, v.questions FROM survey_templates t"
    " JOIN survey_template_versions v ON v.template_id = t.id AND v.version = t.version"
)


def template_of(r: asyncpg.Record) -> SurveyTemplate:
    return SurveyTemplate(
        id=strawberry.ID(str(r["id"])),
        title=r["title"],
        purpose=r["purpose"],
        respondent=r["respondent"],
        forms=list(r["forms"]),
        stage=r["stage"],
        version=r["version"],
        questions=_questions(r["questions"]),
        platform_default=str(r["tenant"]) == "",
    )


@strawberry.type(description="One answer of a questionnaire (ответ на вопрос анкеты).")
class Answer:
    question: str = strawberry.field(description="The question as the questionnaire asks it.")
    value: str = strawberry.field(description="Ответ: число, вариант(ы), да/нет или текст")


@strawberry.type(description="A response to a questionnaire (заполненная анкета).")
class SurveyResponse:
    id: strawberry.ID = strawberry.field(description="The response's id.")
    template_id: strawberry.ID = strawberry.field(description="The questionnaire answered.")
    version: int = strawberry.field(description="The questionnaire's version answered.")
    purpose: str = strawberry.field(description="What the questionnaire measures, as a code.")
    pair_id: strawberry.ID | None = strawberry.field(description="The pair it is about, if any.")
    respondent_id: strawberry.ID = strawberry.field(description="Who answered.")
    respondent: str = strawberry.field(
        description="The respondent's side (mentor, mentee, parent…) as a code."
    )
    answered_on: date = strawberry.field(description="The day it was answered.")
    scale_mean: float | None = strawberry.field(
        description="The mean of its 1–10 scale answers; null without any."
    )
    answers: list[Answer] = strawberry.field(description="The answers, question by question.")


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def _response(row: asyncpg.Record) -> SurveyResponse:
    answers = {**json.loads(row["answers"]), **json.loads(row["texts"] or "{}")}
    return SurveyResponse(
        id=strawberry.ID(str(row["id"])),
        template_id=strawberry.ID(str(row["template_id"])),
        version=row["version"],
        purpose=row["purpose"],
        pair_id=strawberry.ID(str(row["pair_id"])) if row["pair_id"] else None,
        respondent_id=strawberry.ID(str(row["respondent_id"])),
        respondent=row["respondent"],
        answered_on=row["answered_on"],
        scale_mean=float(row["scale_mean"]) if row["scale_mean"] is not None else None,
        answers=[Answer(question=q, value=_answer_text(v)) for q, v in answers.items()],
    )


RESPONSES = """
SELECT r.*, t.texts FROM survey_responses r
LEFT JOIN survey_texts t ON t.response_id = r.id
WHERE r.programme_id = $1 AND ($2::text IS NULL OR r.purpose = $2) AND r.id > $3
ORDER BY r.id LIMIT $4
"""


async def survey_responses(
    info: ReaderInfo,
    programme_id: ProgrammeId,
    purpose: PurposeFilter = None,
    first: First = 50,
    after: After = None,
) -> Connection[SurveyResponse]:
    """Ответы на анкеты программы (тексты ответов — только самой школе)."""
    reader = reader_of(info)
    size = page_size(first)
    programme = uuid_of(programme_id)
    rows = await reader.fetch(RESPONSES, programme, purpose, decode_cursor(after), size + 1)
    total = await reader.fetch(
        "SELECT count(*) AS n FROM survey_responses WHERE programme_id = $1"
        " AND ($2::text IS NULL OR purpose = $2)",
        programme,
        purpose,
    )
    return connection([(r["id"], _response(r)) for r in rows], size, total[0]["n"], after)


@strawberry.type(
    description="One question's results over a programme's responses (итоги по вопросу)."
)
class QuestionResult:
    code: str = strawberry.field(description="The question's code.")
    text: str = strawberry.field(description="The question as asked.")
    responses: int = strawberry.field(description="How many responses answered it.")
    mean: float | None = strawberry.field(description="Средний балл (для шкалы 1–10)")


@strawberry.type(description="A programme's results for one questionnaire version (итоги анкеты).")
class SurveyResult:
    template_id: strawberry.ID = strawberry.field(description="The questionnaire.")
    version: int = strawberry.field(description="The questionnaire's version.")
    title: str = strawberry.field(description="The questionnaire's title.")
    purpose: str = strawberry.field(description="What it measures, as a code.")
    responses: int = strawberry.field(description="How many responses.")
    questions: list[QuestionResult] = strawberry.field(description="Each question's results.")


RESULTS = """
SELECT r.programme_id, r.template_id, r.version, v.title, r.purpose, v.questions,
       count(*) AS responses,
       jsonb_agg(r.answers) AS answers
FROM survey_responses r
JOIN survey_template_versions v ON v.template_id = r.template_id AND v.version = r.version
WHERE r.programme_id = ANY($1::uuid[])
GROUP BY r.programme_id, r.template_id, r.version, v.title, r.purpose, v.questions
ORDER BY r.purpose, r.version
"""


async def survey_results(info: ReaderInfo, programme_id: ProgrammeId) -> list[SurveyResult]:
    """Итоги анкетирования программы по каждой версии анкеты: средние баллы без имён."""
    programme = uuid_of(programme_id)
    return (await load_survey_results(reader_of(info), [programme]))[programme]


async def load_survey_results(
    reader: Reader, programme_ids: list[UUID]
) -> dict[UUID, list[SurveyResult]]:
    """The results of several programmes in one query, by programme."""
    results: dict[UUID, list[SurveyResult]] = {programme: [] for programme in programme_ids}
    for row in await reader.fetch(RESULTS, programme_ids):
        results[row["programme_id"]].append(_result(row))
    return results


def _result(row: asyncpg.Record) -> SurveyResult:
    answers = json.loads(row["answers"])
    questions = []
    for q in json.loads(row["questions"]):
        given = [a[q["code"]] for a in answers if q["code"] in a]
        scores = [v for v in given if q["kind"] == "scale"]
        questions.append(
            QuestionResult(
                code=q["code"],
                text=q["text"],
                responses=len(given),
                mean=round(sum(scores) / len(scores), 2) if scores else None,
            )
        )
    return SurveyResult(
        template_id=strawberry.ID(str(row["template_id"])),
        version=row["version"],
        title=row["title"],
        purpose=row["purpose"],
        responses=row["responses"],
        questions=questions,
    )
