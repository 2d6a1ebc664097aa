"""Frames (issue 20, point 1): a school runs the students' target model and the teachers' system
side by side; each programme's orders cite its own frame's federal act (the DOCX and the order
data); the region sees each frame's indicators under its own heading and the share of
organisations that introduced each frame by the deadline it set; bad input is refused in Russian
with nothing stored. Known answers from fixed past dates, whatever today is."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from docx import Document

from shared.kernel.principal import Role
from tests.conftest import World, nodes
from tests.integration.test_web_people import field_error
from tests.web_support import WebClient

R_145 = "от 25 декабря 2019 г. № Р-145"
AZ_1128 = "направленными письмом Министерства просвещения Российской Федерации от 21 декабря 2021 г. № АЗ-1128/08"  # noqa: E501
# The deadlines the region sets, and the day each school's programme of a frame reached stage 2.
DEADLINES = {"students": "2025-12-01", "teachers": "2026-01-01"}
STAGE_2 = {
    ("s1", "students"): "2025-09-20",
    ("s1", "teachers"): "2025-10-15",
    ("s2", "students"): "2025-11-20",
    ("s2", "teachers"): "2026-02-01",  # after the teachers' deadline
}
FORMS = {"students": ["teacher_student"], "teachers": ["teacher_young_specialist"]}
TITLES = {
    "students": "Программа наставничества обучающихся",
    "teachers": "Наставничество педагогов",
}
ORDER_NUMBERS = {"students": "41-од", "teachers": "42-од"}
SIGNED = date(2025, 9, 1)  # the participants' consents

PROGRAMMES = "query { programmes { edges { node { id frame frameName forms } } } }"
ORDERS = """query($programme: ID!) {
  pairOrders(programmeId: $programme) { id number frame basis { kind number on text } }
}"""
FRAMES = """query($organisation: ID) {
  frameIntroduction(organisationId: $organisation) {
    frames { frame name heading deadline measuredOn organisations introduced share
             notIntroduced forms basis }
  }
}"""
INDICATORS = """query {
  indicators(schoolYear: "2025/26") { rows { code frame frameHeading } }
}"""
ACTS = """query {
  acts { edges { node { source number basis { text } } } }
}"""


async def _open(world: World, school: str, frame: str, expect: int = 201, **body: Any) -> Any:
    return await world.api.command(
        "programs",
        "/programmes",
        world.coordinator(school),
        {
            "school_id": str(world.ids[school]),
            "school_year": "2025/26",
            "title": TITLES.get(frame, "Программа наставничества"),
            "forms": FORMS.get(frame, ["teacher_student"]),
            "frame": frame,
        }
        | body,
        expect=expect,
    )


async def _side_by_side(world: World) -> dict[tuple[str, str], str]:
    """Both frames' programmes in s1 and s2, each at stage 2 from its day; a pair approved by
    its own order in each of s1's; the region's deadlines."""
    programmes: dict[tuple[str, str], str] = {}
    for (school, frame), on in STAGE_2.items():
        programme = (await _open(world, school, frame))["id"]
        programmes[school, frame] = programme
        await world.api.command(
            "programs",
            f"/programmes/{programme}/stage",
            world.token(Role.SCHOOL_DIRECTOR, school),
            {"stage": 2, "effective_on": on},
            expect=200,
        )
    for frame, number in ORDER_NUMBERS.items():
        mentor = await world.person("s1", f"Наставник {frame}", "mentor", consent_on=SIGNED)
        mentee = await world.person("s1", f"Наставляемый {frame}", "mentee", consent_on=SIGNED)
        programme = programmes["s1", frame]
        pair = await world.pair(
            "s1", programme, mentor, mentee, form=FORMS[frame][0], approve=False
        )
        await world.api.command(
            "registry",
            f"/people/{mentor}/consents",
            world.coordinator("s1"),
            {"kind": "additional_duty", "signed_on": "2025-10-01"},
        )
        await world.api.command(
            "programs",
            f"/programmes/{programme}/orders",
            world.token(Role.SCHOOL_DIRECTOR, "s1"),
            {"number": number, "order_date": "2025-10-20", "pair_ids": [pair]},
        )
    for frame, deadline in DEADLINES.items():
        await world.api.command(
            "registry",
            f"/regions/{world.ids['region']}/frames/{frame}/deadline",
            world.token(Role.REGION_OFFICER, "region"),
            {"deadline": deadline},
            expect=200,
            method="PUT",
        )
    return programmes


async def test_a_school_runs_both_frames_and_each_order_cites_its_own_basis(
    world: World,
) -> None:
    programmes = await _side_by_side(world)
    coordinator = world.coordinator("s1")

    listed = await world.api.graphql(coordinator, PROGRAMMES)
    frames = {n["id"]: (n["frame"], n["frameName"]) for n in nodes(listed["data"]["programmes"])}
    assert frames == {
        programmes["s1", "students"]: ("students", "Целевая модель наставничества обучающихся"),
        programmes["s1", "teachers"]: (
            "teachers",
            "Система наставничества педагогических работников",
        ),
    }
    orders = {}
    for frame in ("students", "teachers"):
        data = await world.api.graphql(coordinator, ORDERS, programme=programmes["s1", frame])
        (orders[frame],) = data["data"]["pairOrders"]
    assert orders["students"]["frame"] == "students"
    assert orders["students"]["basis"]["number"] == "Р-145"
    assert orders["students"]["basis"]["on"] == "2019-12-25"
    assert orders["teachers"]["frame"] == "teachers"
    assert orders["teachers"]["basis"] == {
        "kind": "письмо",
        "number": "АЗ-1128/08",
        "on": "2021-12-21",
        "text": "письмо Министерства просвещения Российской Федерации от 21.12.2021"
        " № АЗ-1128/08 «О направлении методических рекомендаций по разработке и внедрению"
        " системы (целевой модели) наставничества педагогических работников в образовательных"
        " организациях»",
    }

    preambles = {frame: await _preamble(world, order["id"]) for frame, order in orders.items()}
    assert R_145 in preambles["students"]
    assert AZ_1128 not in preambles["students"]
    assert AZ_1128 in preambles["teachers"]
    assert "Р-145" not in preambles["teachers"]

    acts = await world.api.graphql(world.token(Role.SCHOOL_DIRECTOR, "s1"), ACTS)
    cited = {
        n["number"]: n["basis"][0]["text"]
        for n in nodes(acts["data"]["acts"])
        if n["source"] == "pairs_order"
    }
    assert "от 25.12.2019 № Р-145" in cited["41-од"]
    assert "от 21.12.2021 № АЗ-1128/08" in cited["42-од"]


async def _preamble(world: World, order_id: str) -> str:
    """The order's paragraph «В соответствии с …», as the DOCX prints it."""
    coordinator = world.coordinator("s1")
    answer = await world.api.reporting.get(
        f"/orders/{order_id}", headers=world.api.auth(coordinator)
    )
    assert answer.status_code == 200, answer.text
    paragraphs = [p.text for p in Document(io.BytesIO(answer.content)).paragraphs]
    return next(p for p in paragraphs if p.startswith("В соответствии с "))


async def test_the_region_sees_each_frame_apart_and_who_introduced_it_by_its_deadline(
    world: World,
) -> None:
    await _side_by_side(world)
    officer = world.token(Role.REGION_OFFICER, "region")

    region = await world.api.graphql(officer, FRAMES)
    students, teachers = region["data"]["frameIntroduction"]["frames"]
    municipality = await world.api.graphql(officer, FRAMES, organisation=str(world.ids["m1"]))
    in_m1 = {f["frame"]: f for f in municipality["data"]["frameIntroduction"]["frames"]}

    assert students["heading"] == "Показатели целевой модели наставничества"
    assert students["basis"] == (
        "распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145"
    )
    assert (students["deadline"], students["measuredOn"]) == ("2025-12-01", "2025-12-01")
    # s1 (20.09) and s2 (20.11) by 01.12.2025; s3 opened nothing
    assert (students["organisations"], students["introduced"], students["share"]) == (3, 2, 66.7)
    assert students["notIntroduced"] == ["Школа № 3"]
    assert teachers["name"] == "Система наставничества педагогических работников"
    assert teachers["heading"] == "Показатели системы наставничества педагогических работников"
    assert teachers["forms"] == [
        "педагог – молодой специалист",
        "педагог – педагог",
        "руководитель ОО – педагог",
    ]
    assert teachers["deadline"] == "2026-01-01"
    # s1 by 15.10.2025; s2 only on 01.02.2026, after the deadline
    assert (teachers["organisations"], teachers["introduced"], teachers["share"]) == (3, 1, 33.3)
    assert teachers["notIntroduced"] == ["Школа № 2", "Школа № 3"]
    assert (in_m1["students"]["introduced"], in_m1["students"]["share"]) == (2, 100.0)
    assert (in_m1["teachers"]["introduced"], in_m1["teachers"]["share"]) == (1, 50.0)

    school = await world.api.graphql(world.coordinator("s2"), FRAMES)
    own = {f["frame"]: f for f in school["data"]["frameIntroduction"]["frames"]}
    assert own["teachers"]["deadline"] == "2026-01-01"  # the region's, published to its schools
    assert (own["teachers"]["organisations"], own["teachers"]["introduced"]) == (1, 0)
    assert own["teachers"]["notIntroduced"] == ["Школа № 2"]

    indicators = await world.api.graphql(officer, INDICATORS)
    headings = {r["code"]: r["frameHeading"] for r in indicators["data"]["indicators"]["rows"]}
    assert headings["young_teachers_mentored"] == (
        "Показатели системы наставничества педагогических работников"
    )
    assert headings["students_involved"] == "Показатели целевой модели наставничества"
    assert {r["frame"] for r in indicators["data"]["indicators"]["rows"]} == {
        "students",
        "teachers",
    }


async def test_without_a_deadline_a_frame_is_measured_on_the_reference_day(world: World) -> None:
    programme = (await _open(world, "s3", "teachers"))["id"]
    await world.api.command(
        "programs",
        f"/programmes/{programme}/stage",
        world.token(Role.SCHOOL_DIRECTOR, "s3"),
        {"stage": 2, "effective_on": "2025-10-01"},
        expect=200,
    )
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m2")

    answer = await world.api.graphql(officer, FRAMES)
    frames = {f["frame"]: f for f in answer["data"]["frameIntroduction"]["frames"]}

    assert frames["teachers"]["deadline"] is None
    assert (frames["teachers"]["organisations"], frames["teachers"]["introduced"]) == (1, 1)
    assert (frames["students"]["introduced"], frames["students"]["share"]) == (0, 0.0)


@pytest.mark.parametrize(
    ("frame", "forms", "code", "words"),
    [
        (
            "parents",
            ["teacher_student"],
            "frame_unknown",
            "Неизвестная рамка наставничества «parents»",
        ),
        (
            "students",
            ["teacher_student", "teacher_young_specialist"],
            "form_not_in_frame",
            "Целевая модель наставничества обучающихся не включает форм:"
            " «педагог – молодой специалист»",
        ),
        (
            "teachers",
            ["student_student"],
            "form_not_in_frame",
            "Система наставничества педагогических работников не включает форм: «ученик – ученик»",
        ),
    ],
)
async def test_a_programme_outside_its_frame_is_refused_and_nothing_is_stored(
    world: World, frame: str, forms: list[str], code: str, words: str
) -> None:
    refused = await _open(world, "s1", frame, expect=422, forms=forms)
    listed = await world.api.graphql(world.coordinator("s1"), PROGRAMMES)

    assert refused["code"] == code
    assert refused["message"].startswith(words)
    assert nodes(listed["data"]["programmes"]) == []


async def test_a_programme_naming_no_frame_takes_the_one_its_forms_say(world: World) -> None:
    """As before frames: a client that sends no frame (its forms all the teachers' → the
    teachers' system; else the students' model)."""
    for forms in (["teacher_teacher"], ["student_student", "teacher_young_specialist"]):
        await world.api.command(
            "programs",
            "/programmes",
            world.coordinator("s1"),
            {
                "school_id": str(world.ids["s1"]),
                "school_year": "2025/26",
                "title": f"Программа {forms[0]}",
                "forms": forms,
            },
        )
    listed = await world.api.graphql(world.coordinator("s1"), PROGRAMMES)

    assert sorted((n["forms"][0], n["frame"]) for n in nodes(listed["data"]["programmes"])) == [
        ("student_student", "students"),
        ("teacher_teacher", "teachers"),
    ]


@pytest.mark.parametrize(
    ("role", "frame", "deadline", "status", "code"),
    [
        (Role.REGION_OFFICER, "parents", "2026-01-01", 422, "frame_unknown"),
        (Role.REGION_OFFICER, "teachers", "2021-12-01", 422, "deadline_before_basis"),
        (Role.MUNICIPALITY_OFFICER, "teachers", "2026-01-01", 403, None),
    ],
)
async def test_a_bad_deadline_is_refused_and_nothing_is_stored(
    world: World, role: Role, frame: str, deadline: str, status: int, code: str | None
) -> None:
    scope = "region" if role == Role.REGION_OFFICER else "m1"
    refused = await world.api.command(
        "registry",
        f"/regions/{world.ids['region']}/frames/{frame}/deadline",
        world.token(role, scope),
        {"deadline": deadline},
        expect=status,
        method="PUT",
    )
    answer = await world.api.graphql(world.token(Role.REGION_OFFICER, "region"), FRAMES)

    if code is not None:
        assert refused["code"] == code
        assert any("а" <= c <= "я" for c in refused["message"])  # in Russian
    assert [f["deadline"] for f in answer["data"]["frameIntroduction"]["frames"]] == [None, None]


async def test_a_school_opens_a_teachers_system_beside_its_students_programme_on_the_web(
    web: WebClient, world: World
) -> None:
    students = (await _open(world, "s1", "students"))["id"]
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    form = await web.get("/programme/new")
    assert "Рамка наставничества" in form.text
    assert "Система наставничества педагогических работников" in form.text

    refused = await web.submit(
        "/programme/new",
        {
            "title": "Наставничество педагогов",
            "school_year": "2025/26",
            "frame": "students",
            "forms": ["teacher_young_specialist"],
        },
    )
    assert refused.status_code == 400
    assert "не включает форм: «педагог – молодой специалист»" in field_error(refused.text, "forms")
    opened = await web.submit(
        "/programme/new",
        {
            "title": "Наставничество педагогов",
            "school_year": "2025/26",
            "frame": "teachers",
            "forms": ["teacher_young_specialist", "teacher_teacher"],
        },
    )

    assert opened.status_code == 303
    await web.api.caught_up(world.coordinator("s1"))
    shown = await web.get(opened.headers["location"])
    assert "<dt>Рамка</dt><dd>Система наставничества педагогических работников</dd>" in shown.text
    assert f'href="/programme?programme_id={students}"' in shown.text  # side by side
    first = await web.get(f"/programme?programme_id={students}")
    assert "<dt>Рамка</dt><dd>Целевая модель наставничества обучающихся</dd>" in first.text
    # the school's pages stay on the programme chosen (by title, the teachers' would come first)
    kept = await web.get("/programme")
    assert "<dt>Рамка</dt><dd>Целевая модель наставничества обучающихся</dd>" in kept.text


async def test_the_regions_pages_show_each_frame_apart(web: WebClient, world: World) -> None:
    await _side_by_side(world)
    await web.sign_in(world.token(Role.REGION_OFFICER, "region"))

    home = (await web.get("/")).text
    indicators = (await web.get("/region/indicators?year=2025/26&on=30.05.2026")).text

    for html in (home, indicators):
        assert "<h2>Внедрение рамок наставничества</h2>" in html
        assert re.search(
            r"<td>Система наставничества педагогических работников</td>\s*<td>01\.01\.2026</td>"
            r'\s*<td class="number">3</td>\s*<td class="number">1</td>'
            r'\s*<td class="number">33,3&nbsp;%</td>\s*<td>Школа № 2, Школа № 3</td>',
            html,
        )
    students = indicators.split("<h3>Показатели целевой модели наставничества</h3>")[1]
    students, teachers = students.split(
        "<h3>Показатели системы наставничества педагогических работников</h3>"
    )
    assert "Доля обучающихся, вовлечённых в наставничество" in students
    assert "Доля молодых педагогов" not in students
    assert "Доля молодых педагогов" in teachers.split("</table>")[0]


async def test_a_school_keeps_each_frames_regulation_apart(web: WebClient, world: World) -> None:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    regulation = {
        "kind": "regulation",
        "title": "Положение о системе наставничества педагогических работников",
        "act_date": "2023-08-30",
        "frame": "teachers",
    }
    path = f"/organisations/{world.ids['s1']}/acts"
    unknown = await world.api.command(
        "programs", path, director, regulation | {"frame": "parents"}, expect=422
    )
    kept = await world.api.command("programs", path, director, regulation)
    general = await world.api.command(
        "programs",
        path,
        director,
        regulation | {"title": "Положение о наставничестве"} | {"frame": None},
    )

    acts = await world.api.graphql(
        director, "query { acts { edges { node { id frame frameName } } } }"
    )
    frames = {n["id"]: (n["frame"], n["frameName"]) for n in nodes(acts["data"]["acts"])}
    assert unknown["code"] == "frame_unknown"
    assert frames == {
        kept["id"]: ("teachers", "Система наставничества педагогических работников"),
        general["id"]: (None, None),
    }
    await web.sign_in(director)
    shown = await web.get(f"/acts/{kept['id']}")
    assert "<dt>Рамка</dt><dd>Система наставничества педагогических работников</dd>" in shown.text
    form = await web.get("/acts/new")
    assert (
        '<option value="teachers">Система наставничества педагогических работников</option>'
        in form.text
    )
