"""A school's pairs, matching, the order and surveys in the web interface, over plain HTTP."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shared.auth import Role
from tests.conftest import World
from tests.test_web_people import field_error
from tests.web_support import WebClient


async def school_with_a_pair(world: World) -> tuple[str, str, str, str]:
    """A programme of school 1 with an approved pair; returns (programme, pair, mentor, mentee)."""
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Орлова Ирина Павловна", "mentor")
    mentee = await world.person("s1", "Орлов Денис Игоревич", "mentee", birth_date=date(2012, 1, 5))
    pair = await world.pair("s1", programme, mentor, mentee)
    return programme, pair, mentor, mentee


MEETING = {
    "kind": "introduction",
    "held_on": str(date.today()),
    "duration_minutes": "40",
    "format": "in_person",
    "topic": "Знакомство",
    "mentor_rating": "9",
    "mentor_comment": "Хорошее начало",
    "mentee_rating": "8",
    "mentee_comment": "",
}


async def test_a_meeting_with_errors_comes_back_beside_its_fields_then_is_recorded(
    web: WebClient, world: World
) -> None:
    _, pair, _, _ = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s1"))

    await web.get(f"/pairs/{pair}")
    future = str(date.today() + timedelta(days=3))
    refused = await web.submit(f"/pairs/{pair}/meetings", MEETING | {"held_on": future})
    assert refused.status_code == 400
    assert "после того, как она прошла" in field_error(refused.text, "held_on")
    assert 'value="Хорошее начало"' in refused.text

    out_of_scale = await web.submit(f"/pairs/{pair}/meetings", MEETING | {"mentor_rating": "11"})
    assert out_of_scale.status_code == 400
    assert field_error(out_of_scale.text, "mentor_rating") == "Не больше 10"

    recorded = await web.submit(f"/pairs/{pair}/meetings", MEETING)
    assert recorded.status_code == 303
    page = (await web.get(f"/pairs/{pair}")).text
    assert "Встреча записана" in page
    assert "Хорошее начало" in page
    # the mentee gave no comment, only a rating: both sides have given feedback
    assert "Нет отзыва" not in page


async def test_the_entry_diagnostics_is_due_until_answered(web: WebClient, world: World) -> None:
    _, pair, _, mentee = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s1"))
    page = (await web.get(f"/pairs/{pair}")).text
    survey = re.search(rf'href="(/pairs/{pair}/surveys/[^"]+/{mentee})">Входная диагностика', page)
    assert survey, "the entry diagnostics should be due"
    form = (await web.get(survey.group(1))).text
    codes = re.findall(r'name="q_([a-z_]+)" value="1"', form)
    assert codes

    missing = await web.submit(survey.group(1), {f"q_{codes[0]}": "7"})
    assert missing.status_code == 400
    assert "Нет ответа на вопрос" in missing.text
    assert field_error(missing.text, f"q_{codes[1]}").startswith("Нет ответа")

    answered = await web.submit(survey.group(1), {f"q_{code}": "7" for code in codes})
    assert answered.status_code == 303
    after = (await web.get(f"/pairs/{pair}")).text
    assert "Ответы на анкету записаны" in after
    assert "Входная диагностика</a>" not in after


async def test_another_schools_pair_is_not_found(web: WebClient, world: World) -> None:
    _, pair, _, _ = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s2"))

    response = await web.get(f"/pairs/{pair}")

    assert response.status_code == 404
    assert "Орлова Ирина Павловна" not in response.text


async def test_a_curator_overrides_matching_and_the_director_approves_the_order(
    web: WebClient, world: World
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Выбора", "mentor")
    mentee = await world.person("s1", "Ученик Без Пары", "mentee", birth_date=date(2012, 4, 4))
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": str(date.today())},
    )
    await web.sign_in(world.token(Role.SCHOOL_CURATOR, "s1"))
    matching = await web.get("/matching")
    assert "Ученик Без Пары" in matching.text

    formed = await web.submit(
        "/matching/pairs",
        {"form": "teacher_student", "mentee_id": mentee, "mentor_id": mentor, "basis": "chosen"},
    )
    assert formed.status_code == 303
    draft = await web.get("/orders")
    assert "Наставник Выбора" in draft.text
    assert "Утвердить пары приказом" not in draft.text  # the director signs orders

    director = WebClient(web.client, web.api)
    await director.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"), next_path="/orders")
    await director.get("/orders")
    nothing = await director.submit("/orders", {"number": "5-о", "order_date": str(date.today())})
    assert nothing.status_code == 400
    assert field_error(nothing.text, "pair_ids") == "Выберите хотя бы одно значение"
    pair_id = re.search(r'name="pair_ids" value="([^"]+)"', nothing.text)
    assert pair_id
    approved = await director.submit(
        "/orders",
        {"number": "5-о", "order_date": str(date.today()), "pair_ids": pair_id.group(1)},
    )
    assert approved.status_code == 303
    orders = (await director.get("/orders")).text
    assert "Приказ № 5-о издан" in orders
    docx = re.search(r'href="(/orders/[^"]+/docx)"', orders)
    assert docx
    document = await director.get(docx.group(1))
    assert document.status_code == 200
    assert document.content[:2] == b"PK"  # a Word document is a zip
    assert programme  # the order belongs to the school's programme


async def test_a_coordinator_may_not_issue_the_order(web: WebClient, world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Проекта", "mentor")
    mentee = await world.person("s1", "Ученик Проекта", "mentee", birth_date=date(2012, 4, 4))
    pair = await world.pair("s1", programme, mentor, mentee, approve=False)
    await web.sign_in(world.coordinator("s1"))
    await web.get("/orders")

    refused = await web.submit(
        "/orders", {"number": "6-о", "order_date": str(date.today()), "pair_ids": pair}
    )

    assert refused.status_code == 403
    assert "Нет доступа" in refused.text
