"""The registry as a school, a municipality and the institute use it, over HTTP and GraphQL."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from services.cli import person_token
from shared.adapters.auth import decode_token
from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import region_today
from shared.kernel.errors import RuleViolated
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, days_ago, nodes


async def graphql_data(world: World, token: str, query: str, **variables: Any) -> Any:
    result = await world.api.graphql(token, query, **variables)
    assert "errors" not in result, result
    return result["data"]


async def test_a_partner_signs_an_agreement_the_school_and_its_municipality_see(
    world: World,
) -> None:
    operator = world.api.token(Role.OPERATOR, "")
    partner = await world.api.command(
        "registry",
        "/organisations",
        operator,
        {
            "kind": "partner",
            "name": "АО «Кузнецкий завод»",
            "partner_kind": "enterprise",
            "parent_id": str(world.ids["m1"]),
        },
    )
    await world.api.command(
        "registry",
        f"/partners/{partner['id']}/agreements",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {
            "school_id": str(world.ids["s1"]),
            "number": "14/25",
            "signed_on": days_ago(30),
            "subject": "Наставничество «работодатель – ученик»: профориентация",
        },
    )
    query = "{ partnerAgreements { edges { node { partnerName number subject } } } }"

    school = await graphql_data(world, world.coordinator("s1"), query)
    municipality = await graphql_data(world, world.token(Role.MUNICIPALITY_OFFICER, "m1"), query)
    other_school = await graphql_data(world, world.coordinator("s2"), query)

    expected = {
        "partnerName": "АО «Кузнецкий завод»",
        "number": "14/25",
        "subject": "Наставничество «работодатель – ученик»: профориентация",
    }
    assert nodes(school["partnerAgreements"]) == [expected]
    assert nodes(municipality["partnerAgreements"]) == [expected]
    assert nodes(other_school["partnerAgreements"]) == []


async def test_renames_and_closures_keep_history(world: World) -> None:
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    school = world.ids["s2"]
    await world.api.command(
        "registry",
        f"/organisations/{school}/renaming",
        officer,
        {"name": "Лицей № 2 имени Ломоносова"},
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/organisations/{school}/closure",
        officer,
        {"closed_on": str(region_today()), "reason": "Реорганизация"},
        expect=200,
    )

    refused = await world.api.command(
        "registry",
        "/people",
        world.coordinator("s2"),
        {
            "school_id": str(school),
            "kind": "teacher",
            "full_name": "Новый Учитель",
            "roles": ["mentor"],
        },
        expect=422,
    )
    query = """{ organisations(kind: "school", includeClosed: true) {
        edges { node { name closedOn closureReason formerNames { name } } } } }"""
    data = await graphql_data(world, officer, query)

    assert refused["code"] == "organisation_closed"
    closed = next(o for o in nodes(data["organisations"]) if o["closedOn"])
    assert closed == {
        "name": "Лицей № 2 имени Ломоносова",
        "closedOn": str(region_today()),
        "closureReason": "Реорганизация",
        "formerNames": [{"name": "Школа № 2"}],
    }
    open_only = await graphql_data(
        world, officer, '{ organisations(kind: "school") { edges { node { name } } } }'
    )
    assert [o["name"] for o in nodes(open_only["organisations"])] == ["Школа № 1"]


async def test_a_school_moved_to_another_municipality_takes_its_people_along(
    world: World,
) -> None:
    mentor = await world.person("s1", "Переезжающий Наставник", "mentor")
    mentee = await world.person("s1", "Переезжающий Ученик", "mentee")
    programme = await world.programme("s1")
    moved = await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/move",
        world.token(Role.REGION_OFFICER, "region"),
        {"municipality_id": str(world.ids["m2"])},
        expect=200,
    )
    new_path = moved["path"]
    coordinator = world.api.token(Role.SCHOOL_COORDINATOR, new_path)
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"signed_on": str(region_today()), "kind": "personal_data"},
    )
    stale_pair = await world.api.command(
        "programs",
        f"/programmes/{programme}/pairs",
        world.coordinator("s1"),
        {"form": "teacher_student", "mentor_id": mentor, "mentee_ids": [mentee]},
        expect=403,
    )
    pair = await world.api.command(
        "programs",
        f"/programmes/{programme}/pairs",
        coordinator,
        {"form": "teacher_student", "mentor_id": mentor, "mentee_ids": [mentee]},
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"kind": "additional_duty", "signed_on": str(region_today())},
    )
    await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        world.api.token(Role.SCHOOL_DIRECTOR, new_path),
        {"number": "1-н", "order_date": str(region_today()), "pair_ids": [pair["id"]]},
    )
    await world.api.command(
        "programs",
        f"/pairs/{pair['id']}/meetings",
        coordinator,
        {"kind": "introduction", "held_on": str(region_today()), "duration_minutes": 30},
    )

    count_query = "{ counts(level: SCHOOL) { edges { node { name mentors } } } }"
    new_municipality = await graphql_data(
        world, world.token(Role.MUNICIPALITY_OFFICER, "m2"), count_query
    )
    old_municipality = await graphql_data(
        world, world.token(Role.MUNICIPALITY_OFFICER, "m1"), count_query
    )
    school = await graphql_data(
        world,
        coordinator,
        """{
        people(role: MENTOR) { edges { node { fullName consents { kind } } } }
        pairs { edges { node { mentee { fullName } meetings { kind } } } } }""",
    )

    assert new_path.startswith(world.paths["m2"])
    assert stale_pair["code"] == "out_of_scope"
    assert school["pairs"]["edges"] == [
        {
            "node": {
                "mentee": {"fullName": "Переезжающий Ученик"},
                "meetings": [{"kind": "introduction"}],
            }
        }
    ]
    assert {"name": "Школа № 1", "mentors": 1} in nodes(new_municipality["counts"])
    assert all(row["name"] != "Школа № 1" for row in nodes(old_municipality["counts"]))
    [person] = school["people"]["edges"]
    assert person["node"]["fullName"] == "Переезжающий Наставник"
    assert len(person["node"]["consents"]) == 3
    stale = await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"signed_on": str(region_today())},
        expect=403,
    )
    assert stale["code"] == "out_of_scope"


async def test_staff_roles_are_assigned_by_the_right_people_and_decide_the_token(
    world: World, database: DatabaseAddress
) -> None:
    teacher = await world.person("s1", "Завуч Школы", "mentor")
    coordinator = world.coordinator("s1")
    not_allowed = await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        coordinator,
        {"role": "director"},
        expect=403,
    )
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"role": "director"},
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        coordinator,
        {
            "role": "curator",
            "forms": ["teacher_student", "student_student"],
        },
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles",
        coordinator,
        {
            "role": "working_group_member",
            "area": "мониторинг и оценка результатов",
        },
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/people/{teacher}/staff-roles/curator",
        coordinator,
        expect=200,
        method="DELETE",
    )
    no_forms = await world.api.command(
        "registry", f"/people/{teacher}/staff-roles", coordinator, {"role": "curator"}, expect=422
    )

    data = await graphql_data(
        world,
        coordinator,
        """query($id: ID!) {
        person(id: $id) { staffRoles { role forms area } } }""",
        id=teacher,
    )

    token = await asyncio.to_thread(person_token, world.api.settings, database, UUID(teacher))
    holder = decode_token(world.api.settings, token)
    other = await world.person("s1", "Просто Учитель", "mentor")
    with pytest.raises(RuleViolated, match="нет роли в школе"):
        await asyncio.to_thread(person_token, world.api.settings, database, UUID(other))

    assert (holder.role, holder.scope.path) == (Role.SCHOOL_DIRECTOR, world.paths["s1"])
    assert not_allowed["code"] == "role_not_allowed"
    assert no_forms["code"] == "curator_needs_forms"
    assert data["person"]["staffRoles"] == [
        {"role": "director", "forms": [], "area": None},
        {"role": "working_group_member", "forms": [], "area": "мониторинг и оценка результатов"},
    ]


async def test_young_specialists_are_derived_from_the_start_of_their_career(world: World) -> None:
    coordinator = world.coordinator("s1")
    people = {}
    for name, since in (("Молодая Учительница", days_ago(400)), ("Опытный Учитель", "2001-09-01")):
        created = await world.api.command(
            "registry",
            "/people",
            coordinator,
            {
                "school_id": str(world.ids["s1"]),
                "kind": "teacher",
                "full_name": name,
                "birth_date": "1999-01-01" if "Молодая" in name else "1975-01-01",
                "roles": ["mentee"],
                "position": "учитель математики",
                "teaching_since": since,
            },
        )
        people[name] = created["id"]

    data = await graphql_data(
        world,
        coordinator,
        """{ people(kind: "teacher") {
        totalCount edges { node { fullName position youngSpecialist } } } }""",
    )

    derived = {e["node"]["fullName"]: e["node"]["youngSpecialist"] for e in data["people"]["edges"]}
    assert derived == {"Молодая Учительница": True, "Опытный Учитель": False}


async def test_the_base_of_mentees_keeps_categories_requests_and_who_told_what(
    world: World,
) -> None:
    mentee = await world.person("s1", "Ученик С Запросом", "mentee", birth_date=date(2012, 4, 1))
    coordinator = world.coordinator("s1")
    await world.api.command(
        "registry",
        f"/people/{mentee}/mentee-profile",
        coordinator,
        {
            "categories": ["low_results", "detached"],
            "requests": "Подтянуть алгебру",
        },
        expect=200,
        method="PUT",
    )
    await world.api.command(
        "registry",
        f"/people/{mentee}/third-party-information",
        coordinator,
        {"source": "psychologist", "information": "Тревожность на контрольных"},
    )
    query = """query($id: ID!) { person(id: $id) {
        menteeProfile { categories requests } thirdPartyInformation { source information } } }"""

    school = await graphql_data(world, coordinator, query, id=mentee)
    municipality = await graphql_data(
        world, world.token(Role.MUNICIPALITY_OFFICER, "m1"), query, id=mentee
    )

    assert school["person"] == {
        "menteeProfile": {
            "categories": ["low_results", "detached"],
            "requests": "Подтянуть алгебру",
        },
        "thirdPartyInformation": [
            {"source": "psychologist", "information": "Тревожность на контрольных"}
        ],
    }
    assert municipality["person"] is None


async def _approved_mentor(world: World, name: str, kind: str = "teacher") -> str:
    coordinator = world.coordinator("s1")
    birth = "1980-02-02" if kind == "teacher" else "2009-02-02"
    body: dict[str, Any] = {
        "school_id": str(world.ids["s1"]),
        "kind": kind,
        "full_name": name,
        "birth_date": birth,
        "roles": ["mentor"],
        "consent": {"signed_on": days_ago(10)}
        | (
            {"representative_name": f"Родитель {name}", "relation": "отец"}
            if kind == "student"
            else {}
        ),
    }
    mentor = (await world.api.command("registry", "/people", coordinator, body))["id"]
    await world.api.command(
        "registry",
        f"/people/{mentor}/mentor-questionnaire",
        coordinator,
        {
            "competences": ["математика", "олимпиады"],
            "interests": ["шахматы"],
            "hours_per_month": 8,
            "capacity": 3,
            "preferred_age_min": 11,
            "preferred_age_max": 15,
            "preferred_categories": ["outstanding_abilities"],
            "experience": "Готовлю к олимпиадам 12 лет",
        },
        expect=200,
        method="PUT",
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/mentor-interview",
        coordinator,
        {"held_on": days_ago(5), "recommended": True},
        expect=200,
    )
    if kind == "teacher":
        await world.api.command(
            "registry",
            f"/people/{mentor}/consents",
            coordinator,
            {"kind": "additional_duty", "signed_on": days_ago(5)},
        )
    return str(mentor)


async def test_mentors_go_from_questionnaire_to_the_register_approved_by_order(
    world: World,
) -> None:
    teacher = await _approved_mentor(world, "Учитель Олимпиадник")
    pupil = await _approved_mentor(world, "Старшеклассник Наставник", kind="student")
    unconsented = (
        await world.api.command(
            "registry",
            "/people",
            world.coordinator("s1"),
            {
                "school_id": str(world.ids["s1"]),
                "kind": "teacher",
                "full_name": "Без Согласия На Работу",
                "roles": ["mentor"],
            },
        )
    )["id"]
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    register = {
        "school_year": "2025/26",
        "order_number": "112-о",
        "order_date": str(region_today()),
    }

    not_recommended = await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/mentor-registers",
        director,
        register | {"mentor_ids": [teacher, unconsented]},
        expect=422,
    )
    by_coordinator = await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/mentor-registers",
        world.coordinator("s1"),
        register | {"mentor_ids": [teacher]},
        expect=403,
    )
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/mentor-registers",
        director,
        register | {"mentor_ids": [teacher, pupil]},
    )

    school = await graphql_data(
        world,
        world.coordinator("s1"),
        """query($id: ID!) {
        person(id: $id) { mentorProfile { status competences preferredAgeMin experience
        registerOrderNumber } } }""",
        id=teacher,
    )
    institute = await graphql_data(
        world,
        world.token(Role.INSTITUTE_METHODOLOGIST, "region"),
        "{ regionalRegister { totalCount edges { node { fullName schoolName orderNumber } } } }",
    )

    assert not_recommended["code"] == "mentor_not_recommended"
    assert by_coordinator["code"] == "role_not_allowed"
    assert school["person"]["mentorProfile"] == {
        "status": "approved",
        "competences": ["математика", "олимпиады"],
        "preferredAgeMin": 11,
        "experience": "Готовлю к олимпиадам 12 лет",
        "registerOrderNumber": "112-о",
    }
    # The institute keeps adult mentors by name; a pupil's name never leaves the school.
    assert institute["regionalRegister"]["edges"] == [
        {
            "node": {
                "fullName": "Учитель Олимпиадник",
                "schoolName": "Школа № 1",
                "orderNumber": "112-о",
            }
        }
    ]


async def test_the_institute_records_training_in_the_regional_base(world: World) -> None:
    mentor = await world.person("s3", "Выпускник Курсов", "mentor")
    institute = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    course = await world.course(40, 20)
    too_early = await world.api.command(
        "registry",
        f"/training-courses/{course}/completions",
        institute,
        {"person_id": mentor, "completed_on": days_ago(30), "certificate": "У-001"},
        expect=422,
    )
    await world.api.command(
        "registry",
        f"/training-courses/{course}/completions",
        institute,
        {"person_id": mentor, "completed_on": days_ago(20), "certificate": "У-001"},
        expect=201,
    )
    by_school = await world.api.command(
        "registry",
        "/training-courses",
        world.coordinator("s1"),
        {
            "name": "Свой курс",
            "hours": 4,
            "provider": "Школа",
            "starts_on": days_ago(2),
            "ends_on": days_ago(1),
        },
        expect=403,
    )

    data = await graphql_data(
        world,
        institute,
        """{ trainingCourses { edges { node { name hours completedBy } } }
        regionalRegister { edges { node { fullName courses { course hours certificate } } } } }""",
    )

    assert too_early["code"] == "completed_before_course_end"
    assert by_school["code"] == "role_not_allowed"
    assert nodes(data["trainingCourses"]) == [
        {"name": "Школа наставника", "hours": 36, "completedBy": 1}
    ]
    assert data["regionalRegister"]["edges"] == [
        {
            "node": {
                "fullName": "Выпускник Курсов",
                "courses": [{"course": "Школа наставника", "hours": 36, "certificate": "У-001"}],
            }
        }
    ]


async def test_the_same_person_twice_in_one_school_is_refused(
    world: World, events: EventCounter
) -> None:
    await world.person("s1", "Петров Пётр Петрович", "mentor", birth_date=date(1980, 1, 1))
    before = await events()

    duplicate = await world.person(
        "s1", "  петров пётр  Петрович ", "mentee", birth_date=date(1980, 1, 1), expect=409
    )
    elsewhere = await world.person(
        "s2", "Петров Пётр Петрович", "mentor", birth_date=date(1980, 1, 1)
    )

    assert duplicate["code"] == "duplicate_person"
    assert "уже есть в базе этой школы" in duplicate["message"]
    assert (await events())[0] == before[0] + 2  # the other school's person and consent only
    assert elsewhere
