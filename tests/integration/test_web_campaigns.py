"""Monitoring campaigns in the web, without JavaScript: the school's first page shows the open
campaign, the school fills its form (a wrong answer comes back beside its item), saves a draft
and submits; the institute reads the results and reviews item by item, returns it, and the
school reads the recommendation; a municipality makes a form from a ready example."""

from __future__ import annotations

import re

from shared.kernel.principal import Role
from tests.conftest import World
from tests.web_support import WebClient

ANSWERS = {
    **{f"v_1.{n}": f"https://school1.ru/doc{n}" for n in range(1, 5)},
    "v_1.5": "yes",
    "e_1.5": "Программа на сайте школы",
}


async def test_a_school_answers_and_the_institute_reviews_on_the_pages(
    web: WebClient, world: World
) -> None:
    campaign = await world.campaign()
    page = f"/campaigns/{campaign}"
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))

    first = await web.get("/")
    assert "Идут мониторинги" in first.text
    assert f'href="{page}"' in first.text

    await web.get(page)
    wrong = await web.submit(page, {**ANSWERS, "v_1.1": "школа.рф", "action": "draft"})
    assert wrong.status_code == 400
    beside = re.search(r'id="item-1\.1".*?field-error[^>]*>([^<]+)<', wrong.text, re.S)
    assert beside is not None
    assert "ссылка" in beside.group(1)
    assert 'value="школа.рф"' in wrong.text  # what was typed stays

    saved = await web.submit(page, {**ANSWERS, "action": "draft"})
    assert saved.status_code == 303
    await web.get(page)
    sent = await web.submit(page, {**ANSWERS, "action": "submit"})
    assert sent.status_code == 303
    frozen = await web.get(page)
    assert "отправлен" in frozen.text
    assert "в срок" in frozen.text
    assert 'name="action"' not in frozen.text  # no form: a submitted answer is frozen

    await web.sign_in(world.token(Role.INSTITUTE_METHODOLOGIST, "region"))
    results = await web.get(page)
    assert results.status_code == 200, results.text
    table = results.text.split('id="organisations"')[1].split("</table>")[0]
    rows = re.findall(
        r"<tr>\s*<td>(?:<a [^>]+>)?([^<]+)(?:</a>)?</td>\s*<td>[^<]*</td><td>([^<]+)", table
    )
    assert dict(rows) == {"Школа № 1": "отправлен", "Школа № 2": "не приступили"}
    review = f"{page}/organisations/{world.ids['s1']}"
    await web.get(review)
    verdict = await web.submit(
        review,
        {
            "number": "1.5",
            "verdict": "partly",
            "missing": "1.5.2",
            "recommendation": "Опишите ожидаемые результаты программы",
        },
    )
    assert verdict.status_code == 303
    await web.get(review)
    returned = await web.submit(
        review, {"conclusion": "return", "comment": "Доработать программу наставничества"}
    )
    assert returned.status_code == 303

    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    again = await web.get(page)
    assert "Опишите ожидаемые результаты программы" in again.text
    assert "не выполнены 1.5.2" in again.text
    assert "возвращён на доработку" in again.text
    assert 'name="action"' in again.text  # the form is open again


async def test_the_school_confirms_or_corrects_what_the_platform_computed(
    web: WebClient, world: World
) -> None:
    campaign = await world.campaign("school")
    page = f"/campaigns/{campaign}"
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    form = await web.get(page)
    assert "Платформа: число наставников в утверждённых парах — <strong>0</strong>" in form.text
    assert 'name="v_3" value="0"' in form.text  # offered, to confirm
    assert "Платформа: выполнение дорожной карты, % — нет дорожной карты" in form.text
    corrected = await web.submit(page, {"v_3": "2", "action": "draft"})
    assert corrected.status_code == 400  # a correction needs its comment, beside the item
    beside = re.search(r'id="item-3".*?field-error[^>]*>([^<]+)<', corrected.text, re.S)
    assert beside is not None
    assert "комментарии" in beside.group(1)
    explained = await web.submit(
        page, {"v_3": "2", "c_3": "Два наставника утверждены приказом вчера", "action": "draft"}
    )
    assert explained.status_code == 303
    form = await web.get(page)  # a date is typed ДД.ММ.ГГГГ, never a browser's date picker
    assert 'type="date"' not in form.text
    dated = await web.submit(page, {"v_10": "20.09.2026", "action": "draft"})
    assert dated.status_code == 303
    again = await web.get(page)
    assert re.search(r'name="v_10"[^>]*value="20\.09\.2026"', again.text)


async def test_a_municipality_makes_the_three_forms_from_the_examples(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    for example in ("s1", "documents", "school"):
        await web.get("/campaigns")
        made = await web.submit("/campaigns/forms", {"example": example})
        assert made.status_code == 303
    listed = await web.get("/campaigns")
    for title in (
        "Чек-лист самоаудита Положения о системе наставничества ОО",
        "Перечень документов по внедрению целевой модели наставничества в ОО",
        "Мониторинг реализации целевой модели наставничества в ОО",
    ):
        assert f"{title}</a> (версия 1)" in listed.text
