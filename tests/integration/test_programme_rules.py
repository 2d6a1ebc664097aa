"""The rules of a programme's work: groups and capacity, the meeting sequence, endings, survey
answers and template versions, the roadmap's overdue items, rejected suggestions. Every refusal
is a clear 4xx that stores no event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, nodes


async def refused(
    world: World, events: EventCounter, path: str, body: dict[str, Any], status: int = 422
) -> str:
    """Send a command that must fail; return its error code after checking nothing was stored."""
    before = await events()
    answer = await world.api.command("programs", path, world.coordinator("s1"), body, status)
    assert await events() == before
    assert answer["message"]
    code: str = answer["code"]
    return code


async def test_a_group_counts_every_mentee_against_the_mentors_capacity(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Группы", "mentor", capacity=2)
    mentees = [await world.person("s1", f"Ученик {n}", "mentee") for n in range(3)]
    path = f"/programmes/{programme}/pairs"
    group = {"form": "teacher_student", "mentor_id": mentor}

    over = await refused(world, events, path, group | {"mentee_ids": mentees})
    twice = await refused(world, events, path, group | {"mentee_ids": [mentees[0]] * 2})
    formed = await world.api.command(
        "programs", path, world.coordinator("s1"), group | {"mentee_ids": mentees[:2]}
    )
    full = await refused(world, events, path, group | {"mentee_ids": [mentees[2]]})
    await world.api.command(
        "programs",
        f"/pairs/{formed['id']}/dissolution",
        world.coordinator("s1"),
        {"reason": "пересмотр подбора"},
        expect=200,
    )
    await world.api.command(
        "programs", path, world.coordinator("s1"), group | {"mentee_ids": [mentees[2]]}
    )

    assert (over, twice, full) == ("mentor_at_capacity", "repeated_mentee", "mentor_at_capacity")


async def test_meetings_follow_the_standard_sequence_and_a_pair_ends_with_the_final_one(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Встреч", "mentor")
    mentee = await world.person("s1", "Ученик Встреч", "mentee")
    pair = await world.pair("s1", programme, mentor, mentee)
    meetings = f"/pairs/{pair}/meetings"
    regular = {"kind": "regular", "held_on": str(region_today()), "duration_minutes": 40}

    first_regular = await refused(world, events, meetings, regular)
    await world.meeting("s1", pair)
    second_introduction = await refused(world, events, meetings, regular | {"kind": "introduction"})
    future = await refused(
        world, events, meetings, regular | {"held_on": str(region_today() + timedelta(1))}
    )
    before_order = await refused(
        world, events, meetings, regular | {"held_on": str(region_today() - timedelta(days=1))}
    )
    early_completion = await refused(
        world,
        events,
        f"/pairs/{pair}/ending",
        {"outcome": "completed", "ended_on": str(region_today())},
    )
    no_reason = await refused(
        world,
        events,
        f"/pairs/{pair}/ending",
        {"outcome": "ended_early", "ended_on": str(region_today()), "initiator": "mentee"},
    )
    await world.api.command(
        "programs",
        f"/pairs/{pair}/ending",
        world.coordinator("s1"),
        {
            "outcome": "ended_early",
            "ended_on": str(region_today()),
            "initiator": "mentee",
            "reason": "relocation",
            "summary": "Семья переехала",
        },
        expect=200,
    )
    after_end = await refused(world, events, meetings, regular)
    ended = await world.api.graphql(
        world.coordinator("s1"), "{ pairs { edges { node { status outcome endedBy endReason } } } }"
    )

    assert (first_regular, second_introduction) == ("meeting_out_of_sequence",) * 2
    assert (future, before_order) == ("meeting_in_future", "meeting_before_order")
    assert (early_completion, no_reason, after_end) == (
        "final_meeting_missing",
        "reason_missing",
        "pair_not_active",
    )
    assert ended["data"]["pairs"]["edges"][0]["node"] == {
        "status": "ended",
        "outcome": "ended_early",
        "endedBy": "mentee",
        "endReason": "relocation",
    }


async def test_a_survey_answer_outside_its_scale_is_refused_and_a_revision_keeps_old_answers(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentee = await world.person("s1", "Ученик Анкеты", "mentee")
    methodologist = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    template = await world.api.command(
        "programs",
        "/survey-templates",
        methodologist,
        {
            "title": "Анкета региона",
            "purpose": "other",
            "respondent": "mentee",
            "questions": [
                {"code": "mood", "text": "Настроение", "kind": "scale"},
                {"code": "club", "text": "Кружок", "kind": "single", "options": ["да", "нет"]},
            ],
        },
    )
    path = f"/programmes/{programme}/survey-responses"
    body = {
        "template_id": template["id"],
        "respondent_id": mentee,
        "answered_on": str(region_today()),
    }

    out_of_scale = await refused(world, events, path, body | {"answers": {"mood": 11}}, 400)
    not_an_option = await refused(
        world, events, path, body | {"answers": {"mood": 5, "club": "может"}}, 400
    )
    missing = await refused(world, events, path, body | {"answers": {"mood": 5}}, 400)
    unknown = await refused(
        world, events, path, body | {"answers": {"mood": 5, "club": "да", "x": 1}}, 400
    )
    await world.api.command(
        "programs",
        path,
        world.coordinator("s1"),
        body | {"answers": {"mood": 6, "club": "да"}},
    )
    by_school = await world.api.command(
        "programs",
        f"/survey-templates/{template['id']}",
        world.coordinator("s1"),
        {"title": "Чужая правка", "questions": [{"code": "a", "text": "А", "kind": "yes_no"}]},
        expect=422,
        method="PUT",
    )
    await world.api.command(
        "programs",
        f"/survey-templates/{template['id']}",
        methodologist,
        {
            "title": "Анкета региона, ред. 2",
            "questions": [{"code": "ok", "text": "Всё хорошо", "kind": "yes_no"}],
        },
        method="PUT",
        expect=200,
    )
    results = await world.api.graphql(
        world.coordinator("s1"),
        """query($id: ID!) {
        surveyResults(programmeId: $id) { version title questions { code mean } }
        surveyTemplates(purpose: "other") { edges { node { version questions { code } } } } }""",
        id=programme,
    )

    assert (out_of_scale, not_an_option) == ("answer_out_of_scale", "answer_not_an_option")
    assert (missing, unknown) == ("answer_missing", "unknown_question")
    assert by_school["code"] == "template_of_other_organisation"
    assert results["data"]["surveyResults"] == [
        {
            "version": 1,
            "title": "Анкета региона",
            "questions": [{"code": "mood", "mean": 6.0}, {"code": "club", "mean": None}],
        }
    ]
    assert nodes(results["data"]["surveyTemplates"]) == [
        {"version": 2, "questions": [{"code": "ok"}]}
    ]


async def test_the_default_templates_are_there_for_every_school(world: World) -> None:
    answer = await world.api.graphql(
        world.coordinator("s3"),
        "{ surveyTemplates { edges { node { purpose platformDefault } } } }",
    )
    templates = nodes(answer["data"]["surveyTemplates"])

    assert {t["purpose"] for t in templates} == {
        "entry_diagnostics",
        "exit_diagnostics",
        "mentee_satisfaction",
        "mentor_satisfaction",
        "curator",
        "swot",
    }
    assert all(t["platformDefault"] for t in templates)


async def test_overdue_roadmap_items_show_to_the_school_and_its_municipality_only(
    world: World, events: EventCounter
) -> None:
    school = str(world.ids["s1"])
    no_order = await refused(world, events, f"/schools/{school}/roadmap/default", {})
    await world.api.command(
        "programs",
        f"/schools/{school}/implementation",
        world.coordinator("s1"),
        {
            "number": "1",
            "order_date": str(region_today() - timedelta(days=30)),
            "period_from": str(region_today() - timedelta(days=30)),
            "period_to": str(region_today() + timedelta(days=700)),
        },
    )
    again = await refused(
        world,
        events,
        f"/schools/{school}/implementation",
        {
            "number": "2",
            "order_date": str(region_today()),
            "period_from": str(region_today()),
            "period_to": str(region_today() + timedelta(days=7)),
        },
    )
    late = await world.api.command(
        "programs",
        f"/schools/{school}/roadmap/items",
        world.coordinator("s1"),
        {
            "stage": 2,
            "activity": "Сбор согласий",
            "deadline": {"on": str(region_today() - timedelta(1))},
        },
    )
    bad_day = await refused(
        world,
        events,
        f"/schools/{school}/roadmap/items",
        {"stage": 2, "activity": "Нет такого дня", "deadline": {"month": 2, "day": 30}},
    )
    both = await refused(
        world,
        events,
        f"/schools/{school}/roadmap/items",
        {
            "stage": 2,
            "activity": "Два срока",
            "deadline": {"on": str(region_today()), "month": 9, "day": 30},
        },
    )
    query = """query($s: ID!) { roadmap(schoolId: $s) { overdueCount
               items { id activity overdue } } }"""
    municipality = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m1"), query, s=school
    )
    other_municipality = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m2"), query, s=school
    )
    other_school = await world.api.graphql(world.coordinator("s2"), query, s=school)

    assert no_order == "implementation_missing"
    assert (again, bad_day, both) == ("implementation_exists", "deadline_shape", "deadline_shape")
    items = municipality["data"]["roadmap"]["items"]
    assert [i["activity"] for i in items if i["overdue"]] == ["Сбор согласий"]
    assert items[0]["id"] == late["id"]
    assert municipality["data"]["roadmap"]["overdueCount"] == 1
    assert other_municipality["data"]["roadmap"] is None
    assert other_school["data"]["roadmap"] is None


async def test_a_rejected_suggestion_is_not_offered_again(world: World) -> None:
    programme = await world.programme("s1")
    mentors = [await world.person("s1", f"Наставник {n}", "mentor") for n in "АБ"]
    mentee = await world.person("s1", "Ученик Выбора", "mentee")
    query = """query($id: ID!) { programmeMatching(programmeId: $id) {
        suggestions { options { mentor { id } } } assignment { mentor { id } } } }"""
    await world.api.command(
        "programs",
        f"/programmes/{programme}/rejected-suggestions",
        world.coordinator("s1"),
        {"mentee_id": mentee, "mentor_id": mentors[0], "reason": "несовпадение графиков"},
    )
    twice = await world.api.command(
        "programs",
        f"/programmes/{programme}/rejected-suggestions",
        world.coordinator("s1"),
        {"mentee_id": mentee, "mentor_id": mentors[0]},
        expect=422,
    )

    matching = (await world.api.graphql(world.coordinator("s1"), query, id=programme))["data"]

    offered = {
        o["mentor"]["id"]
        for s in matching["programmeMatching"]["suggestions"]
        for o in s["options"]
    }
    assert offered == {mentors[1]}
    assert twice["code"] == "suggestion_already_rejected"


async def test_a_curator_must_hold_the_schools_curator_role_for_the_form(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1", ["teacher_student", "student_student"])
    teacher = await world.person("s1", "Учитель Без Роли", "mentor")
    path = f"/programmes/{programme}/description"
    description = {
        "starts_on": str(region_today()),
        "ends_on": str(region_today() + timedelta(days=200)),
    }

    def curating(*forms: str) -> dict[str, Any]:
        return description | {"goals": ["Адаптация"], "curators": dict.fromkeys(forms, teacher)}

    async def describe(body: dict[str, Any], status: int) -> Any:
        before = await events()
        answer = await world.api.command(
            "programs", path, world.coordinator("s1"), body, status, "PUT"
        )
        assert (await events() == before) == (status != 200)
        return answer

    without_role = await describe(curating("teacher_student"), 422)
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        world.coordinator("s1"),
        {"role": "curator", "forms": ["teacher_student"]},
        expect=200,
    )
    other_form = await describe(curating("teacher_student", "student_student"), 422)
    await describe(curating("teacher_student"), 200)

    assert without_role["code"] == other_form["code"] == "not_a_curator"
    assert other_form["details"] == {"person_id": teacher, "form": "student_student"}


async def test_the_form_decides_who_may_mentor(world: World, events: EventCounter) -> None:
    programme = await world.programme("s1", ["teacher_student", "student_student"])
    teacher = await world.person("s1", "Учитель Наставник", "mentor")
    senior = await world.person(
        "s1",
        "Старшеклассник Наставник",
        "mentor",
        birth_date=region_today() - timedelta(days=16 * 365),
    )
    pupil = await world.person(
        "s1",
        "Пятиклассник Подопечный",
        "mentee",
        birth_date=region_today() - timedelta(days=12 * 365),
    )
    young = await world.person("s1", "Молодой Педагог", "mentee")
    path = f"/programmes/{programme}/pairs"

    def pair(form: str, mentor: str, mentee: str) -> dict[str, Any]:
        return {"form": form, "mentor_id": mentor, "mentee_ids": [mentee]}

    teacher_as_pupil = await refused(world, events, path, pair("student_student", teacher, pupil))
    pupil_as_teacher = await refused(world, events, path, pair("teacher_student", senior, pupil))
    teacher_mentee = await refused(world, events, path, pair("student_student", senior, young))
    query = """query($id: ID!, $form: String!) { programmeMatching(programmeId: $id, form: $form) {
        suggestions { options { mentor { id } } } mentors { id } } }"""
    matching = (
        await world.api.graphql(
            world.coordinator("s1"), query, id=programme, form="student_student"
        )
    )["data"]["programmeMatching"]
    await world.api.command(
        "programs", path, world.coordinator("s1"), pair("student_student", senior, pupil)
    )

    assert teacher_as_pupil == pupil_as_teacher == "mentor_not_in_form"
    assert teacher_mentee == "mentee_not_in_form"
    # The suggestions and the mentors offered for «ученик – ученик» are pupils only.
    assert [m["id"] for m in matching["mentors"]] == [senior]
    offered = {o["mentor"]["id"] for s in matching["suggestions"] for o in s["options"]}
    assert offered <= {senior}
