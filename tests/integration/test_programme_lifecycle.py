"""The S3 roadmap (Novokuznetsk boarding school No. 82) carried through all seven stages on the
platform: from the implementation order to completed pairs with surveys and a final outcome."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World, days_ago, nodes


class School:
    """One school's staff issuing commands, as the S3 roadmap assigns them."""

    def __init__(self, world: World, key: str) -> None:
        self.world = world
        self.id = str(world.ids[key])
        self.coordinator = world.coordinator(key)
        self.director = world.token(Role.SCHOOL_DIRECTOR, key)

    async def programs(
        self, path: str, body: dict[str, Any], expect: int | None = None, method: str = "POST"
    ) -> Any:
        token = self.director if "/orders" in path else self.coordinator
        status = expect or (201 if method == "POST" else 200)
        return await self.world.api.command("programs", path, token, body, status, method)

    async def read(self, query: str, **variables: Any) -> Any:
        answer = await self.world.api.graphql(self.coordinator, query, **variables)
        assert "errors" not in answer, answer
        return answer["data"]

    async def stage(self, programme: str, stage: int) -> None:
        await self.world.api.command(
            "programs", f"/programmes/{programme}/stage", self.director, {"stage": stage}, 200
        )

    async def answer(
        self, programme: str, purpose: str, respondent: str, answers: dict[str, Any], **extra: Any
    ) -> Any:
        template = await self.template(purpose)
        return await self.programs(
            f"/programmes/{programme}/survey-responses",
            {
                "template_id": template["id"],
                "respondent_id": respondent,
                "answered_on": extra.pop("answered_on", days_ago(5)),
                "answers": answers,
            }
            | extra,
        )

    async def template(self, purpose: str) -> Any:
        found = await self.read(
            "query($p: String) { surveyTemplates(purpose: $p) { edges { node {"
            " id version platformDefault questions { code kind } } } } }",
            p=purpose,
        )
        return nodes(found["surveyTemplates"])[0]


def diagnostics(level: int) -> dict[str, int]:
    codes = ("confidence", "goals", "communication", "motivation", "independence")
    return dict.fromkeys(codes, level)


async def test_the_s3_roadmap_runs_through_all_seven_stages(world: World) -> None:
    school = School(world, "s1")
    # Stage 1: the order implementing the target model, the regulation, the roadmap.
    await school.programs(
        f"/schools/{school.id}/implementation",
        {
            "number": "81-о",
            "order_date": days_ago(200),
            "period_from": days_ago(200),
            "period_to": str(region_today() + timedelta(days=1200)),
            "monitoring_from": {"month": 10, "day": 1},  # the order states its window
            "monitoring_to": {"month": 5, "day": 30},
        },
    )
    await school.programs(
        f"/schools/{school.id}/regulations",
        {"title": "Положение о наставничестве", "version": "1", "adopted_on": days_ago(199)},
    )
    await school.programs(f"/schools/{school.id}/roadmap/default", {})
    swot_point = await school.programs(
        f"/schools/{school.id}/roadmap/items",
        {
            "stage": 1,
            "activity": "1.6. Мониторинг по итогам 1 этапа: SWOT-анализ, анкета куратора",
            "deadline": {"on": days_ago(120)},
            "responsible": ["МКОУ «Санаторная школа-интернат №82»"],
            "expected_result": "Анализ реализуемых программ наставничества",
            "control_point": True,
        },
    )
    programme = (
        await school.programs(
            "/programmes",
            {
                "school_id": school.id,
                "school_year": "2025/26",
                "title": "Программа наставничества обучающихся",
                "forms": ["teacher_student", "student_student"],
            },
        )
    )["id"]
    curator = await world.person(
        "s1",
        "Гусакова Татьяна Геннадьевна",
        "mentor",
        consent_on=region_today() - timedelta(days=190),
    )
    await world.api.command(
        "registry",
        f"/people/{curator}/staff-roles",
        school.coordinator,
        {"role": "curator", "forms": ["teacher_student", "student_student"]},
        expect=200,
    )
    await school.programs(
        f"/programmes/{programme}/description",
        {
            "starts_on": days_ago(180),
            "ends_on": str(region_today() + timedelta(days=150)),
            "goals": ["Создание условий для развития наставничества"],
            "curators": {"teacher_student": curator, "student_student": curator},
        },
        method="PUT",
    )
    # Stages 2 and 3: the bases of mentees and of mentors, with consents and requests.
    await school.stage(programme, 2)
    mentees = [
        await world.person(
            "s1",
            name,
            "mentee",
            birth_date=date(2012, 5, 1),
            consent_on=region_today() - timedelta(days=190),
        )
        for name in ("Ученик Первый", "Ученик Второй", "Ученик Третий")
    ]
    await school.stage(programme, 3)
    teacher = await world.person(
        "s1",
        "Учитель Наставник",
        "mentor",
        capacity=1,
        consent_on=region_today() - timedelta(days=190),
    )
    senior = await world.person(
        "s1",
        "Старшеклассник Наставник",
        "mentor",
        birth_date=date(2010, 1, 1),
        capacity=2,
        consent_on=region_today() - timedelta(days=190),
    )
    await world.api.command(
        "registry",
        f"/people/{teacher}/consents",
        school.coordinator,
        {"kind": "additional_duty", "signed_on": days_ago(150)},
    )
    # Stage 4: mentors selected and trained; stage 5: pairs and a group, approved by order.
    await school.stage(programme, 4)
    await school.stage(programme, 5)
    pair = (
        await school.programs(
            f"/programmes/{programme}/pairs",
            {
                "form": "teacher_student",
                "mentor_id": teacher,
                "mentee_ids": [mentees[0]],
                "basis": "suggested",
            },
        )
    )["id"]
    group = (
        await school.programs(
            f"/programmes/{programme}/pairs",
            {
                "form": "student_student",
                "mentor_id": senior,
                "mentee_ids": mentees[1:],
                "basis": "directive",
            },
        )
    )["id"]
    order = await school.programs(
        f"/programmes/{programme}/orders",
        {"number": "97-о", "order_date": days_ago(120), "pair_ids": [pair, group]},
    )
    # Stage 6: plans, the standard sequence of meetings with feedback, entry diagnostics.
    await school.stage(programme, 6)
    for mentee in mentees:
        await school.answer(
            programme, "entry_diagnostics", mentee, diagnostics(4), answered_on=days_ago(115)
        )
    await school.programs(
        f"/pairs/{pair}/plan",
        {
            "starts_on": days_ago(110),
            "ends_on": str(region_today() + timedelta(days=30)),
            "goals": ["Повысить успеваемость по математике"],
            "tasks": [{"title": "Разобрать темы четверти", "due_on": days_ago(60)}],
        },
        method="PUT",
    )
    for offset, kind in enumerate(("introduction", "trial", "planning", "regular", "final")):
        held_on = days_ago(110 - 20 * offset)
        await school.programs(
            f"/pairs/{pair}/meetings",
            {
                "kind": kind,
                "held_on": held_on,
                "duration_minutes": 45,
                "mentor_feedback": {"rating": 9},
                "mentee_feedback": {"rating": 8 + offset % 2},
            },
        )
        group_meeting = await school.programs(
            f"/pairs/{group}/meetings",
            {"kind": kind, "held_on": held_on, "duration_minutes": 60, "format": "online"},
        )
        for mentee in mentees[1:]:
            await school.programs(
                f"/pairs/{group}/meetings/{group_meeting['id']}/feedback",
                {"author_id": mentee, "rating": 7, "comment": "Полезно"},
            )
    # Stage 7: exit diagnostics, satisfaction, the curator's SWOT, completion, recognition.
    await school.stage(programme, 7)
    for mentee in mentees:
        await school.answer(programme, "exit_diagnostics", mentee, diagnostics(7))
        await school.answer(
            programme,
            "mentee_satisfaction",
            mentee,
            {
                "overall": 9,
                "meetings": 8,
                "organisation": 9,
                "frequency": "в самый раз",
                "continue": True,
            },
        )
    await school.answer(
        programme,
        "swot",
        curator,
        {
            "strengths": "Опытные наставники",
            "weaknesses": "Мало времени",
            "opportunities": "Партнёры",
            "threats": "Нагрузка",
        },
    )
    for ended in (pair, group):
        await school.programs(
            f"/pairs/{ended}/ending",
            {"outcome": "completed", "ended_on": days_ago(3), "summary": "Цели плана достигнуты"},
            expect=200,
        )
    await school.programs(
        f"/schools/{school.id}/roadmap/items/{swot_point['id']}/progress",
        {"status": "done", "on": days_ago(2), "evidence": "Протокол педсовета № 3"},
    )
    await school.programs(
        f"/programmes/{programme}/practice-cases",
        {
            "form": "student_student",
            "title": "Группа «ученик – ученик» в школе-интернате",
            "summary": "Старшеклассник ведёт группу младших",
            "results": "Рост уверенности по итоговой диагностике",
        },
    )
    candidacy = await school.programs(
        f"/programmes/{programme}/candidacies",
        {"nomination": "mentor_of_the_year", "mentor_id": teacher, "pair_id": pair},
    )
    await world.api.command(
        "programs",
        f"/candidacies/{candidacy['id']}/decision",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"result": "winner", "decided_on": days_ago(1)},
        expect=200,
    )

    view = await school.read(
        """query($id: ID!, $school: ID!) {
        programmes { edges { node { stage stageName goals curators { form } } } }
        roadmap(schoolId: $school) { orderNumber regulationVersion monitoringWindow
          items { activity status overdue controlPoint deadline } }
        pairs(programmeId: $id) { edges { node { id isGroup basis status outcome summary
          mentees { fullName } meetings { kind feedback { side rating comment } } } } }
        surveyResults(programmeId: $id) { purpose responses questions { code mean } }
        candidacies { edges { node { nominationName resultName decidedAtLevel } } } }""",
        id=programme,
        school=school.id,
    )
    region = await world.api.graphql(
        world.token(Role.INSTITUTE_METHODOLOGIST, "region"),
        "{ practiceCases { edges { node { title publishedOn } } } }",
    )
    history = await world.api.graphql(
        world.token(Role.AUDITOR, "region"),
        "query($id: ID!) { programmeHistory(programmeId: $id) { edges { node { eventType } } } }",
        id=programme,
    )

    assert nodes(view["programmes"]) == [
        {
            "stage": 7,
            "stageName": "завершение программы наставничества",
            "goals": ["Создание условий для развития наставничества"],
            "curators": [{"form": "student_student"}, {"form": "teacher_student"}],
        }
    ]
    roadmap = view["roadmap"]
    assert (roadmap["orderNumber"], roadmap["regulationVersion"]) == ("81-о", "1")
    assert roadmap["monitoringWindow"] == "01.10 – 30.05"
    swot = next(i for i in roadmap["items"] if i["activity"].startswith("1.6."))
    assert (swot["status"], swot["overdue"], swot["controlPoint"]) == ("done", False, True)
    assert len(roadmap["items"]) == 14
    yearly = [i["deadline"] for i in roadmap["items"] if i is not swot]
    assert all(words.endswith("каждого учебного года") for words in yearly)
    pairs = {e["node"]["id"]: e["node"] for e in view["pairs"]["edges"]}
    assert {(p["isGroup"], p["basis"], p["status"], p["outcome"]) for p in pairs.values()} == {
        (False, "suggested", "ended", "completed"),
        (True, "directive", "ended", "completed"),
    }
    assert pairs[pair]["summary"] == "Цели плана достигнуты"
    assert [m["fullName"] for m in pairs[group]["mentees"]] == ["Ученик Второй", "Ученик Третий"]
    assert [m["kind"] for m in pairs[group]["meetings"]] == [
        "introduction",
        "trial",
        "planning",
        "regular",
        "final",
    ]
    assert (
        pairs[group]["meetings"][0]["feedback"]
        == [{"side": "mentee", "rating": 7, "comment": "Полезно"}] * 2
    )
    results = {r["purpose"]: r for r in view["surveyResults"]}
    assert results["entry_diagnostics"]["responses"] == 3
    assert {q["mean"] for q in results["entry_diagnostics"]["questions"]} == {4.0}
    assert {q["mean"] for q in results["exit_diagnostics"]["questions"]} == {7.0}
    assert results["swot"]["responses"] == 1
    assert nodes(view["candidacies"]) == [
        {
            "nominationName": "Наставник года",
            "resultName": "победитель",
            "decidedAtLevel": "municipality",
        }
    ]
    assert nodes(region["data"]["practiceCases"]) == [
        {"title": "Группа «ученик – ученик» в школе-интернате", "publishedOn": None}
    ]
    stages = [
        e
        for e in history["data"]["programmeHistory"]["edges"]
        if e["node"]["eventType"] == "PROGRAMME_STAGE_CHANGED"
    ]
    assert len(stages) == 6
    assert order["id"]
