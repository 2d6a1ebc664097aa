"""The bases of mentees and mentors in the web interface, over plain HTTP (no browser)."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook

from shared.adapters.settings import region_today
from tests.conftest import EventCounter, World
from tests.integration.test_import_export import mentee_row, workbook
from tests.web_support import WebClient

NEW_MENTEE = {
    "full_name": "Орлов Денис Игоревич",
    "kind": "student",
    "birth_date": "2012-10-03",
    "grade": "7А",
    "consent_signed_on": "2025-09-01",
    "representative_name": "Орлова Анна Сергеевна",
    "relation": "мать",
}


async def add_mentee(web: WebClient, **changes: str) -> str:
    await web.get("/people/mentees/new")
    response = await web.submit("/people/mentees/new", NEW_MENTEE | changes)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', html)
    return found.group(1) if found else ""


async def test_a_coordinator_adds_a_mentee_and_sees_the_card_with_who_signed_the_consent(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))

    card_path = await add_mentee(web)
    card = await web.get(card_path)

    assert card.status_code == 200
    assert "Человек добавлен в базу" in card.text
    assert "Орлов Денис Игоревич" in card.text
    assert "Орлова Анна Сергеевна (мать)" in card.text
    listing = await web.get("/people/mentees?search=орлов")
    assert "Орлов Денис Игоревич" in listing.text
    assert "Найдено: 1" in listing.text
    assert "Найдено: 0" in (await web.get("/people/mentees?search=Петров")).text


async def test_a_refused_form_comes_back_with_messages_beside_fields_and_values_kept(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))
    await add_mentee(web)

    await web.get("/people/mentees/new")
    duplicate = await web.submit("/people/mentees/new", NEW_MENTEE | {"grade": "8Б"})
    assert duplicate.status_code == 400
    assert "уже" in field_error(duplicate.text, "full_name")
    assert 'value="8Б"' in duplicate.text

    await web.get("/people/mentees/new")
    bad = await web.submit(
        "/people/mentees/new", NEW_MENTEE | {"full_name": "", "birth_date": "31.02.2012"}
    )
    assert bad.status_code == 400
    assert field_error(bad.text, "full_name") == "Заполните поле"

    await web.get("/people/mentees/new")
    bad_date = await web.submit(
        "/people/mentees/new",
        NEW_MENTEE | {"full_name": "Новый Ученик", "birth_date": "31.02.2012"},
    )
    assert bad_date.status_code == 400
    assert field_error(bad_date.text, "birth_date") == "Укажите дату в формате ДД.ММ.ГГГГ"
    assert 'value="31.02.2012"' in bad_date.text
    assert "Traceback" not in bad_date.text
    assert "msgspec" not in bad_date.text


async def test_another_schools_person_is_not_found(web: WebClient, world: World) -> None:
    stranger = await world.person("s2", "Ученик Чужой Школы", "mentee", birth_date=date(2012, 1, 1))
    await web.sign_in(world.coordinator("s1"))

    response = await web.get(f"/people/mentees/{stranger}")

    assert response.status_code == 404
    assert "принадлежит другой организации" in response.text
    assert "Ученик Чужой Школы" not in response.text


async def test_a_consent_is_recorded_and_its_errors_shown_beside_its_fields(
    web: WebClient, world: World
) -> None:
    teacher = await world.person("s1", "Учитель Без Согласия", "mentor", consent=False)
    await web.sign_in(world.coordinator("s1"))
    path = f"/people/mentors/{teacher}"

    await web.get(path)
    refused = await web.submit(
        f"{path}/consents",
        {"kind": "personal_data", "signed_on": "2025-09-10", "expires_on": "2025-09-01"},
    )
    assert refused.status_code == 400, refused.text
    assert field_error(refused.text, "expires_on")

    await web.get(path)
    signed = await web.submit(
        f"{path}/consents", {"kind": "personal_data", "signed_on": "2025-09-10"}
    )
    assert signed.status_code == 303
    card = await web.get(path)
    assert "Согласие записано" in card.text
    assert "действует" in card.text


async def test_an_import_with_bad_rows_shows_each_rows_errors_and_a_good_one_loads(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))
    bad = workbook([mentee_row(1), mentee_row(2) | {"Вид": "марсианин"}])

    report = await upload(web, bad)

    assert "не загружено" in report
    assert re.search(r'<td class="number">3</td><td>Вид</td><td>Неизвестный вид', report)
    good = await upload(web, workbook([mentee_row(1), mentee_row(2)]))
    assert "Все строки загружены" in good
    assert "Найдено: 2" in (await web.get("/people/mentees?search=Тестовый")).text

    exported = await web.get("/people/mentees/export")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert sheet["A1"].value == "ФИО"
    assert sheet.max_row == 3


async def upload(web: WebClient, content: bytes) -> str:
    await web.get("/people/mentees/import")
    started = await web.client.post(
        "/people/mentees/import",
        data={"_csrf_token": web.csrf()},
        files={"file": ("base.xlsx", content, "application/octet-stream")},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    for _ in range(300):
        status = await web.get(started.headers["location"])
        if "<progress" not in status.text:  # finished: no progress bar to follow
            return status.text
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def test_a_mentors_questionnaire_is_edited_and_its_errors_shown(
    web: WebClient, world: World
) -> None:
    mentor = await world.person("s1", "Наставник С Анкетой", "mentor")
    await web.sign_in(world.coordinator("s1"))
    path = f"/people/mentors/{mentor}/profile"

    await web.get(path)
    refused = await web.submit(
        path, {"competences": "математика, олимпиады", "hours_per_month": "", "capacity": "2"}
    )
    assert refused.status_code == 400
    assert field_error(refused.text, "hours_per_month") == "Укажите число"
    assert 'value="математика, олимпиады"' in refused.text

    saved = await web.submit(
        path, {"competences": "математика, олимпиады", "hours_per_month": "6", "capacity": "2"}
    )
    assert saved.status_code == 303
    card = (await web.get(f"/people/mentors/{mentor}")).text
    assert "математика, олимпиады" in card
    assert "до 2" in card


async def test_a_consent_is_withdrawn_from_the_card(web: WebClient, world: World) -> None:
    teacher = await world.person("s1", "Учитель Отзывающий", "mentor")
    await web.sign_in(world.coordinator("s1"))
    card = await web.get(f"/people/mentors/{teacher}")
    withdrawal = re.search(r'action="(/people/mentors/[^"]+/withdrawal)"', card.text)
    assert withdrawal
    assert 'name="withdrawn_on" type="text"' in card.text  # the day the written withdrawal gives
    yesterday = region_today() - timedelta(days=1)

    asked = await web.submit(withdrawal.group(1), {"withdrawn_on": str(yesterday)})

    # First the question, on a page of its own (no JavaScript): nothing is withdrawn yet.
    assert asked.status_code == 200
    assert "Отозвать согласие: Учитель Отзывающий?" in asked.text
    assert f"Согласие отозвано {yesterday:%d.%m.%Y} по заявлению" in asked.text
    assert "отозвано" not in (await web.get(f"/people/mentors/{teacher}")).text
    await web.get(f"/people/mentors/{teacher}")
    response = await web.submit(
        withdrawal.group(1), {"withdrawn_on": str(yesterday), "confirmed": "yes"}
    )
    assert response.status_code == 303
    after = (await web.get(f"/people/mentors/{teacher}")).text
    assert "Согласие отозвано" in after
    assert f"отозвано {yesterday:%d.%m.%Y}" in after


async def test_a_search_reads_yo_as_ye(web: WebClient, world: World) -> None:
    await world.person("s1", "Фёдоров Пётр Семёнович", "mentor")
    await world.person("s1", "Федорова Анна Олеговна", "mentor")
    await web.sign_in(world.coordinator("s1"))

    for typed in ("Федоров", "фёдоров", "ФЕДОРОВ"):
        found = (await web.get(f"/people/mentors?search={typed}")).text
        assert "Найдено: 2" in found, typed
        assert "Фёдоров Пётр Семёнович" in found
    assert "Найдено: 1" in (await web.get("/people/mentors?search=Петр Семенович")).text
    assert "Найдено: 0" in (await web.get("/people/mentors?search=%25")).text  # «%» as typed


async def test_the_card_names_staff_roles_and_sources_in_russian(
    web: WebClient, world: World
) -> None:
    teacher = await world.person("s1", "Учитель Рабочей Группы", "mentor")
    pupil = await world.person("s1", "Ученик Со Сведениями", "mentee", birth_date=date(2012, 2, 2))
    coordinator = world.coordinator("s1")
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        coordinator,
        {"role": "working_group_member", "area": "мониторинг"},
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/people/{pupil}/third-party-information",
        coordinator,
        {"source": "class_teacher", "information": "Нуждается в поддержке"},
    )
    await web.sign_in(coordinator)

    card = (await web.get(f"/people/mentors/{teacher}")).text
    profile = (await web.get(f"/people/mentees/{pupil}")).text

    assert "член рабочей группы" in card
    assert "классный руководитель: Нуждается в поддержке" in profile


async def test_a_form_sent_twice_adds_the_person_once(
    web: WebClient, world: World, events: EventCounter
) -> None:
    await web.sign_in(world.coordinator("s1"))
    form = await web.get("/people/mentees/new")
    before = await events()

    first = await web.submit("/people/mentees/new", NEW_MENTEE)
    after_first = await events()
    web.last = form  # the browser sends the same page's form again
    second = await web.submit("/people/mentees/new", NEW_MENTEE)

    assert first.status_code == second.status_code == 303, second.text
    assert first.headers["location"] == second.headers["location"]
    assert after_first[0] > before[0]
    assert await events() == after_first
    listing = await web.get("/people/mentees?search=орлов")
    assert "Найдено: 1" in listing.text
