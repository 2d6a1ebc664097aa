"""The participants' side in a real browser on a phone (Chromium at 390 × 844), against the four
services with the demo region: a teacher mentor logs a meeting from his link, the pupil opens
hers from the class's QR sheet and rates it, the parent reads and withdraws the consent and the
coordinator sees it; a leaked link revoked stops working at once. No participant page scrolls
sideways; screenshots of each land in tests/artifacts/screenshots/participant-*.png."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from services.demo_users import demo_token
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import page_faults

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=390, height=844)
PAIRS = """{ pairs(first: 200) { edges { node { id status form
  mentor { fullName kind } mentees { id fullName grade } } } } }"""


def a_teachers_pair(settings: Settings) -> dict[str, Any]:
    """An approved pair of demo school № 1 where a teacher mentors a pupil, as the coordinator
    reads it through reporting."""
    answer = httpx.post(
        f"{settings.url_of('reporting')}/graphql",
        json={"query": PAIRS},
        headers={"Authorization": f"Bearer {demo_token(settings, Role.SCHOOL_COORDINATOR)}"},
        timeout=30,
    ).json()
    pairs = [e["node"] for e in answer["data"]["pairs"]["edges"]]
    return next(
        p
        for p in pairs
        if p["status"] == "active"
        and p["form"] == "teacher_student"
        and len(p["mentees"]) == 1
        and p["mentees"][0]["grade"]
    )


async def phone(chromium: Browser, settings: Settings) -> Page:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{settings.web_port}", locale="ru-RU", viewport=PHONE
    )
    context.set_default_timeout(30_000)
    return await context.new_page()


async def fits(page: Page, shots: Path, name: str, scanned: bool = False) -> None:
    """The page does not scroll sideways at 390 px and axe-core finds no serious or critical
    violation on it (the coordinator's `page` fixture scans each page it loads itself); its
    screenshot is kept."""
    if scanned:
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url}: {width} px wide"
    else:
        assert await page_faults(page) == [], page.url
    await page.screenshot(path=shots / f"participant-{name}.png", full_page=True)


async def issued_link(page: Page, shots: Path, name: str, role_label: str) -> str:
    """The coordinator issues a person's link on «Ссылки участников»; its path (the sheet's)."""
    card = page.locator("li.card", has=page.get_by_role("heading", name=name))
    await card.get_by_label("Выдать ссылку").select_option(label=role_label)
    await card.get_by_role("button", name="Выдать").click()
    address = await page.locator(".handout .address").first.inner_text()
    await fits(page, shots, f"link-{role_label.split()[0]}", scanned=True)
    await page.goto("/links")
    return urlparse(address).path


async def test_a_mentor_a_pupil_and_a_parent_each_on_their_own_page(
    chromium: Browser, site: Settings, page: Page, screenshots: Path
) -> None:
    pair = a_teachers_pair(site)
    mentor, pupil = pair["mentor"]["fullName"], pair["mentees"][0]
    await page.set_viewport_size(PHONE)
    await sign_in_as(page, "Координатор школы № 1", "/links")

    # The class's QR sheet: one card per pupil, the pupil's among them.
    await page.get_by_label("Класс", exact=True).select_option(label=pupil["grade"])
    await page.get_by_role("button", name="Выдать ссылки и распечатать").click()
    handout = page.locator(".handout", has_text=pupil["fullName"])
    await expect(handout.locator("svg")).to_be_visible()
    pupil_link = urlparse(await handout.locator(".address").inner_text()).path
    await fits(page, screenshots, "qr-sheet", scanned=True)
    await page.goto("/links")
    mentor_link = await issued_link(page, screenshots, mentor, "наставнику")
    parent_link = await issued_link(page, screenshots, pupil["fullName"], "родителю")

    # The teacher mentor plans the next meeting and takes it to his calendar, then logs the
    # one held in under a minute and ticks a task of the plan.
    teacher = await phone(chromium, site)
    await teacher.goto(mentor_link)
    await fits(teacher, screenshots, "link")
    await teacher.get_by_role("button", name="Войти").click()
    mentors_pair = teacher.locator(f"#pair-{pair['id']}")
    await expect(mentors_pair).to_be_visible()
    planning = mentors_pair.locator("details", has_text="Запланировать встречу")
    await planning.get_by_text("Запланировать встречу").click()
    soon = region_today() + timedelta(days=2)
    await planning.get_by_label("Дата").fill(soon.strftime("%d.%m.%Y"))  # as a person types it
    await planning.get_by_label("Место или ссылка на онлайн-встречу").fill("каб. 21")
    await planning.get_by_role("button", name="Запланировать").click()
    await expect(teacher.get_by_text("Встреча запланирована")).to_be_visible()
    async with teacher.expect_download() as downloading:
        await mentors_pair.get_by_role("link", name="Добавить в календарь").click()
    saved = Path(await (await downloading.value).path())
    calendar = await asyncio.to_thread(saved.read_text)
    assert f"DTSTART:{soon:%Y%m%d}T150000" in calendar
    held = mentors_pair.locator("details", has_text="Записать проведённую встречу")
    # A pair yet to meet shows the form open, and its first meeting is the acquaintance.
    first = await held.get_attribute("open") is not None
    if not first:
        await held.get_by_text("Записать проведённую встречу").click()
    kind = "встреча-знакомство" if first else "рабочая встреча"
    await held.get_by_label("Встреча", exact=True).select_option(label=kind)
    await held.get_by_label("Тема").fill("Проект по физике")
    await held.get_by_label("Моя оценка встречи, 1–10").fill("9")
    await held.get_by_role("button", name="Записать встречу").click()
    await expect(teacher.get_by_text("Встреча записана")).to_be_visible()
    tick = mentors_pair.get_by_role("button", name="Выполнено")
    if await tick.count():
        await tick.first.click()
        await expect(teacher.get_by_text("Задача отмечена выполненной")).to_be_visible()
    await fits(teacher, screenshots, "mentor")

    # The pupil opens her link and rates the meeting in a few taps.
    child = await phone(chromium, site)
    await child.goto(pupil_link)
    await child.get_by_role("button", name="Войти").click()
    rating = child.locator("form.rate", has_text="Проект по физике")
    await fits(child, screenshots, "mentee")
    await expect(child.get_by_text(f"{soon:%d.%m.%Y}, 15:00")).to_be_visible()
    await rating.get_by_label("9", exact=True).check()
    await rating.get_by_role("button", name="Отправить оценку").click()
    await expect(child.get_by_text("Спасибо! Оценка сохранена")).to_be_visible()
    await expect(child.get_by_text("моя оценка 9").first).to_be_visible()
    await fits(child, screenshots, "mentee-rated")
    diagnostics = child.get_by_role("link", name="Входная диагностика")
    if await diagnostics.count():  # the entry diagnostics, answered as the pupil
        await diagnostics.first.click()
        await fits(child, screenshots, "survey")
        for question in await child.locator("fieldset").all():
            await question.get_by_label("7", exact=True).check()
        await child.get_by_role("button", name="Отправить ответы").click()
        await expect(child.get_by_text("Ответы на анкету сохранены")).to_be_visible()

    # The parent reads the consent and withdraws it; the coordinator sees it.
    parent = await phone(chromium, site)
    await parent.goto(parent_link)
    await parent.get_by_role("button", name="Войти").click()
    await expect(parent.get_by_text("152-ФЗ").first).to_be_visible()
    await fits(parent, screenshots, "parent")
    await parent.get_by_role("button", name="Отозвать согласие").click()
    confirm = parent.get_by_role("button", name="Да, отозвать согласие")
    await expect(confirm).to_be_visible()  # measured once the confirmation has loaded
    await fits(parent, screenshots, "parent-confirm")
    await confirm.click()
    await expect(parent.get_by_text("Согласие отозвано")).to_be_visible()
    await page.goto("/")
    await expect(page.get_by_text(pupil["fullName"]).first).to_be_visible()

    # A leaked link revoked stops working at once.
    await page.goto("/links")
    card = page.locator("li.card", has=page.get_by_role("heading", name=mentor))
    await card.get_by_role("button", name="Отозвать").click()
    await expect(page.get_by_text("Ссылка отозвана")).to_be_visible()
    await fits(page, screenshots, "links", scanned=True)
    stranger = await phone(chromium, site)
    await stranger.goto(mentor_link)
    await stranger.get_by_role("button", name="Войти").click()
    await expect(stranger.get_by_role("heading", name="Ссылка не работает")).to_be_visible()
    await fits(stranger, screenshots, "link-revoked")
    for opened in (teacher, child, parent, stranger):
        await opened.context.close()
    sign_again(site, pupil["id"])


def sign_again(settings: Settings, pupil_id: str) -> None:
    """The parent signs a new consent, which the coordinator records: the demo school the other
    browser tests share has its pupil's pair able to meet again."""
    answer = httpx.post(
        f"{settings.url_of('registry')}/people/{pupil_id}/consents",
        json={
            "signed_on": str(region_today()),
            "representative_name": "Волкова Ирина Сергеевна",
            "relation": "мать",
        },
        headers={"Authorization": f"Bearer {demo_token(settings, Role.SCHOOL_COORDINATOR)}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
