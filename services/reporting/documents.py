"""Documents a school prints: the director's order approving mentoring pairs, as DOCX in the
wording and layout of a school order (seeds S0, S3, S4), and its draft (проект приказа) for the
director to read before signing. Names come from the school's read
models at the moment of printing, so an erased person reads «данные удалены» here too."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote
from uuid import UUID

import asyncpg
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from services.programs.labels import SUPPORTING_TEACHER, class_name
from shared.adapters.database import scoped_reads
from shared.adapters.personal_data import ERASED
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.frames import frame_of
from shared.indicators import year_end
from shared.kernel.errors import Conflict, NotFound
from shared.kernel.principal import Principal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The programme's school, title, year, dates and frame, and the director who signs (the role
# «директор» in the registry, the latest by the day its order gives), for an order or its draft.
PROGRAMME = """
s.name AS school_name, g.title AS programme_title, g.school_year, g.starts_on, g.ends_on, g.frame,
(SELECT d.full_name FROM staff_roles r JOIN people d ON d.id = r.person_id
 WHERE r.role = 'director' AND d.school_id = g.school_id
 ORDER BY r.since DESC, r.assigned_at DESC LIMIT 1) AS director
"""
ORDER = f"""
SELECT o.number, o.order_date, o.pair_ids, {PROGRAMME}
FROM pair_orders o
JOIN programmes g ON g.id = o.programme_id
LEFT JOIN organisations s ON s.id = g.school_id
WHERE o.id = $1
"""
DRAFT = f"""
SELECT NULL::text AS number, NULL::date AS order_date,
       ARRAY(SELECT a.id FROM pairs a WHERE a.programme_id = g.id AND a.status = 'proposed'
             ORDER BY a.formed_at, a.id) AS pair_ids, {PROGRAMME}
FROM programmes g
LEFT JOIN organisations s ON s.id = g.school_id
WHERE g.id = $1
"""
# Each side as the order lists it: the people named in person (a class's pupils are not: the
# class stands for them), the classes (`classes`), and the supporting teachers.
PAIRS = """
SELECT a.form, a.classes, mentors.described AS mentors, mentors.names AS mentor_names,
       mentees.described AS mentees, mentees.names AS mentee_names,
       ARRAY(SELECT s.full_name FROM unnest(a.supporting_ids) WITH ORDINALITY AS t(id, place)
             LEFT JOIN people s ON s.id = t.id ORDER BY t.place) AS supporting
FROM unnest($1::uuid[]) WITH ORDINALITY AS listed(pair_id, place)
JOIN pairs a ON a.id = listed.pair_id
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT p::uuid FROM jsonb_array_elements(a.classes) c,
                 jsonb_array_elements_text(c->'pupil_ids') p) AS pupils
) k
CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(concat_ws(', ', m.full_name, m.position, m.grade || ' класс')
                              ORDER BY member.place), '{}') AS described,
           coalesce(array_agg(m.full_name ORDER BY member.place), '{}') AS names
    FROM unnest(a.mentor_ids) WITH ORDINALITY AS member(id, place)
    LEFT JOIN people m ON m.id = member.id
    WHERE member.id <> ALL(k.pupils)
) mentors
CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(concat_ws(', ', e.full_name, e.grade || ' класс')
                              ORDER BY member.place), '{}') AS described,
           coalesce(array_agg(e.full_name ORDER BY member.place), '{}') AS names
    FROM unnest(a.mentee_ids) WITH ORDINALITY AS member(id, place)
    LEFT JOIN people e ON e.id = member.id
    WHERE member.id <> ALL(k.pupils)
) mentees
ORDER BY listed.place
"""


def pairs_order(order: asyncpg.Record, pairs: list[asyncpg.Record]) -> bytes:
    """«Об утверждении наставнических пар» in accordance with the federal act of the programme's
    frame, with the list of pairs as its appendix; an order without a number is the draft,
    marked «ПРОЕКТ», with blanks for the number and the date."""
    document = new_document()
    number = order["number"] or "______"
    day = date_text(order["order_date"]) if order["order_date"] else "«___» ____________ 20__ г."
    if order["number"] is None:
        document.add_paragraph("ПРОЕКТ").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    centered(document, order["school_name"] or "", bold=True)
    centered(document, "ПРИКАЗ", bold=True)
    dated_number(document, day, number)
    centered(document, "Об утверждении наставнических пар (групп)", bold=True)
    document.add_paragraph(
        f"В соответствии с {frame_of(order['frame']).basis.cited}, Положением о наставничестве"
        f" и программой наставничества {_programme(order)}, на основании "
        "анкетирования наставников и наставляемых и с их письменного согласия"
    )
    document.add_paragraph().add_run("приказываю:").bold = True
    for point, text in enumerate(
        (
            "Утвердить наставнические пары (группы) согласно приложению к настоящему приказу.",
            f"Установить период наставничества {_period(order)}.",
            "Наставникам совместно с наставляемыми в течение двух недель разработать "
            "персонализированные программы наставничества (индивидуальные планы).",
            "Куратору программы наставничества обеспечить организацию встреч наставнических пар "
            "и сбор обратной связи после каждой встречи.",
            "Контроль за исполнением настоящего приказа оставляю за собой.",
        ),
        start=1,
    ):
        document.add_paragraph(f"{point}. {text}")
    signature(document, "Директор", order["director"])
    _acquainted(document, pairs)
    document.add_page_break()
    appendix = document.add_paragraph(f"Приложение\nк приказу от {day} № {number}")
    appendix.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    centered(document, "Список наставнических пар (групп)", bold=True)
    rows = []
    for index, pair in enumerate(pairs, start=1):
        supporting = [f"{SUPPORTING_TEACHER}: {name}" for name in pair["supporting"] if name]
        mentor = "; ".join([*_side(pair, "mentor"), *supporting])
        mentee = "; ".join(_side(pair, "mentee"))
        form = FORM_NAMES.get(MentoringForm(pair["form"]), pair["form"])
        rows.append((str(index), mentor, mentee, form))
    add_table(
        document,
        ("№ п/п", "Наставник", "Наставляемый (группа наставляемых)", "Форма наставничества"),
        rows,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _programme(order: asyncpg.Record) -> str:
    """The programme by its title, with its school year unless the title already says it."""
    title, year = order["programme_title"], order["school_year"]
    return f"«{title}»" if year in title else f"«{title}» на {year} учебный год"


def _period(order: asyncpg.Record) -> str:
    """From the programme's start (else the order's date) to its end (else the school year's)."""
    first = order["starts_on"] or order["order_date"]
    since = f"с {date_text(first)}" if first else "со дня подписания настоящего приказа"
    return f"{since} по {date_text(order['ends_on'] or year_end(order['school_year']))}"


def _side(pair: asyncpg.Record, side: str) -> list[str]:
    """A side in the appendix: its people named in person, then its classes as classes."""
    classes = [class_name(c["label"]) for c in json.loads(pair["classes"]) if c["side"] == side]
    return [*(person for person in pair[f"{side}s"] if person), *classes]


def _acquainted(document: Any, pairs: list[asyncpg.Record]) -> None:
    """«С приказом ознакомлены»: a line to sign and date for each person the order names (a
    class is named as a class, its pupils are not)."""
    names = [
        name
        for pair in pairs
        for name in (*pair["mentor_names"], *pair["mentee_names"], *pair["supporting"])
    ]
    document.add_paragraph()
    document.add_paragraph("С приказом ознакомлены:")
    for name in dict.fromkeys(n for n in names if n and n != ERASED):
        document.add_paragraph(f"{name}\t____________\t«___» ________ 20__ г.")


def new_document() -> Any:
    """A DOCX as ГОСТ Р 7.0.97-2016 asks of an organisation's documents: A4 (п. 5.1), margins of
    at least 20 mm left, 10 mm right, 20 mm top and bottom (п. 5.1) — 30 mm left for filing,
    15 mm right —, Times New Roman 14 pt, and Russian as the language of the text (spelling,
    hyphenation)."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.top_margin = section.bottom_margin = Mm(20)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    properties = defaults.find(qn("w:rPr"))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = properties.makeelement(qn("w:lang"), {})
        properties.append(language)
    for attribute in ("w:val", "w:eastAsia"):
        language.set(qn(attribute), "ru-RU")
    return document


def signature(document: Any, position: str, name: str | None) -> None:
    """The position, the line to sign and the signer as «И.О. Фамилия» (ГОСТ Р 7.0.97-2016,
    п. 5.23), when the registry names them."""
    document.add_paragraph()
    line = document.add_paragraph(f"{position}\t____________________ {initials(name)}".rstrip())
    # the line to sign and the name against the right margin, however long the position
    line.paragraph_format.tab_stops.add_tab_stop(
        text_width(document.sections[-1]), WD_TAB_ALIGNMENT.RIGHT
    )


def dated_number(document: Any, day: str, number: str) -> None:
    """The act's date at the left margin and its number against the right one."""
    line = document.add_paragraph(f"{day}\t№ {number}")
    line.paragraph_format.tab_stops.add_tab_stop(
        text_width(document.sections[-1]), WD_TAB_ALIGNMENT.RIGHT
    )


def initials(name: str | None) -> str:
    """«Орлова Ирина Павловна» → «И.П. Орлова»; nothing for an unknown or erased name."""
    if not name or name == ERASED:
        return ""
    if "." in name:  # already as a document signs it
        return name
    surname, *given = name.split()
    return "".join(f"{part[0]}." for part in given) + (" " if given else "") + surname


# A table's text is 12 pt, 10 pt where a table's words do not fit at 12; a character of Times
# New Roman takes up to 0.55 of the size, a capital up to 0.75 (the estimate errs wide), and a
# cell has 1.9 mm of padding on either side.
TABLE_SIZES = (12, 10)


def text_length(text: str) -> float:
    """A text's width in ems of its font size."""
    return sum(0.75 if c.isupper() else 0.55 for c in text)


PADDING = Mm(4)
TWIP = 635  # EMU: DOCX stores widths in whole twips


def add_table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A bordered table whose columns are sized to their content: none narrower than its longest
    word (so no word breaks), the room left shared by how long each column's text runs."""
    total = text_width(document.sections[-1])
    for size in TABLE_SIZES:
        widths = column_widths([header, *rows], total, Pt(size))
        if sum(widths) <= total:
            break
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for row_cells, values in zip(
        [table.rows[0].cells, *(table.add_row().cells for _ in rows)], [header, *rows], strict=True
    ):
        for cell, value in zip(row_cells, values, strict=True):
            cell.text = value
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(size)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def text_width(section: Any) -> int:
    """The width between a page's margins, in EMU."""
    return int(section.page_width - section.left_margin - section.right_margin)


def column_widths(rows: Sequence[Sequence[str]], total: int, size: int) -> list[int]:
    """Each column its longest word, then the rest of `total` shared by the length of its
    longest cell beyond that (so a column of short numbers stays narrow)."""
    columns = list(zip(*rows, strict=True))
    least = [
        int(max(text_length(w) for text in column for w in text.split() or [""]) * size) + PADDING
        for column in columns
    ]
    wanted = [int(max(text_length(t) for t in column) * size) + PADDING for column in columns]
    extra = [max(w - m, 0) for w, m in zip(wanted, least, strict=True)]
    room = max(total - sum(least), 0)
    share = min(1.0, room / sum(extra)) if sum(extra) else 0.0
    return [int(m + e * share) // TWIP * TWIP for m, e in zip(least, extra, strict=True)]


def attachment(filename: str, plain: str = "document.docx") -> str:
    """A Content-Disposition that carries a Russian file name (RFC 6266, its `filename*` as
    RFC 8187 says: every byte but its attr-chars percent-encoded), with a plain one for clients
    that read only that. A path's separator in the name (an order «12/3-о») becomes a dash: a
    file name holds none."""
    name = filename.replace("/", "-").replace("\\", "-")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}"


# RFC 8187's attr-char beside letters and digits (which `quote` always leaves).
ATTR_CHARS = "!#$&+.^_`|~-"


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
    async with scoped_reads(state.pool, request.user.scope.path) as fetch:
        order = next(iter(await fetch(query, key)), None)
        pairs = await fetch(PAIRS, order["pair_ids"]) if order else []
    return (order, pairs) if request.user.scope.is_school else (None, [])


def docx_response(document: bytes, filename: str) -> Response[bytes]:
    return Response(
        document, media_type=DOCX, headers={"Content-Disposition": attachment(filename)}
    )


@get("/orders/{order_id:uuid}", media_type=DOCX)
async def download_pairs_order(
    request: Request[Principal, Any, Any], state: State, order_id: UUID
) -> Response[bytes]:
    """The order approving pairs, as a DOCX file (the school's own orders only)."""
    order, pairs = await _order_with_pairs(request, state, ORDER, order_id)
    if order is None:
        raise NotFound("order_not_found", "Приказ не найден")
    return docx_response(pairs_order(order, pairs), f"Приказ {order['number']}.docx")


@get("/programmes/{programme_id:uuid}/order-draft", media_type=DOCX)
async def download_order_draft(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID
) -> Response[bytes]:
    """The draft order of a programme: every pair the curator formed that waits for approval."""
    draft, pairs = await _order_with_pairs(request, state, DRAFT, programme_id)
    if draft is None:
        raise NotFound("programme_not_found", "Программа не найдена")
    if not pairs:
        raise Conflict("no_pairs_to_approve", "Пар, ждущих приказа, нет: проект приказа пуст")
    return docx_response(pairs_order(draft, pairs), "Проект приказа.docx")
