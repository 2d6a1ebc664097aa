"""The import page in the web: a blank template of each base to download, and an import that
loaded with warnings shows them (plain HTTP, no browser)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from services.registry.columns import COLUMNS, Base
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_import_export import mentee_row, workbook
from tests.integration.test_web_people import upload
from tests.web_support import WebClient


@pytest.mark.parametrize("base", list(Base))
async def test_a_blank_template_of_each_base_is_linked_from_the_import_page(
    web: WebClient, world: World, base: Base
) -> None:
    await web.sign_in(world.coordinator("s1"))

    page = await web.get(f"/people/{base}/import")
    template = await web.get(f"/people/{base}/import/template")

    assert f'href="/people/{base}/import/template"' in page.text
    assert "Скачать пустой шаблон базы" in page.text
    assert template.status_code == 200
    assert template.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [list(COLUMNS[base])]
    assert sheet.title == ("База наставляемых" if base == Base.MENTEES else "База наставников")


async def test_a_template_is_for_a_schools_staff_only(web: WebClient, world: World) -> None:
    await web.sign_in(world.token(Role.REGION_OFFICER, "region"))

    answer = await web.get("/people/mentees/import/template")

    assert answer.status_code == 403


async def test_an_import_with_a_doubtful_birth_date_loads_and_shows_the_warning(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))
    odd = mentee_row(1) | {"Дата рождения": date(region_today().year, 1, 10), "Класс": "5А"}

    report = await upload(web, workbook([odd, mentee_row(2)]))

    assert "Все строки загружены" in report
    assert "Предупреждение: Дата рождения 10.01." in report
    assert "не подходит к классу «5А»" in report


async def test_a_file_too_large_is_told_on_the_form(web: WebClient, world: World) -> None:
    await web.sign_in(world.coordinator("s1"))
    await web.get("/people/mentees/import")

    answer = await web.client.post(
        "/people/mentees/import",
        data={"_csrf_token": web.csrf()},
        files={"file": ("base.xlsx", b"x" * (9 * 1024 * 1024), "application/octet-stream")},
        follow_redirects=False,
    )

    assert answer.status_code == 400
    assert "Файл больше 8 МБ: это не база школы" in answer.text
