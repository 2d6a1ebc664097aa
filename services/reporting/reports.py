"""Reports as DOCX in Russian, in the wording and layout of the seeds: a school's annual report on
the target model (S0, S3) and a municipality's analytical summary of its schools' monitoring (S1).
Both hold counts, shares and means only, so any caller whose scope covers the school or the
municipality may print them; the data are what GraphQL gives that caller (`inprocess.ask`)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from uuid import UUID

from docx.shared import Pt
from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from services.programs.labels import PURPOSE_NAMES
from services.programs.values import Purpose
from services.registry.labels import EDUCATION_KIND_NAMES, group_name
from services.reporting.measures import programme_reference_date
from shared.frames import FRAMES
from shared.indicators import INDICATORS_BY_CODE, SELF_AUDIT_ITEMS, Unit
from shared.kernel.errors import InvalidInput, PermissionDenied
from shared.kernel.principal import Principal
from shared.kernel.scope import Level, depth

from .documents import DOCX, add_table, attachment, centered, date_text, new_document, signature
from .graphql.context import Reader
from .inprocess import ask

INDICATOR_ROWS = (
    "rows: indicators { code name unit unitName value numerator denominator target met note }"
)

SCHOOL = f"""query($school: ID!, $year: String!, $on: Date) {{
  schoolOverview(schoolId: $school, schoolYear: $year, on: $on) {{
    summary {{ organisation {{ id name }} mentees mentors pairs laggingPairs roadmapCompletion
      programmes {{ title stage stageName }} {INDICATOR_ROWS} }}
    roadmap {{ orderNumber orderDate regulationTitle regulationVersion monitoringWindow
      overdueCount items {{ activity deadline statusName overdue }} }}
    surveys {{ programme {{ title }} results {{ title purpose responses
      questions {{ text mean }} }} }}
  }}
  selfAudits(schoolYear: $year, first: 200) {{ edges {{ node {{ schoolId gaps pageUrl
    items {{ achieved }} }} }} }}
}}"""

MUNICIPALITY = """query($municipality: ID!, $year: String!, $on: Date) {
  indicators(schoolYear: $year, organisationId: $municipality, on: $on) {
    organisation { id name } referenceDate schools schoolsReporting
    rows { code name unit unitName value numerator denominator target met note } }
  schoolComparison(schoolYear: $year, municipalityId: $municipality, on: $on, first: 200) {
    edges { node { organisation { id name educationKind } coverage pairs laggingPairs
      menteeSatisfaction
      roadmapCompletion schoolsWithGaps } } }
  municipalityComparison(schoolYear: $year, on: $on, first: 200) {
    edges { node { organisation { id } coverage roadmapCompletion notStarted } } }
  selfAudits(schoolYear: $year, municipalityId: $municipality, first: 200) {
    edges { node { schoolId schoolName gaps
      items { number achieved verdict recommendation } } } }
}"""


def _table(document: Any, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    add_table(document, header, [tuple(_text(value) for value in row) for row in rows])


def _text(value: Any) -> str:
    """A value as a Russian reader writes it: «7,7», «да»; an absent one «нет данных»."""
    if value is None:
        return "нет данных"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def number_text(value: float) -> str:
    """To one decimal, with a decimal comma and no trailing «,0»: 7.666 → «7,7», 30.0 → «30»."""
    return f"{round(value, 1):g}".replace(".", ",")


def _heading(document: Any, text: str) -> None:
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(12)  # apart from a table above it
    heading.add_run(text).bold = True


def _indicators(document: Any, rows: list[dict[str, Any]]) -> None:
    """The indicators against the targets, each frame's under its own heading row (the teachers'
    system's apart from the students' model's), numbered through."""
    table_rows: list[tuple[str, ...]] = []
    headings: list[int] = []  # the rows that head a frame's indicators
    number = 0
    for definition in FRAMES.values():
        own = [r for r in rows if INDICATORS_BY_CODE[r["code"]].frame == definition.frame]
        if own:
            headings.append(len(table_rows) + 1)  # after the header row
            table_rows.append(("", definition.heading, "", "", "", ""))
        for r in own:
            number += 1
            table_rows.append(
                tuple(
                    _text(value)
                    for value in (
                        number,
                        f"{r['name']}, {r['unitName']}",
                        r["value"] if r["value"] is not None else r["note"],
                        _basis(r),
                        "—" if r["target"] is None else r["target"],
                        "—" if r["met"] is None else r["met"],
                    )
                )
            )
    table = add_table(
        document,
        ("№ п/п", "Показатель", "Значение", "Расчёт", "Цель региона", "Достигнута"),
        table_rows,
    )
    for index in headings:
        for run in table.rows[index].cells[1].paragraphs[0].runs:
            run.bold = True


def _basis(row: dict[str, Any]) -> str:
    """What a value is computed from, in words: «12 из 40» for a share, the number of ratings
    for a mean (their sum means nothing to a reader)."""
    if row["denominator"] is None:
        return "—"
    if row["unit"] == Unit.MEAN:
        return f"оценок: {row['denominator']}"
    return f"{row['numerator']} из {row['denominator']}"


def _bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def school_report(school_year: str, day: date, data: dict[str, Any]) -> bytes:
    """«Отчёт о реализации целевой модели наставничества» of one school for a school year."""
    overview = data["schoolOverview"]
    summary, roadmap = overview["summary"], overview["roadmap"]
    document = new_document()
    centered(document, summary["organisation"]["name"], bold=True)
    centered(document, "ОТЧЁТ", bold=True)
    centered(
        document,
        f"о реализации целевой модели наставничества за {school_year} учебный год",
        bold=True,
    )
    document.add_paragraph(f"по состоянию на {date_text(day)}")
    _heading(document, "1. Нормативная база")
    if roadmap is None:
        document.add_paragraph("Приказ о внедрении целевой модели наставничества не внесён.")
    else:
        document.add_paragraph(
            "Приказ о внедрении целевой модели наставничества от "
            f"{date_text(date.fromisoformat(roadmap['orderDate']))} № {roadmap['orderNumber']}. "
            f"{_regulation(roadmap)} {_monitoring(roadmap['monitoringWindow'])}"
        )
    _heading(document, "2. Программы наставничества")
    _table(
        document,
        ("№ п/п", "Программа", "Этап"),
        [
            (n, p["title"], f"{p['stage']}. {p['stageName']}")
            for n, p in enumerate(summary["programmes"], start=1)
        ],
    )
    _heading(document, "3. Показатели наставничества")
    _indicators(document, summary["rows"])
    _heading(document, "4. Наставнические пары и группы")
    document.add_paragraph(
        f"Наставников — {summary['mentors']}, наставляемых — {summary['mentees']}, "
        f"наставнических пар и групп, утверждённых приказом, — {summary['pairs']}, "
        f"из них отстают от графика встреч — {summary['laggingPairs']}."
    )
    _school_roadmap(document, roadmap, summary["roadmapCompletion"])
    _school_surveys(document, overview["surveys"])
    _school_self_audit(document, data, summary["organisation"]["id"])
    signature(document, "Директор", None)
    return _bytes(document)


def _monitoring(window: str | None) -> str:
    """The window the order states, or that it states none (nothing is assumed for it)."""
    if window is None:
        return "Сроки мониторинга эффективности программ наставничества не указаны."
    return f"Сроки мониторинга эффективности программ наставничества: ежегодно {window}."


def _regulation(roadmap: dict[str, Any]) -> str:
    if not roadmap["regulationTitle"]:
        return "Положение о наставничестве не принято."
    version = roadmap["regulationVersion"]
    return f"Положение: «{roadmap['regulationTitle']}»" + (
        f", версия {version}." if version else "."
    )


def _school_roadmap(document: Any, roadmap: dict[str, Any] | None, completion: Any) -> None:
    _heading(document, "5. Дорожная карта внедрения целевой модели")
    if roadmap is None:
        document.add_paragraph("Дорожная карта не внесена.")
        return
    document.add_paragraph(
        f"Выполнено мероприятий учебного года: {_text(completion)} %; просрочено — "
        f"{roadmap['overdueCount']}."
    )
    overdue = [i for i in roadmap["items"] if i["overdue"]]
    if overdue:
        _table(
            document,
            ("№ п/п", "Просроченное мероприятие", "Срок", "Статус"),
            [
                (n, i["activity"], i["deadline"], i["statusName"])
                for n, i in enumerate(overdue, start=1)
            ],
        )


def _school_surveys(document: Any, surveys: list[dict[str, Any]]) -> None:
    _heading(document, "6. Мониторинг: анкетирование участников")
    results = [(s["programme"]["title"], r) for s in surveys for r in s["results"]]
    if not results:
        document.add_paragraph("Анкетирование не проводилось.")
    for programme, result in results:
        purpose = PURPOSE_NAMES.get(Purpose(result["purpose"]), result["purpose"])
        document.add_paragraph(
            f"«{result['title']}» ({purpose}), программа «{programme}»: "
            f"ответов — {result['responses']}."
        )
        scored = [q for q in result["questions"] if q["mean"] is not None]
        if scored:
            _table(
                document,
                ("Вопрос", "Средний балл (1–10)"),
                [(q["text"], q["mean"]) for q in scored],
            )


def _school_self_audit(document: Any, data: dict[str, Any], school_id: str) -> None:
    _heading(document, "7. Самоаудит Положения о системе наставничества (чек-лист)")
    audits = [e["node"] for e in data["selfAudits"]["edges"] if e["node"]["schoolId"] == school_id]
    if not audits or not filled(audits[0]):
        document.add_paragraph("Чек-лист самоаудита не заполнен.")
        return
    gaps = audits[0]["gaps"]
    if not gaps:
        document.add_paragraph("Все показатели чек-листа достигнуты.")
    for number in gaps:
        document.add_paragraph(f"Не достигнуто: {number}. {SELF_AUDIT_ITEMS[number]}.")
    if audits[0]["pageUrl"]:
        document.add_paragraph(f"Страница о наставничестве на сайте: {audits[0]['pageUrl']}")


def filled(audit: dict[str, Any]) -> bool:
    """Whether the school answered any item of its checklist: an unfilled one has no gaps to
    report, only the checklist to fill («не заполнен» is not «не достигнуто»)."""
    return any(item["achieved"] is not None for item in audit["items"])


def _summary(title: str, subject: str, table: dict[str, Any]) -> Any:
    """A summary's title, what it covers and its indicators (section 1)."""
    document = new_document()
    centered(document, title, bold=True)
    centered(document, subject, bold=True)
    document.add_paragraph(
        f"Мониторинг проведён на {date_text(date.fromisoformat(table['referenceDate']))} по "
        f"данным платформы «Наставник» в {table['schools']} образовательных организациях; "
        f"контингент за учебный год внесли {table['schoolsReporting']}."
    )
    _heading(document, "1. Показатели наставничества")
    _indicators(document, table["rows"])
    return document


def municipality_summary(school_year: str, data: dict[str, Any]) -> bytes:
    """«Аналитическая справка по итогам мониторинга» of a municipality's schools."""
    table = data["indicators"]
    schools = [e["node"] for e in data["schoolComparison"]["edges"]]
    audits = [e["node"] for e in data["selfAudits"]["edges"]]
    document = _summary(
        "АНАЛИТИЧЕСКАЯ СПРАВКА",
        "по итогам мониторинга внедрения целевой модели наставничества в образовательных"
        f" организациях: {table['organisation']['name']}, {school_year} учебный год",
        table,
    )
    _heading(document, "2. Образовательные организации")
    checklist = {
        a["schoolId"]: ("да" if a["gaps"] else "нет") if filled(a) else "не заполнен"
        for a in audits
    }
    _table(
        document,
        (
            "№ п/п",
            "ОО",
            "Вид",
            "Охват, %",
            "Пары и группы",
            "Отстают от графика",
            "Оценка наставляемых, балл",
            "Дорожная карта, %",
            "Пробелы самоаудита",
        ),
        [
            (
                n,
                s["organisation"]["name"],
                EDUCATION_KIND_NAMES[s["organisation"]["educationKind"]],
                NOT_STARTED if s["coverage"] is None else s["coverage"],
                s["pairs"],
                s["laggingPairs"],
                s["menteeSatisfaction"],
                NOT_STARTED if s["roadmapCompletion"] is None else s["roadmapCompletion"],
                checklist.get(s["organisation"]["id"], "нет данных"),
            )
            for n, s in enumerate(schools, start=1)
        ],
    )
    [averages] = [
        e["node"]
        for e in data["municipalityComparison"]["edges"]
        if e["node"]["organisation"]["id"] == table["organisation"]["id"]
    ]
    document.add_paragraph(_averages(averages))
    _audit_findings(document, audits)
    _recommendations(document, schools)
    signature(document, "Начальник управления образования", None)
    return _bytes(document)


NOT_STARTED = "не приступила"


def _averages(row: dict[str, Any]) -> str:
    """The means over all the schools, and those counted in them as 0."""
    text = (
        f"В среднем по ОО: охват наставничеством — {_text(row['coverage'])} %, выполнение "
        f"дорожных карт — {_text(row['roadmapCompletion'])} %."
    )
    if row["notStarted"]:
        text += f" Не приступили (учтены как 0): {', '.join(row['notStarted'])}."
    return text


def _audit_findings(document: Any, audits: list[dict[str, Any]]) -> None:
    _heading(document, "3. Итоги самоаудита Положения о системе наставничества ОО")
    unfilled = [a["schoolName"] for a in audits if not filled(a)]
    with_gaps = [a for a in audits if a["gaps"] and filled(a)]
    if unfilled:
        document.add_paragraph(f"Чек-лист не заполнен: {', '.join(unfilled)}.")
    if not with_gaps and not unfilled:
        document.add_paragraph("Во всех ОО показатели чек-листа достигнуты.")
    for audit in with_gaps:
        recommendations = {
            i["number"]: i["recommendation"] for i in audit["items"] if i["recommendation"]
        }
        document.add_paragraph(
            f"{audit['schoolName']}: не достигнуты пункты "
            f"{', '.join(str(n) for n in audit['gaps'])}."
        )
        for number, text in sorted(recommendations.items()):
            document.add_paragraph(f"Рекомендация к пункту {number}: {text}")


def _recommendations(document: Any, schools: list[dict[str, Any]]) -> None:
    """What the municipality asks of the schools, as S1 orders: each point names the schools."""
    _heading(document, "4. Рекомендации руководителям ОО")
    points = [
        (
            "обеспечить регулярность встреч наставнических пар и групп по программе наставничества",
            [s for s in schools if s["laggingPairs"]],
        ),
        (
            "провести самоаудит Положения о системе наставничества по чек-листу и устранить "
            "недочёты",
            [s for s in schools if s["schoolsWithGaps"]],
        ),
        (
            "выполнить мероприятия дорожной карты внедрения целевой модели наставничества",
            [s for s in schools if (s["roadmapCompletion"] or 0) < 50],
        ),
    ]
    numbered = [(text, found) for text, found in points if found]
    if not numbered:
        document.add_paragraph("Принять к сведению результаты мониторинга.")
    for n, (text, found) in enumerate(numbered, start=1):
        names = ", ".join(s["organisation"]["name"] for s in found)
        document.add_paragraph(f"4.{n}. {names}: {text}.")


def _group_name(row: dict[str, Any]) -> str:
    return group_name(row["organisation"]["kind"], row["organisation"]["name"])


def region_summary(school_year: str, data: dict[str, Any]) -> bytes:
    """«Сводная аналитическая справка» of a region's monitoring, by municipality."""
    table = data["indicators"]
    municipalities = [e["node"] for e in data["municipalityComparison"]["edges"]]
    document = _summary(
        "СВОДНАЯ АНАЛИТИЧЕСКАЯ СПРАВКА",
        "по итогам мониторинга внедрения целевой модели наставничества: "
        f"{table['organisation']['name']}, {school_year} учебный год",
        table,
    )
    _heading(document, "2. Муниципальные образования и организации регионального подчинения")
    _table(
        document,
        (
            "№ п/п",
            "Муниципальное образование / подчинение",
            "ОО",
            "Охват (среднее по ОО), %",
            "Пары и группы",
            "Отстают от графика",
            "Дорожная карта (среднее по ОО), %",
            "ОО с пробелами самоаудита",
        ),
        [
            (
                n,
                _group_name(m),
                m["schools"],
                m["coverage"],
                m["pairs"],
                m["laggingPairs"],
                m["roadmapCompletion"],
                m["schoolsWithGaps"],
            )
            for n, m in enumerate(municipalities, start=1)
        ],
    )
    _heading(document, "3. Не приступили к внедрению целевой модели")
    late = [m for m in municipalities if m["notStarted"]]
    if not late:
        document.add_paragraph("Все образовательные организации приступили к внедрению.")
    for m in late:
        document.add_paragraph(f"{_group_name(m)}: {', '.join(m['notStarted'])}.")
    signature(document, "Руководитель органа управления образованием", None)
    return _bytes(document)


REGION = """query($year: String!, $on: Date) {
  indicators(schoolYear: $year, on: $on) {
    organisation { name } referenceDate schools schoolsReporting
    rows { code name unit unitName value numerator denominator target met note } }
  municipalityComparison(schoolYear: $year, on: $on, first: 200) {
    edges { node { organisation { name kind } schools coverage pairs laggingPairs
      roadmapCompletion schoolsWithGaps notStarted } } }
}"""


@get("/reports/school-annual", media_type=DOCX)
async def download_school_report(
    request: Request[Principal, Any, Any],
    state: State,
    school_year: str,
    school_id: UUID | None = None,
    on: date | None = None,
) -> Response[bytes]:
    """The school's annual report (a school's staff: their own school by default)."""
    school = school_id or _own(request.user, "school_id", Level.SCHOOL)
    day = await programme_reference_date(Reader(request.user, state.pool).fetch, school_year, on)
    variables = {"school": str(school), "year": school_year, "on": str(day)}
    data = await ask(Reader(request.user, state.pool), SCHOOL, variables)
    return Response(
        school_report(school_year, day, data),
        media_type=DOCX,
        headers={"Content-Disposition": attachment(f"Отчёт о наставничестве {school_year}.docx")},
    )


@get("/reports/municipality-summary", media_type=DOCX)
async def download_municipality_summary(
    request: Request[Principal, Any, Any],
    state: State,
    school_year: str,
    municipality_id: UUID | None = None,
    on: date | None = None,
) -> Response[bytes]:
    """The municipality's analytical summary of its schools' monitoring."""
    municipality = municipality_id or _own(request.user, "municipality_id", Level.MUNICIPALITY)
    day = await programme_reference_date(Reader(request.user, state.pool).fetch, school_year, on)
    variables = {"municipality": str(municipality), "year": school_year, "on": str(day)}
    data = await ask(Reader(request.user, state.pool), MUNICIPALITY, variables)
    return Response(
        municipality_summary(school_year, data),
        media_type=DOCX,
        headers={"Content-Disposition": attachment(f"Справка по мониторингу {school_year}.docx")},
    )


@get("/reports/region-summary", media_type=DOCX)
async def download_region_summary(
    request: Request[Principal, Any, Any], state: State, school_year: str, on: date | None = None
) -> Response[bytes]:
    """The region's summary of its municipalities' monitoring (for callers who see the region)."""
    if depth(request.user.scope.path) != Level.REGION.value:
        raise PermissionDenied(
            "region_scope_required", "Сводная справка по региону доступна только на уровне региона"
        )
    day = await programme_reference_date(Reader(request.user, state.pool).fetch, school_year, on)
    data = await ask(
        Reader(request.user, state.pool), REGION, {"year": school_year, "on": str(day)}
    )
    return Response(
        region_summary(school_year, data),
        media_type=DOCX,
        headers={"Content-Disposition": attachment(f"Сводная справка {school_year}.docx")},
    )


def _own(principal: Principal, parameter: str, level: Level) -> UUID:
    """The caller's own school or municipality (the last label of its scope)."""
    if principal.scope.level != level or depth(principal.scope.path) != level.value:
        raise InvalidInput("parameter_missing", f"Укажите параметр {parameter}")
    return UUID(principal.scope.path.split(".")[-1])
