"""Every list of the GraphQL API as an XLSX file with Russian headers (`GET /exports/lists/{name}`).

An export asks the very query a client would, in process and under the caller's scope (so the
same row-level security, DataLoaders and errors apply), page by page until the list ends, and
writes each node as a row. The school's bases and the indicator table have their own exports
(`exports.py`), with the layout those documents have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from services.programs.labels import ITEM_STATUS_NAMES, OUTCOME_NAMES, PURPOSE_NAMES
from services.programs.values import ItemStatus, Purpose
from services.registry.labels import PERSON_KIND_NAMES
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.kernel.errors import NotFound
from shared.kernel.principal import Principal
from shared.sheets import XLSX, table_workbook

from .documents import attachment
from .graphql.context import Reader
from .inprocess import ask

PAGE = 200

Cell = Callable[[dict[str, Any]], Any]

PAIR_STATUS_NAMES = {
    "proposed": "сформирована, ждёт приказа",
    "active": "работает",
    "ended": "завершила работу",
    "dissolved": "расформирована",
}
BASIS_NAMES = {
    "suggested": "по подбору платформы",
    "chosen": "выбор куратора",
    "directive": "директивно",
}
LEVEL_NAMES = {"school": "школа", "municipality": "муниципалитет", "region": "регион"}


def field(name: str) -> Cell:
    return lambda row: row.get(name)


def day(name: str) -> Cell:
    """A date or a moment as Russian documents write it."""

    def cell(row: dict[str, Any]) -> str | None:
        value = row.get(name)
        if not value:
            return None
        if "T" in value:
            return datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M")
        return date.fromisoformat(value).strftime("%d.%m.%Y")

    return cell


def named(name: str, names: dict[Any, str]) -> Cell:
    return lambda row: names.get(row.get(name), row.get(name))


def joined(name: str, item: Callable[[Any], Any] = str) -> Cell:
    return lambda row: ", ".join(str(item(v)) for v in row.get(name) or [])


def yes_no(name: str) -> Cell:
    return lambda row: None if row.get(name) is None else ("да" if row[name] else "нет")


def form_name(value: str) -> str:
    return FORM_NAMES.get(MentoringForm(value), value) if value in set(MentoringForm) else value


@dataclass(frozen=True)
class Parameter:
    name: str  # the GraphQL argument
    type: str  # its GraphQL type
    query: str  # the URL parameter

    @property
    def variable(self) -> str:
        return f"${self.name}: {self.type}"


@dataclass(frozen=True)
class ListExport:
    title: str  # the sheet's and the file's name
    field: str  # the Query field
    selection: str  # what each node (or item) needs
    columns: tuple[tuple[str, Cell], ...]
    parameters: tuple[Parameter, ...] = ()
    # Not a connection: where the rows are in the answer, and that they come in one piece.
    rows: Callable[[Any], list[dict[str, Any]]] | None = None

    def query(self, given: list[Parameter]) -> str:
        arguments = ", ".join(f"{p.name}: ${p.name}" for p in given)
        if self.rows is not None:
            declared = ", ".join(p.variable for p in given)
            head = f"query({declared})" if declared else "query"
            call = f"{self.field}({arguments})" if arguments else self.field
            return f"{head} {{ {call} {self.selection} }}"
        declared = ", ".join(["$after: String", *(p.variable for p in given)])
        call = ", ".join([f"first: {PAGE}", "after: $after", *([arguments] if arguments else [])])
        return (
            f"query({declared}) {{ {self.field}({call}) {{ pageInfo {{ hasNextPage endCursor }}"
            f" edges {{ node {self.selection} }} }} }}"
        )

    async def fetch(self, reader: Reader, params: dict[str, str]) -> list[dict[str, Any]]:
        given = [p for p in self.parameters if p.query in params]
        variables: dict[str, Any] = {p.name: params[p.query] for p in given}
        query = self.query(given)
        if self.rows is not None:
            return self.rows((await ask(reader, query, variables))[self.field])
        found: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await ask(reader, query, {**variables, "after": after}))[self.field]
            found += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    def workbook(self, rows: list[dict[str, Any]]) -> bytes:
        header = [header for header, _ in self.columns]
        return table_workbook(
            self.title, header, ([cell(row) for _, cell in self.columns] for row in rows)
        )


def _p(name: str, type_: str, query: str) -> Parameter:
    return Parameter(name, type_, query)


PROGRAMME = _p("programmeId", "ID", "programme_id")
SCHOOL_YEAR = _p("schoolYear", "String!", "school_year")
ON = _p("on", "Date", "on")
MUNICIPALITY = _p("municipalityId", "ID", "municipality_id")


def _people(name: str) -> Cell:
    return lambda row: "; ".join(p["fullName"] for p in row.get(name) or [] if p)


def _pair(row: dict[str, Any]) -> dict[str, Any]:
    return dict(row["pair"])


PAIR_SELECTION = """{ form status basis orderNumber orderDate outcome endedOn
  mentor { fullName } mentees { fullName } plan { progress } meetings { heldOn } }"""
COMPARISON_SELECTION = """{ organisation { name } schools coverage mentees mentors pairs
  laggingPairs menteeSatisfaction mentorSatisfaction roadmapCompletion schoolsWithGaps }"""
COMPARISON_COLUMNS: tuple[tuple[str, Cell], ...] = (
    ("Охват обучающихся, %", field("coverage")),
    ("Наставляемые", field("mentees")),
    ("Наставники", field("mentors")),
    ("Пары и группы", field("pairs")),
    ("Отстающие пары", field("laggingPairs")),
    ("Удовлетворённость наставляемых", field("menteeSatisfaction")),
    ("Удовлетворённость наставников", field("mentorSatisfaction")),
    ("Выполнение дорожной карты, %", field("roadmapCompletion")),
    ("Школы с пробелами самоаудита", field("schoolsWithGaps")),
)


def _last_meeting(row: dict[str, Any]) -> str | None:
    held = [m["heldOn"] for m in row.get("meetings") or []]
    return day("last")({"last": max(held)}) if held else None


def _survey_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**result, **question, "resultResponses": result["responses"]}
        for result in results
        for question in result["questions"]
    ]


def _trend_rows(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"schoolYear": p["schoolYear"], **p["indicator"]} for p in points]


EXPORTS: dict[str, ListExport] = {
    "pairs": ListExport(
        "Наставнические пары",
        "pairs",
        PAIR_SELECTION,
        (
            ("Наставник", lambda r: (r.get("mentor") or {}).get("fullName")),
            ("Наставляемые", _people("mentees")),
            ("Форма наставничества", lambda r: form_name(r["form"])),
            ("Статус", named("status", PAIR_STATUS_NAMES)),
            ("Основание", named("basis", BASIS_NAMES)),
            ("Приказ №", field("orderNumber")),
            ("Дата приказа", day("orderDate")),
            ("Встреч", lambda r: len(r.get("meetings") or [])),
            ("Последняя встреча", _last_meeting),
            ("Выполнение плана, %", lambda r: (r.get("plan") or {}).get("progress")),
            ("Итог", named("outcome", OUTCOME_NAMES)),
            ("Дата завершения", day("endedOn")),
        ),
        (PROGRAMME,),
    ),
    "lagging-pairs": ListExport(
        "Отстающие пары",
        "laggingPairs",
        "{ lastMeetingOn daysWithoutMeeting meetingEveryDays pair { mentor { fullName }"
        " mentees { fullName } } }",
        (
            ("Наставник", lambda r: (r["pair"].get("mentor") or {}).get("fullName")),
            ("Наставляемые", lambda r: _people("mentees")(_pair(r))),
            ("Последняя встреча", day("lastMeetingOn")),
            ("Дней без встреч", field("daysWithoutMeeting")),
            ("Встречи не реже, дней", field("meetingEveryDays")),
        ),
        (PROGRAMME, ON),
    ),
    "programmes": ListExport(
        "Программы наставничества",
        "programmes",
        "{ schoolYear title stage stageName forms startsOn endsOn meetingEveryDays }",
        (
            ("Учебный год", field("schoolYear")),
            ("Программа", field("title")),
            ("Этап", field("stage")),
            ("Название этапа", field("stageName")),
            ("Формы наставничества", joined("forms", form_name)),
            ("Начало", day("startsOn")),
            ("Окончание", day("endsOn")),
            ("Встречи не реже, дней", field("meetingEveryDays")),
        ),
        (_p("schoolYear", "String", "school_year"),),
    ),
    "school-comparison": ListExport(
        "Сравнение школ",
        "schoolComparison",
        COMPARISON_SELECTION,
        (("Школа", lambda r: r["organisation"]["name"]), *COMPARISON_COLUMNS),
        (SCHOOL_YEAR, MUNICIPALITY, ON),
    ),
    "municipality-comparison": ListExport(
        "Сравнение муниципалитетов",
        "municipalityComparison",
        COMPARISON_SELECTION,
        (
            ("Муниципалитет", lambda r: r["organisation"]["name"]),
            ("Школ", field("schools")),
            *COMPARISON_COLUMNS,
        ),
        (SCHOOL_YEAR, ON),
    ),
    "self-audits": ListExport(
        "Самоаудит школ",
        "selfAudits",
        "{ schoolName schoolYear gaps pageUrl }",
        (
            ("Школа", field("schoolName")),
            ("Учебный год", field("schoolYear")),
            ("Невыполненные пункты чек-листа", joined("gaps")),
            ("Страница о наставничестве на сайте", field("pageUrl")),
        ),
        (SCHOOL_YEAR, MUNICIPALITY),
    ),
    "roadmap": ListExport(
        "Дорожная карта",
        "roadmap",
        "{ items { stage stageName activity deadline responsible expectedResult controlPoint"
        " status overdue } }",
        (
            ("Этап", field("stage")),
            ("Название этапа", field("stageName")),
            ("Мероприятие", field("activity")),
            ("Срок", field("deadline")),
            ("Ответственные", joined("responsible")),
            ("Ожидаемый результат", field("expectedResult")),
            ("Контрольная точка", yes_no("controlPoint")),
            ("Статус", lambda r: ITEM_STATUS_NAMES[ItemStatus(r["status"])]),
            ("Просрочено", yes_no("overdue")),
        ),
        (_p("schoolId", "ID!", "school_id"), _p("schoolYear", "String", "school_year"), ON),
        rows=lambda found: list(found["items"]) if found else [],
    ),
    "survey-results": ListExport(
        "Итоги анкетирования",
        "surveyResults",
        "{ title version purpose responses questions { text mean } }",
        (
            ("Анкета", field("title")),
            ("Версия", field("version")),
            ("Назначение", lambda r: PURPOSE_NAMES.get(Purpose(r["purpose"]), r["purpose"])),
            ("Ответов на анкету", field("resultResponses")),
            ("Вопрос", field("text")),
            ("Средний балл", field("mean")),
        ),
        (_p("programmeId", "ID!", "programme_id"),),
        rows=_survey_rows,
    ),
    "regional-register": ListExport(
        "Региональная база наставников",
        "regionalRegister",
        "{ fullName kind position schoolName orderNumber orderDate courses { course hours } }",
        (
            ("ФИО", field("fullName")),
            ("Вид", named("kind", PERSON_KIND_NAMES)),
            ("Должность", field("position")),
            ("Школа", field("schoolName")),
            ("Приказ о реестре №", field("orderNumber")),
            ("Дата приказа", day("orderDate")),
            ("Обучение", joined("courses", lambda c: f"{c['course']} ({c['hours']} ч)")),
        ),
        (_p("search", "String", "search"),),
    ),
    "training-courses": ListExport(
        "Курсы подготовки наставников",
        "trainingCourses",
        "{ name hours provider startsOn endsOn completedBy }",
        (
            ("Курс", field("name")),
            ("Часов", field("hours")),
            ("Организатор", field("provider")),
            ("Начало", day("startsOn")),
            ("Окончание", day("endsOn")),
            ("Прошли обучение", field("completedBy")),
        ),
    ),
    "practice-cases": ListExport(
        "Практики наставничества",
        "practiceCases",
        "{ title form summary results proposedAt publishedOn }",
        (
            ("Практика", field("title")),
            ("Форма наставничества", lambda r: form_name(r["form"])),
            ("Описание", field("summary")),
            ("Результаты", field("results")),
            ("Предложена", day("proposedAt")),
            ("Опубликована", day("publishedOn")),
        ),
        (_p("published", "Boolean", "published"),),
    ),
    "candidacies": ListExport(
        "Выдвижения на конкурсы",
        "candidacies",
        "{ nominationName schoolYear mentorId resultName decidedOn decidedAtLevel }",
        (
            ("Номинация", field("nominationName")),
            ("Учебный год", field("schoolYear")),
            ("Наставник (идентификатор)", field("mentorId")),
            ("Итог", field("resultName")),
            ("Дата решения", day("decidedOn")),
            ("Решение принято на уровне", named("decidedAtLevel", LEVEL_NAMES)),
        ),
        (_p("schoolYear", "String", "school_year"),),
    ),
    "organisations": ListExport(
        "Организации",
        "organisations",
        "{ name kind partnerKind closedOn closureReason formerNames { name } }",
        (
            ("Организация", field("name")),
            ("Вид", field("kind")),
            ("Вид партнёра", field("partnerKind")),
            ("Закрыта", day("closedOn")),
            ("Причина закрытия", field("closureReason")),
            ("Прежние названия", joined("formerNames", lambda n: n["name"])),
        ),
        (_p("kind", "String", "kind"),),
    ),
    "counts": ListExport(
        "Наставники, наставляемые, пары",
        "counts",
        "{ name mentors mentees pairs meetings }",
        (
            ("Организация", field("name")),
            ("Наставники", field("mentors")),
            ("Наставляемые", field("mentees")),
            ("Пары и группы", field("pairs")),
            ("Встречи", field("meetings")),
        ),
        (_p("level", "Level", "level"),),
    ),
    "partner-agreements": ListExport(
        "Соглашения с партнёрами",
        "partnerAgreements",
        "{ partnerName number signedOn validUntil subject }",
        (
            ("Партнёр", field("partnerName")),
            ("Соглашение №", field("number")),
            ("Подписано", day("signedOn")),
            ("Действует до", day("validUntil")),
            ("Предмет соглашения", field("subject")),
        ),
    ),
    "history": ListExport(
        "История программы",
        "programmeHistory",
        "{ position occurredAt eventType actorUser actorRole changes }",
        (
            ("№", field("position")),
            ("Время", day("occurredAt")),
            ("Событие", field("eventType")),
            ("Пользователь", field("actorUser")),
            ("Роль", field("actorRole")),
            ("Изменения", lambda r: json.dumps(r["changes"], ensure_ascii=False)),
        ),
        (_p("programmeId", "ID!", "programme_id"),),
    ),
    "indicator-trend": ListExport(
        "Динамика показателя",
        "indicatorTrend",
        "{ schoolYear indicator { name referenceDate value numerator denominator target met } }",
        (
            ("Показатель", field("name")),
            ("Учебный год", field("schoolYear")),
            ("Отчётная дата", day("referenceDate")),
            ("Значение", field("value")),
            ("Числитель", field("numerator")),
            ("Знаменатель", field("denominator")),
            ("Цель региона", field("target")),
            ("Цель достигнута", yes_no("met")),
        ),
        (_p("code", "String!", "code"), _p("organisationId", "ID", "organisation_id")),
        rows=_trend_rows,
    ),
}


@get("/exports/lists/{name:str}", media_type=XLSX)
async def export_list(
    request: Request[Principal, Any, Any], state: State, name: str
) -> Response[bytes]:
    """A list of the GraphQL API as XLSX with Russian headers; its arguments as URL parameters
    (e.g. `school_year`, `programme_id`, `school_id`, `on`)."""
    export = EXPORTS.get(name)
    if export is None:
        raise NotFound(
            "export_not_found",
            f"Нет выгрузки «{name}»; есть: {', '.join(sorted(EXPORTS))}",
        )
    reader = Reader(request.user, state.pool)
    rows = await export.fetch(reader, dict(request.query_params))
    return Response(
        export.workbook(rows),
        media_type=XLSX,
        headers={"Content-Disposition": attachment(f"{export.title}.xlsx", "list.xlsx")},
    )
