"""The roadmap page shows a roadmap as written: its blocks with their titles, each activity's
number and deadline in its own words, and what is overdue — over plain HTTP."""

from __future__ import annotations

import html
import re

from tests.conftest import World
from tests.integration.test_roadmaps_as_written import enter
from tests.roadmap_seeds import KOVROV
from tests.web_support import WebClient


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
