"""Every act of the register as the DOCX its organisation signs, in the form Russian schools and
education authorities use: the title block («Принято / Согласовано / Утверждаю»), the
organisation and the kind of act, number and date, the title, the preamble with its basis,
«ПРИКАЗЫВАЮ:» and the numbered points, the signature, «С приказом ознакомлены» with aligned
lines, and the appendix with the groups the act names. An order approving pairs prints with
its list of pairs (`documents.pairs_order`)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm
from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response

from services.programs.labels import MARK_NAMES
from shared.adapters.database import scoped_reads
from shared.dictionaries import MONTHS_GENITIVE
from shared.kernel.errors import NotFound
from shared.kernel.principal import Principal

from .documents import (
    ORDER,
    PAIRS,
    add_table,
    centered,
    date_text,
    dated_number,
    docx_response,
    new_document,
    pairs_order,
    signature,
    text_width,
)
from .graphql.acts import basis_text

# The word a kind of act is headed by, and the word its points follow.
HEADINGS = {
    "order": ("ПРИКАЗ", "ПРИКАЗЫВАЮ:"),
    "decree": ("РАСПОРЯЖЕНИЕ", ""),
    "protocol": ("ПРОТОКОЛ", "ПОСТАНОВИЛИ:"),
    "regulation": ("ПОЛОЖЕНИЕ", ""),
    "programme": ("ПРОГРАММА", ""),
    "roadmap": ("ДОРОЖНАЯ КАРТА", ""),
}
# Points whose people go to the appendix as a table (a group), not into the text.
LISTED = {"project_group": "Состав проектной (рабочей) группы", "curators": "Кураторы"}


def act_document(act: asyncpg.Record, followed: dict[UUID, asyncpg.Record]) -> bytes:
    """The act as a DOCX; `followed` are the acts of the register named in its basis."""
    document = new_document()
    _title_block(document, json.loads(act["marks"]))
    heading, decides = HEADINGS[act["kind"]]
    centered(document, act["organisation_name"] or "", bold=True)
    centered(document, heading, bold=True)
    if act["register"]:
        centered(document, act["register"].upper())
    if act["kind"] in ("order", "decree", "protocol") or act["number"]:
        dated_number(document, date_text(act["act_date"]), act["number"])
    centered(document, _title(act["title"], heading), bold=True)
    basis = [_basis(b, followed) for b in json.loads(act["basis"])]
    if basis:
        document.add_paragraph(f"На основании {', '.join(basis)}")
    if decides:
        document.add_paragraph().add_run(decides).bold = True
    points = json.loads(act["points"])
    appendices = _points(document, points, act)
    document.add_paragraph(_in_force(act))
    if act["published_url"]:
        document.add_paragraph(f"Размещено на сайте: {act['published_url']}")
    approved = next((m for m in json.loads(act["marks"]) if m["kind"] == "approved"), None)
    if approved:
        signature(document, approved["body"], approved["signer"])
    else:
        signature(document, "Руководитель", None)
    _acquainted(document, points, act["kind"])
    for number, point in appendices:
        _appendix(document, number, point, act)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _title_block(document: Any, marks: list[dict[str, Any]]) -> None:
    """«ПРИНЯТО» and «СОГЛАСОВАНО» on the left, «УТВЕРЖДАЮ» on the right, without borders."""
    if not marks:
        return
    left = [_mark(m) for m in marks if m["kind"] != "approved"]
    right = [_mark(m) for m in marks if m["kind"] == "approved"]
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.text = "\n\n".join(lines)
        cell.width = Mm(82)
    document.add_paragraph()


def _mark(mark: dict[str, Any]) -> str:
    word = "УТВЕРЖДАЮ" if mark["kind"] == "approved" else MARK_NAMES[mark["kind"]].upper()
    lines = [word, mark["body"]]
    if mark["signer"]:
        lines.append(f"____________ {mark['signer']}")
    if mark["protocol_number"]:
        lines.append(f"протокол от {_day(mark['on'])} № {mark['protocol_number']}")
    elif mark["order_number"]:
        lines.append(f"приказ от {_day(mark['on'])} № {mark['order_number']}")
    else:
        day = date.fromisoformat(mark["on"])
        lines.append(f"«{day:%d}» {MONTHS_GENITIVE[day.month - 1]} {day.year} г.")
    return "\n".join(lines)


def _title(title: str, heading: str) -> str:
    """«Положение о системе наставничества» under «ПОЛОЖЕНИЕ» reads «о системе наставничества»."""
    word = heading.lower()
    if title.lower().startswith(word + " "):
        return title[len(word) + 1 :]
    return title


def _day(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"


def _basis(basis: dict[str, Any], followed: dict[UUID, asyncpg.Record]) -> str:
    """An external act by its details; an act of the register by what the register holds."""
    if basis["act_id"]:
        act = followed.get(UUID(basis["act_id"]))
        if act is None:
            return "акта, не доступного для печати"
        text = basis_text(
            issuer="",
            kind=genitive(HEADINGS[act["kind"]][0].lower()),
            on=act["act_date"],
            number=act["number"],
            title=act["title"],
        )
        return f"{text} ({act['organisation_name']})" if act["organisation_name"] else text
    on = date.fromisoformat(basis["on"]) if basis["on"] else None
    return basis_text(
        issuer=basis["issuer"],
        kind=genitive(basis["kind"]),
        on=on,
        number=basis["number"],
        title=basis["title"],
    )


# «На основании приказа …»: the kinds of acts a preamble names, in the genitive.
GENITIVE = {
    "приказ": "приказа",
    "распоряжение": "распоряжения",
    "постановление": "постановления",
    "решение": "решения",
    "письмо": "письма",
    "протокол": "протокола",
    "положение": "положения",
    "программа": "программы",
    "дорожная карта": "дорожной карты",
    "справка": "справки",
    "аналитическая справка": "аналитической справки",
    "федеральный закон": "Федерального закона",
    "закон": "закона",
}


def genitive(kind: str) -> str:
    return GENITIVE.get(kind.lower(), kind)


def _points(
    document: Any, points: list[dict[str, Any]], act: asyncpg.Record
) -> list[tuple[int, dict[str, Any]]]:
    """The numbered points; a group's members go to an appendix the point refers to."""
    appendices: list[tuple[int, dict[str, Any]]] = []
    for number, point in enumerate(points, start=1):
        text = point["text"].rstrip(".")  # each addition follows the point, one stop ends it
        if point["kind"] in LISTED and point["people"]:
            appendices.append((len(appendices) + 1, point))
            text = f"{text} (приложение № {len(appendices)})"
        elif point["people"]:
            text = f"{text} {_named(point['people'])}"
        if point["documents"]:
            text = f"{text}: {'; '.join(point['documents'])}"
        if point["due_on"]:
            text = f"{text}. Срок — до {_day(point['due_on'])}"
        if point["refs"]:
            text = f"{text} (всего: {len(point['refs'])})"
        document.add_paragraph(f"{number}. {text.rstrip('.')}.")
    return appendices


def _named(people: list[dict[str, Any]]) -> str:
    """«Сальникова Г.И. (директор, МОУ-СОШ № 17)»."""
    named = []
    for person in people:
        post = ", ".join(p for p in (person["position"], person["organisation"]) if p)
        named.append(f"{person['name']} ({post})" if post else person["name"])
    return ", ".join(named)


def _in_force(act: asyncpg.Record) -> str:
    words = {"order": "Приказ", "decree": "Распоряжение", "protocol": "Решение"}
    text = f"{words.get(act['kind'], 'Настоящий документ')} вступает в силу с"
    text += f" {date_text(act['effective_from'])}"
    if act["valid_until"]:
        text += f" и действует по {date_text(act['valid_until'])}"
    return text + "."


def _acquainted(document: Any, points: list[dict[str, Any]], kind: str) -> None:
    """Everyone the act names signs that they read it: name, a line, a date, aligned by tabs."""
    names = dict.fromkeys(p["name"] for point in points for p in point["people"])
    if not names:
        return
    document.add_paragraph()
    word = {"order": "приказом", "decree": "распоряжением"}.get(kind, "документом")
    document.add_paragraph(f"С {word} ознакомлены:")
    width = text_width(document.sections[-1])
    for name in names:
        line = document.add_paragraph(f"{name}\t____________\t«___» ________ 20__ г.")
        stops = line.paragraph_format.tab_stops
        stops.add_tab_stop(int(width * 0.5))
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)


def _appendix(document: Any, number: int, point: dict[str, Any], act: asyncpg.Record) -> None:
    document.add_page_break()
    reference = f"к приказу от {date_text(act['act_date'])}"
    if act["number"]:
        reference += f" № {act['number']}"
    heading = document.add_paragraph(f"Приложение № {number}\n{reference}")
    heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    centered(document, LISTED[point["kind"]], bold=True)
    rows = [
        (
            str(i),
            p["name"],
            ", ".join(x for x in (p["position"], p["organisation"]) if x),
            p["role"],
        )
        for i, p in enumerate(point["people"], start=1)
    ]
    add_table(document, ("№ п/п", "ФИО", "Должность", "Роль в группе"), rows)


@get("/acts/{act_id:uuid}")
async def download_act(
    request: Request[Principal, Any, Any], state: State, act_id: UUID
) -> Response[bytes]:
    """An act of the register as DOCX, for anyone who may read the act."""
    async with scoped_reads(state.pool, request.user.scope.path) as fetch:
        act = next(iter(await fetch("SELECT * FROM acts WHERE id = $1", act_id)), None)
        if act is None:
            raise NotFound("act_not_found", "Акт не найден")
        if act["source"] == "pairs_order" and request.user.scope.is_school:
            order = next(iter(await fetch(ORDER, act_id)), None)
            if order is not None:
                pairs = await fetch(PAIRS, order["pair_ids"])
                return docx_response(pairs_order(order, pairs), f"Приказ {act['number']}.docx")
        ids = [UUID(b["act_id"]) for b in json.loads(act["basis"]) if b["act_id"]]
        followed = await fetch("SELECT * FROM acts WHERE id = ANY($1::uuid[])", ids)
    name = f"{HEADINGS[act['kind']][0].capitalize()} {act['number']}".strip()
    return docx_response(act_document(act, {r["id"]: r for r in followed}), f"{name}.docx")
