"""Documents a school prints: the director's order approving mentoring pairs, as DOCX in the
wording and layout of a school order (seeds S0, S3, S4), and its draft (проект приказа) for the
director to read before signing. Names come from the school's read
models at the moment of printing, so an erased person reads «данные удалены» here too."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from urllib.parse import quote
from uuid import UUID

import asyncpg
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from shared.adapters.database import scoped
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.kernel.errors import Conflict, NotFound
from shared.kernel.principal import Principal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ORDER = """
SELECT o.number, o.order_date, o.pair_ids, s.name AS school_name, g.title AS programme_title,
       g.school_year
FROM pair_orders o
JOIN programmes g ON g.id = o.programme_id
LEFT JOIN organisations s ON s.id = g.school_id
WHERE o.id = $1
"""
DRAFT = """
SELECT NULL::text AS number, NULL::date AS order_date,
       ARRAY(SELECT a.id FROM pairs a WHERE a.programme_id = g.id AND a.status = 'proposed'
             ORDER BY a.formed_at, a.id) AS pair_ids,
       s.name AS school_name, g.title AS programme_title, g.school_year
FROM programmes g
LEFT JOIN organisations s ON s.id = g.school_id
WHERE g.id = $1
"""
PAIRS = """
SELECT a.form, m.full_name AS mentor, m.position AS mentor_position,
       (SELECT array_agg(concat_ws(', ', e.full_name,
                                   CASE WHEN e.grade IS NOT NULL THEN e.grade || ' класс' END)
                         ORDER BY member.place)
        FROM unnest(a.mentee_ids) WITH ORDINALITY AS member(id, place)
        LEFT JOIN people e ON e.id = member.id) AS mentees
FROM unnest($1::uuid[]) WITH ORDINALITY AS listed(pair_id, place)
JOIN pairs a ON a.id = listed.pair_id
LEFT JOIN people m ON m.id = a.mentor_id
ORDER BY listed.place
"""


def pairs_order(order: asyncpg.Record, pairs: list[asyncpg.Record]) -> bytes:
    """«Об утверждении наставнических пар» with the list of pairs as its appendix; an order
    without a number is the draft, marked «ПРОЕКТ», with blanks for the number and the date."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    number = order["number"] or "______"
    day = date_text(order["order_date"]) if order["order_date"] else "«___» ____________ 20__ г."
    if order["number"] is None:
        document.add_paragraph("ПРОЕКТ").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    centered(document, order["school_name"] or "", bold=True)
    centered(document, "ПРИКАЗ", bold=True)
    heading = document.add_paragraph(f"{day}\t\t\t\t\t№ {number}")
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    centered(document, "Об утверждении наставнических пар (групп)", bold=True)
    document.add_paragraph(
        "В соответствии с распоряжением Министерства просвещения Российской Федерации "
        "от 25 декабря 2019 г. № Р-145, Положением о наставничестве и программой наставничества "
        f"«{order['programme_title']}» на {order['school_year']} учебный год, на основании "
        "анкетирования наставников и наставляемых и с их письменного согласия"
    )
    document.add_paragraph().add_run("приказываю:").bold = True
    for number, text in enumerate(
        (
            "Утвердить наставнические пары (группы) согласно приложению к настоящему приказу.",
            "Наставникам совместно с наставляемыми в течение двух недель разработать "
            "персонализированные программы наставничества (индивидуальные планы).",
            "Куратору программы наставничества обеспечить организацию встреч наставнических пар "
            "и сбор обратной связи после каждой встречи.",
            "Контроль за исполнением настоящего приказа оставляю за собой.",
        ),
        start=1,
    ):
        document.add_paragraph(f"{number}. {text}")
    document.add_paragraph()
    document.add_paragraph("Директор\t\t\t\t\t\t____________________")
    document.add_page_break()  # type: ignore[no-untyped-call]
    appendix = document.add_paragraph(f"Приложение\nк приказу от {day} № {number}")
    appendix.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    centered(document, "Список наставнических пар (групп)", bold=True)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells,
        ("№ п/п", "Наставник", "Наставляемый (группа наставляемых)", "Форма наставничества"),
        strict=True,
    ):
        cell.text = title
    for index, pair in enumerate(pairs, start=1):
        mentor = ", ".join(p for p in (pair["mentor"], pair["mentor_position"]) if p)
        mentee = "; ".join(name for name in pair["mentees"] if name)
        form = FORM_NAMES.get(MentoringForm(pair["form"]), pair["form"])
        for cell, value in zip(
            table.add_row().cells, (str(index), mentor, mentee, form), strict=True
        ):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def attachment(filename: str, plain: str = "document.docx") -> str:
    """A Content-Disposition that carries a Russian file name (RFC 6266 / 5987), with a plain
    one for clients that read only that."""
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def centered(document: Any, text: str, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = bold


def date_text(day: date) -> str:
    return day.strftime("%d.%m.%Y")


async def _order_with_pairs(
    request: Request[Principal, Any, Any], state: State, query: str, key: UUID
) -> tuple[asyncpg.Record | None, list[asyncpg.Record]]:
    """An order (or a draft) as the school's reader sees it, with its pairs; none above a
    school, which has no orders of its own."""
    async with scoped(state.pool, request.user.scope.path) as connection:
        order = await connection.fetchrow(query, key)
        pairs = await connection.fetch(PAIRS, order["pair_ids"]) if order else []
    return (order, pairs) if request.user.scope.is_school else (None, [])


def _docx(document: bytes, filename: str) -> Response[bytes]:
    return Response(
        document, media_type=DOCX, headers={"Content-Disposition": attachment(filename)}
    )


@get("/orders/{order_id:uuid}")
async def download_pairs_order(
    request: Request[Principal, Any, Any], state: State, order_id: UUID
) -> Response[bytes]:
    """The order approving pairs, as a DOCX file (the school's own orders only)."""
    order, pairs = await _order_with_pairs(request, state, ORDER, order_id)
    if order is None:
        raise NotFound("order_not_found", "Приказ не найден")
    return _docx(pairs_order(order, pairs), f"Приказ {order['number']}.docx")


@get("/programmes/{programme_id:uuid}/order-draft")
async def download_order_draft(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID
) -> Response[bytes]:
    """The draft order of a programme: every pair the curator formed that waits for approval."""
    draft, pairs = await _order_with_pairs(request, state, DRAFT, programme_id)
    if draft is None:
        raise NotFound("programme_not_found", "Программа не найдена")
    if not pairs:
        raise Conflict("no_pairs_to_approve", "Пар, ждущих приказа, нет: проект приказа пуст")
    return _docx(pairs_order(draft, pairs), "Проект приказа.docx")
