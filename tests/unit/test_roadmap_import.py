"""Reading a roadmap from a school's table: columns by their Russian headers, block rows,
numbers in their own column or inside the text, every deadline read or listed to settle."""

from __future__ import annotations

import io
import zipfile

import pytest

from services.programs.roadmap_import import MAX_UNPACKED_BYTES, read_roadmap, recognise
from shared.kernel.errors import InvalidInput
from tests.roadmap_seeds import (
    DONETSK,
    KOVROV,
    NOVOKUZNETSK,
    SeedRoadmap,
    stage_table_rows,
    table_rows,
)


@pytest.mark.parametrize("roadmap", [KOVROV, NOVOKUZNETSK, DONETSK])
def test_a_seed_table_reads_back_as_written(roadmap: SeedRoadmap) -> None:
    draft = recognise(table_rows(roadmap))

    assert [{k: v for k, v in i.items() if k != "control_point"} for i in draft.items] == (
        roadmap.items()
    )
    assert [(b["number"], b["title"]) for b in draft.blocks.values()] == [
        (n, t) for n, t, _ in roadmap.blocks
    ]
    assert (draft.unread, draft.skipped) == ([], [])


def test_the_form_of_seed_003_with_stage_rows_and_numbers_in_the_text() -> None:
    draft = recognise(stage_table_rows(NOVOKUZNETSK))

    assert [i["number"] for i in draft.items] == [r[0] for r in NOVOKUZNETSK.rows]
    assert draft.items[5]["control_point"]  # «Контрольная точка (далее – КТ) – …»
    assert list(draft.blocks) == ["1", "2", "3", "4", "5", "6", "7"]


def test_unread_deadlines_and_stray_rows_are_listed_to_settle() -> None:
    rows = [
        ["№", "Мероприятие", "Сроки", "Ответственные", "Результат"],
        ["1.", "Подготовка", "", "", ""],
        ["1.1.", "Приказ", "Октябрь 2020", "Директор", "Приказ"],
        ["1.2.", "Положение", "когда будет готово", "Рабочая группа", ""],
        ["", "", "Июль", "Социальный педагог", ""],
    ]

    draft = recognise(rows)

    assert draft.unread == [
        {
            "row": 4,
            "number": "1.2",
            "field": "items[1].deadline",
            "words": "когда будет готово",
            "message": "Срок не распознан: укажите его иначе",
        }
    ]
    assert draft.skipped == [{"row": 5, "message": "Строка без номера мероприятия"}]
    assert draft.deadlines == [{"number": "1.1", "kind": "месяц"}]


def test_a_table_without_activities_and_deadlines_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        recognise([["ФИО", "Должность"], ["Иванов", "учитель"]])
    assert refused.value.code == "roadmap_columns_missing"


def test_a_file_that_unpacks_too_large_or_is_no_archive_is_refused_before_reading() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (MAX_UNPACKED_BYTES + 1))
    with pytest.raises(InvalidInput) as too_large:
        read_roadmap(bomb.getvalue())
    with pytest.raises(InvalidInput) as not_a_file:
        read_roadmap(b"%PDF-1.4 not a table")
    assert (too_large.value.code, not_a_file.value.code) == (
        "roadmap_file_too_large",
        "roadmap_file_unreadable",
    )
