"""A monitoring campaign's results as documents: the analytic report (аналитическая справка)
as DOCX — who answered on time or late, who never started, by name, a table per municipality,
every item's answers — and the answers themselves as XLSX, one row per organisation, as each
last submitted them. Both read the same GraphQL as the results page, as the caller."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from shared.kernel.principal import Principal
from shared.sheets import XLSX, table_workbook

from .documents import DOCX, attachment, centered, date_text, new_document, signature
from .graphql.context import Reader
from .inprocess import ask
from .reports import _bytes, _heading, _table

RESULTS = """query($id: ID!) { campaign(id: $id) {
  title actNumber actDate windowFrom windowTo referenceDate
  form { title version sections { items { number text } } }
  results { targeted submitted onTime late inDraft neverStarted returned accepted
    organisations { name municipality statusName submittedOn late }
    items { number text answered counts { shown count } total mean accepted }
    municipalities { municipality targeted submitted onTime late notSubmitted neverStarted } }
  submissions { organisationName submittedAnswers { number shown evidence comment } }
} }"""


def _day(text: str | None) -> str:
    return date_text(date.fromisoformat(text)) if text else "—"


def _on_time(row: dict[str, Any]) -> str:
    if row["submittedOn"] is None:
        return "—"
    return "с опозданием" if row["late"] else "в срок"


def _distribution(item: dict[str, Any]) -> str:
    parts = [f"{c['shown']}: {c['count']}" for c in item["counts"]]
    if item["total"] is not None:
        parts.append(f"сумма {item['total']:g}, среднее {item['mean']:g}".replace(".", ","))
    return "; ".join(parts) or "—"


def campaign_report(campaign: dict[str, Any]) -> bytes:
    """«Аналитическая справка по итогам мониторинга»."""
    results = campaign["results"]
    document = new_document()
    centered(document, "АНАЛИТИЧЕСКАЯ СПРАВКА", bold=True)
    centered(document, f"по итогам мониторинга «{campaign['title']}»", bold=True)
    document.add_paragraph(
        f"Мониторинг проведён с {_day(campaign['windowFrom'])} по {_day(campaign['windowTo'])}"
        f" на основании приказа от {_day(campaign['actDate'])} № {campaign['actNumber']} по форме"
        f" «{campaign['form']['title']}» (версия {campaign['form']['version']}); значения,"
        f" которые вычисляет платформа, — на {_day(campaign['referenceDate'])}."
    )
    document.add_paragraph(
        f"Организаций, которые должны были участвовать в мониторинге: {results['targeted']}."
        f" Отправили ответ {results['submitted']}: в срок — {results['onTime']}, с опозданием —"
        f" {results['late']}. Начали, но не отправили — {results['inDraft']}; не приступили —"
        f" {results['neverStarted']}. Принято проверяющими — {results['accepted']}, на"
        f" доработке — {results['returned']}."
    )
    missing = [o["name"] for o in results["organisations"] if o["submittedOn"] is None]
    if missing:
        document.add_paragraph(f"Не представили ответ: {', '.join(missing)}.")
    _heading(document, "1. Участие по муниципальным образованиям")
    _table(
        document,
        (
            "№ п/п",
            "Муниципальное образование",
            "В охвате",
            "Отправили",
            "В срок",
            "С опозданием",
            "Не отправили",
            "Не приступили",
        ),
        [
            (
                n,
                m["municipality"] or "—",
                m["targeted"],
                m["submitted"],
                m["onTime"],
                m["late"],
                m["notSubmitted"],
                m["neverStarted"],
            )
            for n, m in enumerate(results["municipalities"], start=1)
        ],
    )
    _heading(document, "2. Организации")
    _table(
        document,
        ("№ п/п", "Организация", "Муниципальное образование", "Ответ", "Отправлен", "Срок"),
        [
            (
                n,
                o["name"],
                o["municipality"] or "—",
                o["statusName"],
                _day(o["submittedOn"]),
                _on_time(o),
            )
            for n, o in enumerate(results["organisations"], start=1)
        ],
    )
    _heading(document, "3. Ответы по пунктам формы")
    _table(
        document,
        ("Пункт", "Содержание", "Ответов", "Распределение ответов", "Принято"),
        [
            (i["number"], i["text"], i["answered"], _distribution(i), i["accepted"])
            for i in results["items"]
        ],
    )
    signature(document, "Исполнитель", None)
    return _bytes(document)


def campaign_answers(campaign: dict[str, Any]) -> bytes:
    """One row per targeted organisation: its state, and each item as last submitted."""
    items = [i for s in campaign["form"]["sections"] for i in s["items"]]
    answers = {
        s["organisationName"]: {a["number"]: a for a in s["submittedAnswers"]}
        for s in campaign["submissions"]
    }
    header = ["Организация", "Муниципальное образование", "Ответ", "Отправлен", "Срок"]
    header += [f"{i['number']}. {i['text']}" for i in items]
    rows = []
    for row in campaign["results"]["organisations"]:
        given = answers.get(row["name"], {})
        submitted = date.fromisoformat(row["submittedOn"]) if row["submittedOn"] else None
        rows.append(
            [row["name"], row["municipality"], row["statusName"], submitted, _on_time(row)]
            + [_cell(given.get(i["number"])) for i in items]
        )
    return table_workbook("Ответы", header, rows)


def _cell(answer: dict[str, Any] | None) -> str | None:
    if answer is None or answer["shown"] is None:
        return None
    extra = answer["evidence"] or answer["comment"]
    return f"{answer['shown']} ({extra})" if extra else answer["shown"]


async def _campaign(request: Request[Principal, Any, Any], state: State, campaign_id: UUID) -> Any:
    data = await ask(Reader(request.user, state.pool), RESULTS, {"id": str(campaign_id)})
    return data["campaign"]


@get("/campaigns/{campaign_id:uuid}/report.docx")
async def download_campaign_report(
    request: Request[Principal, Any, Any], state: State, campaign_id: UUID
) -> Response[bytes]:
    """The campaign's analytic report over the caller's scope."""
    campaign = await _campaign(request, state, campaign_id)
    return Response(
        campaign_report(campaign),
        media_type=DOCX,
        headers={"Content-Disposition": attachment("Аналитическая справка по мониторингу.docx")},
    )


@get("/campaigns/{campaign_id:uuid}/answers.xlsx")
async def download_campaign_answers(
    request: Request[Principal, Any, Any], state: State, campaign_id: UUID
) -> Response[bytes]:
    """The answers of the organisations in the caller's scope, as submitted."""
    campaign = await _campaign(request, state, campaign_id)
    return Response(
        campaign_answers(campaign),
        media_type=XLSX,
        headers={"Content-Disposition": attachment("Ответы мониторинга.xlsx", "answers.xlsx")},
    )
