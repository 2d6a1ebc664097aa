"""The roadmap page shows a roadmap as written: its blocks with their titles, each activity's
number and deadline in its own words, and what is overdue — over plain HTTP."""

from __future__ import annotations

import html
import re

from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_roadmap_fulfilment import ITEMS
from tests.integration.test_roadmap_fulfilment import enter as fulfilment_enter
from tests.integration.test_roadmaps_as_written import docx_of, enter, issue_order
from tests.roadmap_seeds import DONETSK, KOVROV, table_rows
from tests.web_support import WebClient, not_for_people


async def test_the_roadmap_page_follows_the_roadmaps_blocks_and_words(
    web: WebClient, world: World
) -> None:
    await enter(world, "s1", KOVROV)
    await web.sign_in(world.coordinator("s1"))

    page = html.unescape((await web.get("/roadmap")).text)
    headings = re.findall(r"<h2>([^<]+)</h2>", page)

    assert headings == [f"{number}. {title}" for number, title, _ in KOVROV.blocks]
    assert "1.4. Разработка плана мероприятий" in page
    assert "Октябрь-ноябрь 2020" in page
    assert "До 30.09. каждого учебного года" in page
    assert "По отдельному графику" in page
    # today (after 2024) no one-off of 2020 is overdue, only what falls due this school year
    assert not re.search(r"1\.1\. Утверждение[^<]*</td>\s*<td class=\"overdue\"", page)


async def test_a_roadmap_is_uploaded_reviewed_and_saved_on_the_page(
    web: WebClient, world: World
) -> None:
    rows = table_rows(DONETSK)
    rows[2][2] = "в начале учебного года"  # activity 1: words the platform cannot read
    await issue_order(world, "s1", DONETSK)
    await web.sign_in(world.coordinator("s1"))
    empty = (await web.get("/roadmap")).text

    review = await web.client.post(
        "/roadmap/import",
        data={"_csrf_token": web.csrf()},
        files={"file": ("карта.docx", docx_of(rows), "application/octet-stream")},
    )
    fields = dict(re.findall(r'name="([^"]+)" (?:type="[^"]+" )?value="([^"]*)"', review.text))
    stages = {
        f"block-{i}-stage": str(stage or "") for i, (_, _, stage) in enumerate(DONETSK.blocks)
    }
    unsettled = await web.submit("/roadmap/import/save", fields | stages)
    settled = {"item-0-deadline": "Сентябрь", "item-1-fulfilled": "base:mentee"}
    saved = await web.submit("/roadmap/import/save", fields | stages | settled)
    page = html.unescape((await web.get("/roadmap")).text)

    assert "/roadmap/import" in empty
    assert review.status_code == 400  # to settle: the unread deadline is marked beside its field
    assert 'id="e-item-0-deadline"' in review.text
    assert not_for_people(review.text) == []
    assert unsettled.status_code == 400
    assert "«в начале учебного года» не распознан" in html.unescape(unsettled.text)
    assert saved.status_code == 303
    assert re.findall(r"<h2>([^<]+)</h2>", page) == [f"{n}. {t}" for n, t, _ in DONETSK.blocks]
    assert "5. Организация и осуществление работы" in page
    assert "Ноябрь-май" in page
    assert 'aria-label="Чем выполняется мероприятие 2"' in review.text
    assert "Выполнится: начата база наставляемых" in page  # activity 2, as chosen on review


async def test_the_roadmap_page_shows_what_fulfilled_an_activity(
    web: WebClient, world: World
) -> None:
    await fulfilment_enter(world, "s1", ITEMS[:2])
    await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/regulations",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"title": "Положение о наставничестве", "version": "1", "adopted_on": "2025-11-14"},
    )
    await web.sign_in(world.coordinator("s1"))

    page = html.unescape((await web.get("/roadmap")).text)

    assert "Положение о наставничестве от 14.11.2025" in page
    assert "Выполнится: приказ об утверждении наставнических пар (групп)" in page
    assert not_for_people(page) == []
