"""Staff in their own right (issue 20, point 6), over HTTP and GraphQL: the staff of seed 002
(Kremovo's governance structure) and seed 004 (Donetsk's roadmap, approved by «Приказ от
06.09.2023 № 852») registered as written — kinds, positions, duties, appointing acts — in
neither base; several kinds a person; the institute attracting partners of the new kinds; the
region's rule on who consents to the extra duty; bad input refused with nothing stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, nodes

# Seed 002: «Запороженко В.И., заместитель директора по УВР» and her seven duties, word for word.
ZAPOROZHENKO_DUTIES = [
    "Формирование базы наставников и наставляемых.",
    "Организация обучения наставников (в том числе привлечение экспертов для проведения обучения).",
    "Контроль процедуры внедрения целевой модели наставничества.",
    "Контроль проведения программ наставничества.",
    "Участие в оценке вовлеченности в различные формы наставничества.",
    "Решение организационных вопросов, возникающих в процессе реализации модели.",
    "Мониторинг результатов эффективности реализации целевой модели наставничества.",
]
# Seed 004: what the roadmap approved by order № 852 makes the curator and the psychologist do.
RUDENKO_DUTIES = [
    "Формирование банка наставляемых",
    "Формирование банка наставников",
    "Отбор и обучение",
    "Организация и осуществление работы наставнических пар/групп",
    "Завершение персонализированных программ наставничества",
    "Информационная поддержка системы наставничества",
]
KUZMINA_DUTIES = [
    "Подготовка условий для реализации системы наставничества",
    "Сбор дополнительной информации о запросах наставляемых (обучающиеся/педагоги) от третьих лиц",
]
ORDER_852 = {
    "kind": "order",
    "number": "852",
    "register": "по основной деятельности",
    "act_date": "2023-09-06",
    "title": "Об утверждении Дорожной карты (плана мероприятий) реализации Положения о системе"
    " наставничества педагогических работников и обучающихся",
}
STAFF = """{ staff { fullName kind kinds position isMentor isMentee
  staffRoles { role forms area since until duties actId actNumber actDate } } }"""


async def _employee(world: World, name: str, kind: str, position: str | None, **more: Any) -> str:
    body = {
        "school_id": str(world.ids["s1"]),
        "kind": kind,
        "full_name": name,
        "roles": [],
        "position": position,
        **more,
    }
    created = await world.api.command("registry", "/people", world.coordinator("s1"), body)
    return str(created["id"])


async def _appoint(world: World, person: str, body: dict[str, Any], expect: int = 200) -> Any:
    return await world.api.command(
        "registry",
        f"/people/{person}/staff-roles",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        body,
        expect=expect,
    )


async def _order_852(world: World, school: str = "s1") -> str:
    director = world.token(Role.SCHOOL_DIRECTOR, school)
    created = await world.api.command(
        "programs", f"/organisations/{world.ids[school]}/acts", director, ORDER_852
    )
    return str(created["id"])


async def test_the_seeds_staff_are_registered_as_written(world: World) -> None:
    order = await _order_852(world)
    zaporozhenko = await _employee(
        world, "Запороженко В.И.", "administrator", "заместитель директора по УВР"
    )
    rudenko = await _employee(world, "Руденко О.В.", "administrator", "заместитель директора")
    kuzmina = await _employee(world, "Кузьмина Т.И.", "psychologist", "педагог-психолог")
    await _employee(world, "Социальный Педагог", "social_pedagogue", "социальный педагог")
    await _employee(
        world,
        "Классная Руководительница",
        "teacher",
        "учитель русского языка",
        other_kinds=["class_teacher"],
    )
    await _appoint(
        world,
        zaporozhenko,
        {"role": "coordinator", "since": "2023-09-01", "duties": ZAPOROZHENKO_DUTIES},
    )
    await _appoint(
        world,
        rudenko,
        {
            "role": "curator",
            "forms": ["teacher_young_specialist", "teacher_teacher", "teacher_student"],
            "since": "2023-09-06",
            "until": "2024-08-31",
            "duties": RUDENKO_DUTIES,
            "act_id": order,
        },
    )
    await _appoint(
        world,
        kuzmina,
        {
            "role": "working_group_member",
            "area": "психолого-педагогическое сопровождение наставляемых",
            "since": "2023-09-06",
            "duties": KUZMINA_DUTIES,
            "act_id": order,
        },
    )
    # the founder's paper order, never entered into the register: its number and date
    await world.api.command(
        "registry",
        f"/people/{rudenko}/staff-roles",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"role": "director", "since": "2023-09-06", "act_number": "41-к", "act_date": "2023-09-05"},
        expect=200,
    )

    answer = await world.api.graphql(world.coordinator("s1"), STAFF)
    staff = {p["fullName"]: p for p in answer["data"]["staff"]}
    assert list(staff) == sorted(staff, key=str.lower)
    assert set(staff) == {
        "Запороженко В.И.",
        "Руденко О.В.",
        "Кузьмина Т.И.",
        "Социальный Педагог",
        "Классная Руководительница",
    }
    assert all(not p["isMentor"] and not p["isMentee"] for p in staff.values())
    assert staff["Классная Руководительница"]["kinds"] == ["teacher", "class_teacher"]
    assert staff["Запороженко В.И."]["position"] == "заместитель директора по УВР"
    [coordinator] = staff["Запороженко В.И."]["staffRoles"]
    assert coordinator["duties"] == ZAPOROZHENKO_DUTIES
    assert coordinator["actId"] is None
    curator, director = sorted(staff["Руденко О.В."]["staffRoles"], key=lambda r: r["role"])
    assert curator == {
        "role": "curator",
        "forms": ["teacher_young_specialist", "teacher_teacher", "teacher_student"],
        "area": None,
        "since": "2023-09-06",
        "until": "2024-08-31",
        "duties": RUDENKO_DUTIES,
        "actId": order,
        "actNumber": "852",
        "actDate": "2023-09-06",
    }
    assert (director["role"], director["actNumber"], director["actDate"]) == (
        "director",
        "41-к",
        "2023-09-05",
    )
    [member] = staff["Кузьмина Т.И."]["staffRoles"]
    assert (member["duties"], member["actNumber"]) == (KUZMINA_DUTIES, "852")
    bases = await world.api.graphql(
        world.coordinator("s1"),
        "{ mentors: people(role: MENTOR) { totalCount } mentees: people(role: MENTEE)"
        " { totalCount } }",
    )
    assert bases["data"] == {"mentors": {"totalCount": 0}, "mentees": {"totalCount": 0}}


async def test_kinds_of_people_and_partners_as_practice_has_them(world: World) -> None:
    institute = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    museum = await world.api.command(
        "registry",
        "/organisations",
        institute,
        {
            "kind": "partner",
            "name": "Краеведческий музей",
            "parent_id": str(world.ids["region"]),
            "partner_kind": "culture",
        },
    )
    await world.api.command(
        "registry",
        f"/partners/{museum['id']}/agreements",
        institute,
        {
            "school_id": str(world.ids["s1"]),
            "number": "12",
            "signed_on": "2024-09-02",
            "subject": "Наставники из числа сотрудников музея",
        },
    )
    for partner_kind in ("sport", "private_person"):
        await world.api.command(
            "registry",
            "/organisations",
            world.token(Role.MUNICIPALITY_OFFICER, "m1"),
            {
                "kind": "partner",
                "name": f"Партнёр {partner_kind}",
                "parent_id": str(world.ids["m1"]),
                "partner_kind": partner_kind,
            },
        )
    coordinator = world.coordinator("s1")
    for name, kind, others in (
        ("Выпускник Музейный", "alumnus", ["partner_employee"]),
        ("Предприниматель Делов", "entrepreneur", []),
        ("Общественница Активная", "public_figure", []),
    ):
        await world.api.command(
            "registry",
            "/people",
            coordinator,
            {
                "school_id": str(world.ids["s1"]),
                "kind": kind,
                "other_kinds": others,
                "full_name": name,
                "roles": ["mentor"],
                "partner_id": museum["id"] if others else None,
                "consent": {"signed_on": str(region_today() - timedelta(days=1))},
            },
        )

    answer = await world.api.graphql(
        coordinator, '{ people(kind: "partner_employee") { edges { node { fullName kinds } } } }'
    )
    assert nodes(answer["data"]["people"]) == [
        {"fullName": "Выпускник Музейный", "kinds": ["alumnus", "partner_employee"]}
    ]


async def test_bad_staff_input_is_refused_and_nothing_stored(
    world: World, events: EventCounter
) -> None:
    other_schools_order = await _order_852(world, "s2")
    deputy = await _employee(world, "Запороженко В.И.", "administrator", "заместитель директора")
    before = await events()

    unknown_kind = await world.api.command(
        "registry",
        "/people",
        world.coordinator("s1"),
        {"school_id": str(world.ids["s1"]), "kind": "wizard", "full_name": "Маг", "roles": []},
        expect=400,
    )
    not_staff = await world.api.command(
        "registry",
        "/people",
        world.coordinator("s1"),
        {"school_id": str(world.ids["s1"]), "kind": "parent", "full_name": "Мама", "roles": []},
        expect=422,
    )
    reversed_term = await _appoint(
        world, deputy, {"role": "coordinator", "since": "2023-09-06", "until": "2023-09-01"}, 422
    )
    foreign_act = await _appoint(
        world, deputy, {"role": "coordinator", "act_id": other_schools_order}, 422
    )
    half_an_act = await _appoint(world, deputy, {"role": "coordinator", "act_number": "852"}, 422)

    assert unknown_kind["code"] == "invalid_payload"
    assert "kind" in unknown_kind["message"] or "kind" in str(unknown_kind["details"])
    assert not_staff["code"] == "not_staff"
    assert reversed_term["code"] == "role_ends_before_start"
    assert "06.09.2023" in reversed_term["message"]
    assert foreign_act["code"] == "act_of_other_organisation"
    assert "другой организацией" in foreign_act["message"]
    assert half_an_act["code"] == "act_number_and_date"
    assert await events() == before


async def test_the_region_s_consent_rule_is_set_by_the_region_only(
    world: World, events: EventCounter
) -> None:
    region = str(world.ids["region"])
    path = f"/regions/{region}/duty-consent-rules/teacher_young_specialist"
    officer = world.token(Role.REGION_OFFICER, "region")
    before = await events()
    no_mentor = await world.api.command(
        "registry", path, officer, {"sides": ["mentee"]}, expect=422, method="PUT"
    )
    by_school = await world.api.command(
        "registry",
        path,
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"sides": ["mentor", "mentee"]},
        expect=403,
        method="PUT",
    )
    assert await events() == before
    await world.api.command(
        "registry", path, officer, {"sides": ["mentor", "mentee"]}, expect=200, method="PUT"
    )

    assert no_mentor["code"] == "mentor_consent_required"
    assert "351.8" in no_mentor["message"]
    assert by_school["code"] == "role_not_allowed"
