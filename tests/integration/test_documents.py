"""The documents a director signs and a region reads, as a school would open them: the order's
wording checked in the DOCX, and every generated document opened by LibreOffice — it converts,
its pages are A4, no table column is narrower than its longest word; the first page of each is
kept as a PNG under tests/artifacts/documents/."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from services.reporting.documents import new_document, text_width
from shared.adapters.settings import PROJECT_ROOT
from shared.kernel.principal import Role
from tests.conftest import Api, World
from tests.generated_region import ON, YEAR, GeneratedRegion

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts" / "documents"
TOOLS = {name: shutil.which(name) or "" for name in ("soffice", "pdfinfo", "pdftotext", "pdftoppm")}
FC_LIST = shutil.which("fc-list")
# LibreOffice sets Times New Roman in Liberation Serif, its metric twin; another font would
# measure the columns wrong.
FONTS = (
    bool(FC_LIST)
    and "Liberation Serif"
    in subprocess.run([FC_LIST or "fc-list"], capture_output=True, text=True, check=False).stdout
)


async def _student(world: World, name: str, role: str, grade: str) -> str:
    body = {
        "school_id": str(world.ids["s1"]),
        "kind": "student",
        "full_name": name,
        "birth_date": "2010-04-01",
        "grade": grade,
        "roles": [role],
        "consent": {
            "signed_on": "2025-09-01",
            "representative_name": f"Родитель {name}",
            "relation": "мать",
        },
    }
    created = await world.api.command("registry", "/people", world.coordinator("s1"), body)
    return str(created["id"])


async def _director(world: World, school: str, name: str) -> None:
    """A teacher of the school appointed director by the founder (the staff role «директор»)."""
    person = await world.person(school, name, "mentor")
    await world.api.command(
        "registry",
        f"/people/{person}/staff-roles",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"role": "director"},
        expect=200,
    )


def _text(document: Any) -> str:
    return "\n".join(p.text for p in document.paragraphs)


async def test_the_order_names_its_appendix_signer_period_and_who_read_it(world: World) -> None:
    coordinator = world.coordinator("s1")
    programme = await world.api.command(
        "programs",
        "/programmes",
        coordinator,
        {
            "school_id": str(world.ids["s1"]),
            "school_year": "2025/26",
            "title": "Программа наставничества на 2025/26 учебный год",
            "forms": ["student_student"],
        },
    )
    await _director(world, "s1", "Орлова Ирина Павловна")
    mentor = await _student(world, "Петров Пётр Ильич", "mentor", "10А")
    mentee = await _student(world, "Сидоров Иван Олегович", "mentee", "5Б")
    pair = await world.pair(
        "s1", programme["id"], mentor, mentee, form="student_student", approve=False
    )
    order = await world.api.command(
        "programs",
        f"/programmes/{programme['id']}/orders",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"number": "17-н", "order_date": "2025-09-12", "pair_ids": [pair]},
    )
    await world.api.caught_up(coordinator)
    answer = await world.api.reporting.get(
        f"/orders/{order['id']}", headers=world.api.auth(coordinator)
    )
    document = Document(io.BytesIO(answer.content))
    text = _text(document)
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]

    assert "Приложение\nк приказу от 12.09.2025 № 17-н" in text
    assert "программой наставничества «Программа наставничества на 2025/26 учебный год», " in text
    assert "учебный год» на 2025/26" not in text
    assert "Установить период наставничества с 12.09.2025 по 31.08.2026." in text
    assert "Директор\t____________________ И.П. Орлова" in text
    acquainted = text.split("С приказом ознакомлены:\n", 1)[1].split("\n")
    assert [line.split("\t")[0] for line in acquainted[:2]] == [
        "Петров Пётр Ильич",
        "Сидоров Иван Олегович",
    ]
    assert rows[1][1:3] == ["Петров Пётр Ильич, 10А класс", "Сидоров Иван Олегович, 5Б класс"]


def test_every_document_is_a4_with_gost_margins_in_russian() -> None:
    """The page and language every generated DOCX starts from (ГОСТ Р 7.0.97-2016, п. 5.1)."""
    document = new_document()
    [section] = document.sections
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(m.mm) >= least for m, least in zip(margins, (20, 10, 20, 20), strict=True)] == [
        True
    ] * 4
    assert language.get(qn("w:val")) == "ru-RU"


# LibreOffice


def _pdf(content: bytes, name: str, tmp_path: Path) -> Path:
    """The DOCX converted by LibreOffice (its own profile: other runs may convert at once)."""
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            TOOLS["soffice"],
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert pdf.exists(), f"LibreOffice did not convert {name}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [TOOLS["pdftoppm"], "-png", "-r", "70", "-singlefile", str(pdf), str(ARTIFACTS / name)],
        check=True,
    )
    return pdf


def _words(text: str) -> list[str]:
    """Words, and the parts of hyphenated ones (a line may break after a hyphen)."""
    parts = text.replace("-", " ").replace("–", " ").split()
    return [w for w in (w.strip("«»,.;:()\"'") for w in parts) if len(w) > 1]


def _check_opened(content: bytes, name: str, tmp_path: Path) -> str:
    """Converts, every page A4, every word of its tables whole in the PDF (a column narrower
    than a word breaks it across lines); the PDF's text."""
    pdf = _pdf(content, name, tmp_path)
    info = subprocess.run(
        [TOOLS["pdfinfo"], "-l", "-1", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    assert sizes, info
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in sizes), sizes
    text = subprocess.run(
        [TOOLS["pdftotext"], "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    document = Document(io.BytesIO(content))
    room = text_width(document.sections[-1])
    for table in document.tables:
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        width = sum(int(c.get(qn("w:w")) or 0) for c in grid) * 635
        assert width <= room, f"{name}: a table is wider than the page's text"
    in_docx = Counter(_words(_text(document)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    in_docx.update(_words(" ".join(cells)))
    in_pdf = Counter(_words(text))
    broken = {w for w in _words(" ".join(cells)) if in_pdf[w] < in_docx[w]}
    assert not broken, f"{name}: words broken across lines in its tables: {sorted(broken)}"
    return text


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    world = await World(api).build()
    built = await GeneratedRegion(world).build()
    await _director(world, "s1", "Орлова Ирина Павловна")
    items = [{"item": n, "achieved": n != 6} for n in range(1, 13)]
    await api.command(
        "registry",
        f"/schools/{world.ids['s1']}/self-audit",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"school_year": YEAR, "items": items, "page_url": "https://s1.example.ru/mentoring"},
        expect=200,
        method="PUT",
    )
    return built


async def _get(api: Api, token: str, path: str, **params: Any) -> bytes:
    await api.caught_up(token)
    response = await api.reporting.get(path, params=params, headers=api.auth(token))
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.skipif(
    not all(TOOLS.values()) or not FONTS,
    reason="needs LibreOffice: apt-get install libreoffice-writer poppler-utils fonts-liberation",
)
async def test_every_generated_document_opens_in_libreoffice_on_a4(
    region: GeneratedRegion, tmp_path: Path
) -> None:
    world, api = region.world, region.api
    coordinator = world.coordinator("s1")
    listed = await api.graphql(
        coordinator,
        "query($p: ID!) { pairOrders(programmeId: $p) { id } }",
        p=region.programmes["s1"],
    )
    order_id = listed["data"]["pairOrders"][-1]["id"]
    reports = {
        "school-annual-report": (Role.SCHOOL_DIRECTOR, "s1", "school-annual"),
        "school-annual-report-no-self-audit": (Role.SCHOOL_DIRECTOR, "s3", "school-annual"),
        "municipality-summary": (Role.MUNICIPALITY_OFFICER, "m1", "municipality-summary"),
        "region-summary": (Role.REGION_OFFICER, "region", "region-summary"),
    }
    documents = {
        "order": await _get(api, coordinator, f"/orders/{order_id}"),
        "order-draft": await _get(
            api, coordinator, f"/programmes/{region.programmes['s1']}/order-draft"
        ),
    } | {
        name: await _get(
            api, world.token(role, scope), f"/reports/{report}", school_year=YEAR, on=str(ON)
        )
        for name, (role, scope, report) in reports.items()
    }
    texts = {name: _check_opened(content, name, tmp_path) for name, content in documents.items()}

    assert "И.П. Орлова" in texts["order"]
    assert "ПРОЕКТ" in texts["order-draft"]
    assert "Чек-лист самоаудита не заполнен." in texts["school-annual-report-no-self-audit"]
    assert "Не достигнуто: 1." not in texts["school-annual-report-no-self-audit"]
    assert "В среднем по ОО: охват наставничеством" in texts["municipality-summary"]
    assert "Второй округ: Школа № 3." in texts["region-summary"]
    assert (ARTIFACTS / "region-summary.png").stat().st_size > 0
    refused = await api.reporting.get(
        "/reports/region-summary",
        params={"school_year": YEAR},
        headers=api.auth(world.token(Role.MUNICIPALITY_OFFICER, "m1")),
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "region_scope_required")


async def test_the_reports_write_numbers_as_a_russian_reader_does(
    region: GeneratedRegion,
) -> None:
    world = region.world
    content = await _get(
        world.api,
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        "/reports/school-annual",
        school_year=YEAR,
        on=str(ON),
    )
    [indicators] = [
        [[c.text for c in row.cells] for row in t.rows]
        for t in Document(io.BytesIO(content)).tables
        if t.rows[0].cells[1].text == "Показатель"
    ]
    by_name = {row[1].rsplit(", ", 1)[0]: row for row in indicators[1:]}
    satisfaction = by_name["Удовлетворённость наставляемых"]
    _, ratings, mean = region.expected({"s1"})["mentee_satisfaction"]
    involved = by_name["Доля обучающихся, вовлечённых в наставничество"]
    numerator, denominator, share = region.expected({"s1"})["students_involved"]

    assert satisfaction[2] == f"{round(mean, 1):g}".replace(".", ",")
    assert satisfaction[3] == f"оценок: {ratings}"
    assert involved[2] == f"{round(share, 1):g}".replace(".", ",")
    assert involved[3] == f"{numerator} из {denominator}"
    assert not any(re.fullmatch(r"\d+ / \d+", cell) for row in indicators for cell in row)
