"""A school's pairs, matching, the order and surveys in the web interface, over plain HTTP."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from docx import Document

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_web_people import field_error
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
    "held_on": str(region_today()),
    "duration_minutes": "40",
    "format": "in_person",
    "topic": "Знакомство",
    "mentor_rating": "9",
    "mentor_comment": "Хорошее начало",
    "mentee_rating": "8",
    "mentee_comment": "",
}


async def test_a_meeting_with_errors_comes_back_beside_its_fields_then_is_recorded_and_completed(
    web: WebClient, world: World
) -> None:
    _, pair, mentor, mentee = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s1"))

    await web.get(f"/pairs/{pair}")
    future = str(region_today() + timedelta(days=3))
    refused = await web.submit(f"/pairs/{pair}/meetings", MEETING | {"held_on": future})
    assert refused.status_code == 400
    assert "после того, как она прошла" in field_error(refused.text, "held_on")
    assert 'value="Хорошее начало"' in refused.text

    out_of_scale = await web.submit(f"/pairs/{pair}/meetings", MEETING | {"mentor_rating": "11"})
    assert out_of_scale.status_code == 400
    assert field_error(out_of_scale.text, "mentor_rating") == "Не больше 10"
    # Four mistakes: all four said at once, each beside its field.
    four = {"held_on": "вчера", "duration_minutes": "2"} | {
        "mentor_rating": "11",
        "mentee_rating": "0",
    }
    mistakes = await web.submit(f"/pairs/{pair}/meetings", MEETING | four)
    assert mistakes.status_code == 400
    assert {name: field_error(mistakes.text, name) for name in four} == {
        "held_on": "Укажите дату в формате ДД.ММ.ГГГГ",
        "duration_minutes": "Не меньше 5",
        "mentor_rating": "Не больше 10",
        "mentee_rating": "Не меньше 1",
    }

    recorded = await web.submit(f"/pairs/{pair}/meetings", MEETING)
    assert recorded.status_code == 303
    page = (await web.get(f"/pairs/{pair}")).text
    assert "Встреча записана" in page
    assert "Хорошее начало" in page
    # the mentee gave no comment, only a rating: both sides have given feedback
    assert "Нет отзыва" not in page

    # a meeting without the mentee's feedback offers to add it later, for the mentee alone
    trial = MEETING | {"kind": "trial", "mentee_rating": ""}
    assert (await web.submit(f"/pairs/{pair}/meetings", trial)).status_code == 303
    page = (await web.get(f"/pairs/{pair}")).text
    assert "Нет отзыва" in page
    assert f'<option value="{mentee}">' in page
    assert f'<option value="{mentor}">' not in page
    feedback = re.search(r'action="(/pairs/[^"]+/feedback)"', page)
    assert feedback
    answer = {"author_id": mentee, "rating": "7", "comment": "Интересно"}
    assert (await web.submit(feedback.group(1), answer)).status_code == 303
    assert "Нет отзыва" not in (await web.get(f"/pairs/{pair}")).text


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
    empty = await web.submit(survey.group(1), {})
    # An empty survey: every scale question flagged at once, not the first alone.
    assert all(field_error(empty.text, f"q_{code}").startswith("Нет ответа") for code in codes)

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
        {"kind": "additional_duty", "signed_on": str(region_today())},
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
    draft_docx = await web.get("/orders/draft/docx")
    assert draft_docx.status_code == 200
    draft_text = "\n".join(p.text for p in Document(io.BytesIO(draft_docx.content)).paragraphs)
    assert draft_text.startswith("ПРОЕКТ")

    director = WebClient(web.client, web.api)
    await director.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"), next_path="/orders")
    await director.get("/orders")
    nothing = await director.submit("/orders", {"number": "5-о", "order_date": str(region_today())})
    assert nothing.status_code == 400
    assert field_error(nothing.text, "pair_ids") == "Выберите хотя бы одно значение"
    pair_id = re.search(r'name="pair_ids" value="([^"]+)"', nothing.text)
    assert pair_id
    approved = await director.submit(
        "/orders",
        {"number": "5-о", "order_date": str(region_today()), "pair_ids": pair_id.group(1)},
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
        "/orders", {"number": "6-о", "order_date": str(region_today()), "pair_ids": pair}
    )

    assert refused.status_code == 403
    assert "Нет доступа" in refused.text
    # What was refused and why, in the user's own school: not «другой организации».
    assert "Роль «координатор» не может утверждать пары" in refused.text
    assert "другой организации" not in refused.text


async def test_a_pairs_plan_is_drawn_up_with_its_errors_beside_the_fields(
    web: WebClient, world: World
) -> None:
    _, pair, _, _ = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s1"))
    today = region_today()
    plan = {
        "starts_on": str(today),
        "ends_on": str(today + timedelta(days=180)),
        "goals": "Подготовиться к ОГЭ по математике\nНаучиться планировать время",
        "tasks": f"Пробный экзамен; {(today + timedelta(days=60)).strftime('%d.%m.%Y')}",
    }

    await web.get(f"/pairs/{pair}")
    no_date = await web.submit(f"/pairs/{pair}/plan", plan | {"tasks": "Пробный экзамен"})
    assert no_date.status_code == 400
    assert field_error(no_date.text, "tasks") == "Строка 1: укажите задачу и срок через «;»"
    two_tasks = plan["tasks"] + "\nИтоговый экзамен; к маю"
    bad_date = await web.submit(f"/pairs/{pair}/plan", plan | {"tasks": two_tasks})
    assert bad_date.status_code == 400
    assert field_error(bad_date.text, "tasks") == "Строка 2: укажите дату в формате ДД.ММ.ГГГГ"
    too_short = await web.submit(
        f"/pairs/{pair}/plan", plan | {"ends_on": str(today + timedelta(days=20))}
    )
    assert too_short.status_code == 400
    assert field_error(too_short.text, "ends_on") == "Срок плана — от 3 месяцев до 1 года"
    assert "Научиться планировать время" in too_short.text

    saved = await web.submit(f"/pairs/{pair}/plan", plan)
    assert saved.status_code == 303
    page = (await web.get(f"/pairs/{pair}")).text
    assert "Индивидуальный план сохранён" in page
    assert "Пробный экзамен" in page
    task = re.search(rf'action="(/pairs/{pair}/plan/tasks/[^"]+/completion)"', page)
    assert task
    await web.submit(task.group(1))
    assert "выполнено 100%" in (await web.get(f"/pairs/{pair}")).text


async def test_matching_suggestions_are_explained_rejected_and_accepted(
    web: WebClient, world: World
) -> None:
    await world.programme("s1")
    coordinator = world.coordinator("s1")
    mentee = await world.person("s1", "Ученик С Запросом", "mentee", birth_date=date(2012, 4, 4))
    await world.api.command(
        "registry",
        f"/people/{mentee}/mentee-profile",
        coordinator,
        {"categories": ["low_results"], "needs": ["математика"]},
        expect=200,
        method="PUT",
    )
    mentors = {}
    for name in ("Первая Наставница", "Второй Наставник"):
        mentors[name] = await world.person("s1", name, "mentor")
        await world.api.command(
            "registry",
            f"/people/{mentors[name]}/mentor-questionnaire",
            coordinator,
            {"competences": ["математика"], "interests": [], "hours_per_month": 8},
            expect=200,
            method="PUT",
        )
    await web.sign_in(coordinator)

    matching = (await web.get("/matching")).text
    assert "математика" in matching  # the reason of the score names the topic
    for mentor in mentors.values():
        assert f'name="mentor_id" value="{mentor}"' in matching
    rejected = await web.submit(
        "/matching/rejections",
        {"mentee_id": mentee, "mentor_id": mentors["Второй Наставник"], "form": ""},
    )
    assert rejected.status_code == 303
    after = (await web.get("/matching")).text
    assert "Предложение отклонено" in after
    options = after[after.index('id="suggestions"') : after.index('id="unmatched"')]
    assert "Второй Наставник</td>" not in options
    accepted = await web.submit(
        "/matching/pairs",
        {
            "form": "teacher_student",
            "mentee_id": mentee,
            "mentor_id": mentors["Первая Наставница"],
            "basis": "suggested",
        },
    )
    assert accepted.status_code == 303
    draft = (await web.get("/orders")).text
    assert "Первая Наставница" in draft
    assert "по предложению подбора" in draft


async def test_the_roadmap_shows_overdue_items_and_takes_their_progress(
    web: WebClient, world: World
) -> None:
    coordinator, school = world.coordinator("s1"), world.ids["s1"]
    long_ago = region_today() - timedelta(days=400)
    await world.api.command(
        "programs",
        f"/schools/{school}/implementation",
        coordinator,
        {
            "number": "78-о",
            "order_date": str(long_ago),
            "period_from": str(long_ago),
            "period_to": str(long_ago + timedelta(days=1500)),
        },
    )
    await world.api.command("programs", f"/schools/{school}/roadmap/default", coordinator, {})
    await web.sign_in(coordinator)

    roadmap = (await web.get("/roadmap")).text
    overdue = re.search(r"просрочено: (\d+)", roadmap)
    assert overdue, "a roadmap adopted long ago has overdue items"
    item = re.search(r'<tr id="item-([^"]+)">(?:(?!</tr>).)*class="overdue"', roadmap, re.S)
    year = re.search(r'name="school_year" value="([^"]+)"', roadmap)
    assert item
    assert year
    reported = await web.submit(
        f"/roadmap/items/{item.group(1)}/progress",
        {"status": "done", "evidence": "Приказ № 80-о", "school_year": year.group(1)},
    )
    assert reported.status_code == 303
    assert reported.headers["location"] == f"/roadmap#item-{item.group(1)}"
    after = (await web.get("/roadmap")).text
    assert "Статус мероприятия записан" in after
    assert "Приказ № 80-о" in after
    still = re.search(r"просрочено: (\d+)", after)
    assert int(still.group(1) if still else 0) == int(overdue.group(1)) - 1


async def test_the_director_moves_the_programme_to_its_next_stage(
    web: WebClient, world: World
) -> None:
    await world.programme("s1")
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    await web.get("/programme")

    asked = await web.submit("/programme/stage", {"stage": "2"})
    assert asked.status_code == 200
    assert "Перейти к этапу 2: формирование базы наставляемых?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert re.search(r'class="current">Подготовка', (await web.get("/programme")).text)

    moved = await web.submit("/programme/stage", {"stage": "2", "confirmed": "yes"})

    assert moved.status_code == 303
    page = (await web.get("/programme")).text
    assert re.search(r'class="current">Формирование базы наставляемых', page)
    refused = await web.submit("/programme/meeting-rule", {"every_days": "0"})
    assert refused.status_code == 400
    assert field_error(refused.text, "every_days")


async def test_a_proposed_pair_is_withdrawn_only_once_confirmed(
    web: WebClient, world: World
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Отзываемый", "mentor")
    mentee = await world.person("s1", "Ученик Отзываемый", "mentee", birth_date=date(2012, 4, 4))
    pair = await world.pair("s1", programme, mentor, mentee, approve=False)
    await web.sign_in(world.coordinator("s1"))
    await web.get("/orders")

    asked = await web.submit(f"/pairs/{pair}/dissolution")

    assert asked.status_code == 200
    assert "Отозвать предложенную пару: Наставник Отзываемый, Ученик Отзываемый?" in asked.text
    assert "Наставник Отзываемый" in (await web.get("/orders")).text
    withdrawn = await web.submit(f"/pairs/{pair}/dissolution", {"confirmed": "yes"})
    assert withdrawn.status_code == 303
    assert "Наставник Отзываемый" not in (await web.get("/orders")).text


async def test_a_pupil_whose_consent_was_withdrawn_is_flagged_and_left_out_of_the_draft(
    web: WebClient, world: World
) -> None:
    programme = await world.programme("s1")
    coordinator = world.coordinator("s1")
    ready: list[str] = []
    withdrawn: list[str] = []
    for n, formed in ((1, ready), (2, withdrawn)):
        mentor = await world.person("s1", f"Наставник Согласий {n}", "mentor")
        await world.api.command(
            "registry",
            f"/people/{mentor}/consents",
            coordinator,
            {"kind": "additional_duty", "signed_on": str(region_today())},
        )
        mentee = await world.person(
            "s1", f"Ученик Согласий {n}", "mentee", birth_date=date(2012, 5, n)
        )
        formed.append(await world.pair("s1", programme, mentor, mentee, approve=False))
    await world.api.caught_up(coordinator)
    pairs = await world.api.graphql(
        coordinator, "{ pairs { edges { node { id mentees { id consents { id kind } } } } } }"
    )
    [pupil] = [
        n["node"]["mentees"][0]
        for n in pairs["data"]["pairs"]["edges"]
        if n["node"]["id"] == withdrawn[0]
    ]
    [consent] = [c["id"] for c in pupil["consents"] if c["kind"] == "personal_data"]
    await world.api.command(
        "registry",
        f"/people/{pupil['id']}/consents/{consent}/withdrawal",
        coordinator,
        {"withdrawn_on": str(region_today())},
        expect=200,
    )
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))

    draft = (await web.get("/orders")).text

    row = draft.split("Ученик Согласий 2")[1].split("</tr>")[0]
    assert "нет действующего согласия на обработку персональных данных" in row
    assert f'value="{withdrawn[0]}" aria-label="Включить в приказ">' in draft  # unticked
    assert f'value="{ready[0]}" aria-label="Включить в приказ" checked>' in draft


async def test_the_school_fills_its_self_audit_and_reads_the_recommendations(
    web: WebClient, world: World
) -> None:
    year = "2025/26"
    await web.sign_in(world.coordinator("s1"))
    empty = await web.get(f"/self-audit?year={year}")
    assert empty.status_code == 200
    assert "Чек-лист ещё не заполнен" in empty.text
    assert empty.text.count("нет ответа") == 12

    answers = {f"item_{n}": "yes" for n in range(1, 12)} | {"item_12": "no"}
    refused = await web.submit("/self-audit", answers | {"year": year, "page_url": "не ссылка"})
    assert refused.status_code == 400
    assert field_error(refused.text, "page_url")
    saved = await web.submit(
        "/self-audit",
        answers
        | {"year": year, "evidence_1": "Приказ № 12-о", "page_url": "https://s1.example.ru/n"},
    )
    assert saved.status_code == 303
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/self-audit/reviews",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"school_year": year, "item": 12, "achieved": False, "recommendation": "Откройте страницу"},
    )
    await world.api.caught_up(world.coordinator("s1"))

    page = (await web.get(saved.headers["location"])).text

    assert "Ответы самоаудита сохранены" in page
    assert "Приказ № 12-о" in page
    item = page.split('id="item-12"')[1].split("</li>")[0]
    assert "Откройте страницу" in item
    assert "пробел" in item


async def test_a_pair_ends_on_the_day_its_documents_give_once_confirmed(
    web: WebClient, world: World
) -> None:
    _, pair, _, _ = await school_with_a_pair(world)
    await web.sign_in(world.coordinator("s1"))
    page = (await web.get(f"/pairs/{pair}")).text
    assert 'id="f-ended_on" name="ended_on" type="text"' in page  # typed as ДД.ММ.ГГГГ
    ending = {"outcome": "ended_early", "initiator": "mentee", "reason": "relocation"}
    yesterday = region_today() - timedelta(days=1)

    asked = await web.submit(f"/pairs/{pair}/ending", ending | {"ended_on": str(yesterday)})
    assert asked.status_code == 200
    assert f"Работа завершена {yesterday:%d.%m.%Y}" in asked.text
    tomorrow = str(region_today() + timedelta(days=1))
    refused = await web.submit(
        f"/pairs/{pair}/ending", ending | {"ended_on": tomorrow, "confirmed": "yes"}
    )
    assert refused.status_code == 400
    assert "не может быть позже сегодняшнего дня" in field_error(refused.text, "ended_on")
    no_reason = await web.submit(
        f"/pairs/{pair}/ending",
        ending | {"reason": "", "ended_on": str(region_today()), "confirmed": "yes"},
    )
    assert "Укажите причину" in field_error(no_reason.text, "reason")

    ended = await web.submit(
        f"/pairs/{pair}/ending", ending | {"ended_on": str(region_today()), "confirmed": "yes"}
    )
    assert ended.status_code == 303
    after = (await web.get(f"/pairs/{pair}")).text
    assert f"прекращена досрочно {region_today():%d.%m.%Y}" in after
    assert 'action="/pairs/' + pair + "/ending" not in after
