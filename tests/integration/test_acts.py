"""The register of acts as its users enter and read it: the four acts of issue 19 entered over
HTTP by the school and the municipality, listed through GraphQL, in force only from their
effective dates, printed as DOCX and opened by LibreOffice; the acts the platform issues in the
same register; and every bad input refused with a Russian message, storing nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from shared.adapters.settings import region_today
from shared.dictionaries import school_year_of
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, nodes
from tests.integration.test_documents import FONTS, TOOLS, _check_opened

R_145 = {
    "level": "federal",
    "issuer": "Министерства просвещения Российской Федерации",
    "kind": "распоряжение",
    "number": "Р-145",
    "on": "2019-12-25",
    "title": "Об утверждении методологии (целевой модели) наставничества обучающихся",
}
REGULATION = {
    "kind": "regulation",
    "title": "Положение о системе наставничества педагогических работников",
    "act_date": "2023-08-29",
    "basis": [R_145],
    "marks": [
        {
            "kind": "accepted",
            "body": "педагогическим советом",
            "on": "2023-08-29",
            "protocol_number": "1",
        },
        {
            "kind": "agreed",
            "body": "с управляющим советом",
            "on": "2023-08-29",
            "protocol_number": "3",
        },
        {
            "kind": "agreed",
            "body": "с советом обучающихся",
            "on": "2023-08-29",
            "protocol_number": "2",
        },
        {"kind": "approved", "body": "Директор", "on": "2023-08-30", "signer": "Е.Б. Гончар"},
    ],
    "points": [{"text": "Общие положения"}, {"text": "Цели и задачи наставничества"}],
    "published_url": "https://school135.example.ru/nastavnichestvo",
}
PROTOCOL = {
    "kind": "protocol",
    "number": "1",
    "register": "методический совет",
    "title": "Заседание методического совета",
    "act_date": "2023-08-28",
    "points": [{"text": "Рекомендовать программу наставничества к утверждению"}],
}
MUNICIPAL = {
    "kind": "order",
    "number": "94-13",
    "register": "по основной деятельности",
    "act_date": "2023-06-02",
    "title": "Об итогах мониторинга нормативных документов по внедрению системы наставничества",
    "basis": [
        {
            "level": "municipal",
            "issuer": "Управления образования",
            "kind": "аналитическая справка",
            "number": "1620",
            "on": "2023-06-02",
            "title": "Об итогах мониторинга",
        }
    ],
    "points": [
        {
            "kind": "assignment",
            "text": "Директорам внести изменения в нормативные документы с устранением недочётов",
            "people": [
                {"name": "Сальникова Г.И.", "position": "директор", "organisation": "МОУ-СОШ № 17"},
                {
                    "name": "Каширина О.А.",
                    "position": "директор",
                    "organisation": "МОУ «Школа для обучающихся с ОВЗ»",
                },
            ],
            "documents": ["приказы о внедрении системы наставничества"],
            "due_on": "2023-09-01",
        },
        {
            "kind": "responsible",
            "text": "Ответственность за исполнение приказа возложить на",
            "people": [
                {
                    "name": "Кутейкина Е.Н.",
                    "position": "директор",
                    "organisation": "МУ «Методический кабинет»",
                }
            ],
        },
        {"kind": "control", "text": "Контроль за исполнением приказа оставляю за собой"},
    ],
}


def implementation(municipal_id: str) -> dict[str, Any]:
    return {
        "kind": "order",
        "number": "234-а",
        "register": "по основной деятельности",
        "act_date": "2023-09-04",
        "title": "О внедрении целевой модели наставничества",
        "basis": [R_145, {"act_id": municipal_id}],
        "points": [
            {"text": "Внедрить целевую модель наставничества"},
            {
                "kind": "project_group",
                "text": "Утвердить состав проектной группы",
                "people": [
                    {
                        "name": "Махова Ирина Юрьевна",
                        "position": "директор",
                        "role": "руководитель",
                    },
                    {
                        "name": "Косова Елена Михайловна",
                        "position": "старший методист",
                        "role": "член группы",
                    },
                ],
            },
            {"kind": "control", "text": "Контроль за исполнением приказа оставляю за собой"},
        ],
    }


def programme(protocol_id: str) -> dict[str, Any]:
    return {
        "kind": "programme",
        "title": "Программа наставничества «Вместе» на 2023/24 учебный год",
        "act_date": "2023-08-30",
        "basis": [{"act_id": protocol_id}],
        "marks": [
            {
                "kind": "accepted",
                "body": "методическим советом",
                "on": "2023-08-28",
                "protocol_number": "1",
            },
            {"kind": "approved", "body": "Директор", "on": "2023-08-31", "order_number": "78-Д"},
        ],
    }


ACTS = """query($on: Date, $organisation: ID) {
  acts(inForceOn: $on, organisationId: $organisation) { totalCount edges { node {
    id source kind kindName number title effectiveFrom organisationName issuedAs
    marks { kindName body on protocolNumber orderNumber }
    basis { actId text } points { kindName people { name } dueOn }
  } } } }"""


async def _record(
    world: World, token: str, key: str, body: dict[str, Any], expect: int = 201
) -> Any:
    return await world.api.command(
        "programs", f"/organisations/{world.ids[key]}/acts", token, body, expect=expect
    )


async def _four_acts(world: World) -> dict[str, str]:
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    municipal = (await _record(world, officer, "m1", MUNICIPAL))["id"]
    regulation = (await _record(world, director, "s1", REGULATION))["id"]
    protocol = (await _record(world, director, "s1", PROTOCOL))["id"]
    programme_id = (await _record(world, director, "s1", programme(protocol)))["id"]
    order = (await _record(world, director, "s1", implementation(municipal)))["id"]
    return {
        "municipal": municipal,
        "regulation": regulation,
        "protocol": protocol,
        "programme": programme_id,
        "order": order,
    }


async def test_the_four_acts_are_listed_each_in_force_from_its_effective_date(
    world: World,
) -> None:
    made = await _four_acts(world)
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")

    everything = await world.api.graphql(director, ACTS)
    listed = {n["id"]: n for n in nodes(everything["data"]["acts"])}
    on_29 = await world.api.graphql(director, ACTS, on="2023-08-29")
    on_30 = await world.api.graphql(director, ACTS, on="2023-08-30")
    on_31 = await world.api.graphql(director, ACTS, on="2023-08-31")

    assert set(made.values()) <= set(listed)  # the municipality's order too: the school follows it
    regulation = listed[made["regulation"]]
    assert regulation["effectiveFrom"] == "2023-08-30"  # from the director's approval
    assert [m["kindName"] for m in regulation["marks"]] == [
        "Принято",
        "Согласовано",
        "Согласовано",
        "Утверждено",
    ]
    assert regulation["number"] == ""
    programme_ = listed[made["programme"]]
    assert programme_["marks"][1]["orderNumber"] == "78-Д"
    assert programme_["basis"][0]["actId"] == made["protocol"]
    order = listed[made["order"]]
    assert order["basis"][1]["actId"] == made["municipal"]
    assert "от 25.12.2019 № Р-145" in order["basis"][0]["text"]
    assert next(p["name"] for p in order["points"][1]["people"]) == "Махова Ирина Юрьевна"
    municipal = listed[made["municipal"]]
    assert municipal["organisationName"] == "Первый округ"
    assert [p["name"] for p in municipal["points"][0]["people"]] == [
        "Сальникова Г.И.",
        "Каширина О.А.",
    ]
    assert municipal["points"][0]["dueOn"] == "2023-09-01"

    def ids(answer: dict[str, Any]) -> set[str]:
        return {n["id"] for n in nodes(answer["data"]["acts"])}

    assert made["regulation"] not in ids(on_29)
    assert made["regulation"] in ids(on_30)
    assert made["programme"] not in ids(on_30)  # approved by order on 31.08
    assert made["programme"] in ids(on_31)
    assert made["order"] not in ids(on_31)  # dated 04.09
    assert made["municipal"] in ids(on_29)


async def test_each_level_reads_its_own_acts_and_those_above_never_a_neighbours(
    world: World,
) -> None:
    made = await _four_acts(world)
    other_school = await world.api.graphql(world.token(Role.SCHOOL_DIRECTOR, "s3"), ACTS)
    neighbour = await world.api.graphql(world.token(Role.SCHOOL_DIRECTOR, "s2"), ACTS)
    municipality = await world.api.graphql(world.token(Role.MUNICIPALITY_OFFICER, "m1"), ACTS)

    assert nodes(other_school["data"]["acts"]) == []
    assert {n["id"] for n in nodes(neighbour["data"]["acts"])} == {made["municipal"]}
    assert set(made.values()) <= {n["id"] for n in nodes(municipality["data"]["acts"])}


async def test_the_acts_the_platform_issues_are_in_the_register(world: World) -> None:
    await world.roadmap("s1")
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/regulations",
        director,
        {"title": "Положение о наставничестве", "version": "1", "adopted_on": "2025-08-29"},
    )

    listed = nodes((await world.api.graphql(director, ACTS))["data"]["acts"])
    by_source = {n["source"]: n for n in listed}

    assert by_source["implementation_order"]["number"] == "1-о"
    assert by_source["implementation_order"]["issuedAs"] == (
        "приказ о внедрении целевой модели наставничества"
    )
    assert by_source["regulation_adopted"]["kind"] == "regulation"


LOAD = {"hours_per_month": 4, "capacity": 1}
YEAR = school_year_of(region_today())


async def test_the_orders_approving_pairs_and_mentors_are_acts_of_the_school(
    world: World,
) -> None:
    programme_id = await world.programme("s1")
    mentor = await world.person("s1", "Орлова Ирина Павловна", "mentor")
    mentee = await world.person("s1", "Орлов Денис Игоревич", "mentee")
    await world.pair("s1", programme_id, mentor, mentee)
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    for path, body in (  # a mentor enters the register after a recommending interview
        ("mentor-questionnaire", {"competences": ["математика"], "interests": [], **LOAD}),
        ("mentor-interview", {"held_on": str(region_today()), "recommended": True}),
    ):
        method = "PUT" if path == "mentor-questionnaire" else "POST"
        await world.api.command(
            "registry", f"/people/{mentor}/{path}", director, body, expect=200, method=method
        )
    register = {"school_year": YEAR, "order_number": "7-о", "order_date": str(region_today())}
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/mentor-registers",
        director,
        register | {"mentor_ids": [mentor]},
    )

    listed = nodes((await world.api.graphql(director, ACTS))["data"]["acts"])
    by_source = {n["source"]: n for n in listed}
    pairs_order = by_source["pairs_order"]
    printed = await world.api.reporting.get(
        f"/acts/{pairs_order['id']}", headers=world.api.auth(director)
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(printed.content)).paragraphs)

    assert by_source["mentor_register"]["number"] == "7-о"
    assert by_source["mentor_register"]["title"] == (
        f"Об утверждении реестра наставников на {YEAR} учебный год"
    )
    assert by_source["mentor_register"]["points"][0]["kindName"] == (
        "утверждение реестра наставников"
    )
    assert pairs_order["number"] == "1-н"
    # the order approving pairs prints with its list of pairs, as `/orders/{id}` does
    table = Document(io.BytesIO(printed.content)).tables[0]
    assert "Об утверждении наставнических пар (групп)" in text
    assert table.rows[1].cells[1].text.startswith("Орлова Ирина Павловна")


BAD = [
    ({**PROTOCOL, "number": "  "}, "number_blank", "пробел"),
    ({**PROTOCOL, "act_date": "2099-10-01"}, "act_date_in_future", "01.10.2099"),
    (
        {
            **REGULATION,
            "marks": [
                {"kind": "approved", "body": "Директор", "on": "2023-08-28"},
                {"kind": "accepted", "body": "педагогическим советом", "on": "2023-08-29"},
            ],
        },
        "marks_out_of_order",
        "«Утверждено» (28.08.2023) раньше отметки «Принято»",
    ),
    ({**PROTOCOL, "effective_from": "2023-08-01"}, "effective_before_act_date", "раньше даты"),
    (
        {**PROTOCOL, "basis": [{"act_id": "5b1f0f8e-0000-4000-8000-000000000000"}]},
        "basis_not_found",
        "основанием, не найден",
    ),
]


@pytest.mark.parametrize(("body", "code", "words"), BAD)
async def test_each_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    world: World, events: EventCounter, body: dict[str, Any], code: str, words: str
) -> None:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    before = await events()

    answer = await _record(world, director, "s1", body, expect=422)

    assert answer["code"] == code
    assert words in answer["message"]
    assert answer["details"]["field"]
    assert await events() == before


async def test_a_number_repeated_in_its_journal_and_year_is_refused(world: World) -> None:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await _record(world, director, "s1", PROTOCOL)

    repeated = await _record(world, director, "s1", PROTOCOL, expect=409)

    assert repeated["code"] == "number_taken"
    assert "«1»" in repeated["message"]


@pytest.mark.skipif(
    not all(TOOLS.values()) or not FONTS,
    reason="needs LibreOffice: apt-get install libreoffice-writer poppler-utils fonts-liberation",
)
async def test_every_act_prints_as_a_document_libreoffice_opens(
    world: World, tmp_path: Path
) -> None:
    made = await _four_acts(world)
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.caught_up(director)
    texts, documents = {}, {}
    for name, act_id in made.items():
        answer = await world.api.reporting.get(f"/acts/{act_id}", headers=world.api.auth(director))
        assert answer.status_code == 200, answer.text
        documents[name] = Document(io.BytesIO(answer.content))
        texts[name] = _check_opened(answer.content, f"act-{name}", tmp_path)

    regulation = texts["regulation"]
    for words in ("ПРИНЯТО", "СОГЛАСОВАНО", "УТВЕРЖДАЮ", "Е.Б. Гончар", "ПОЛОЖЕНИЕ"):
        assert words in regulation
    assert "вступает в силу с 30.08.2023" in regulation
    order = texts["order"]
    assert "ПРИКАЗЫВАЮ:" in order
    assert "№ 234-а" in order
    preamble = " ".join(order.split())
    assert "распоряжения Министерства просвещения Российской Федерации от 25.12.2019" in preamble
    assert "приказа от 02.06.2023 № 94-13 «Об итогах мониторинга" in preamble
    assert "Приложение № 1" in order
    assert "С приказом ознакомлены:" in order
    table = [[c.text for c in row.cells] for row in documents["order"].tables[-1].rows]
    assert table[1][1:4] == ["Махова Ирина Юрьевна", "директор", "руководитель"]
    municipal = " ".join(texts["municipal"].split())
    assert "Сальникова Г.И." in municipal
    assert "Каширина О.А." in municipal
    assert "Срок — до 01.09.2023" in municipal
    acquainted = [p.text for p in documents["municipal"].paragraphs if p.text.endswith("20__ г.")]
    assert [line.split("\t")[0] for line in acquainted] == [
        "Сальникова Г.И.",
        "Каширина О.А.",
        "Кутейкина Е.Н.",
    ]
    assert "приказ от 31.08.2023 № 78-Д" in " ".join(texts["programme"].split())


async def test_a_later_regulation_supersedes_the_earlier_from_its_effective_date(
    world: World,
) -> None:
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    first = (await _record(world, director, "s1", REGULATION))["id"]
    revised = {
        **REGULATION,
        "act_date": "2024-08-30",
        "marks": [{"kind": "approved", "body": "Директор", "on": "2024-08-30"}],
        "supersedes": [first],
    }
    second = (await _record(world, director, "s1", revised))["id"]

    def ids(answer: dict[str, Any]) -> set[str]:
        return {n["id"] for n in nodes(answer["data"]["acts"])}

    assert ids(await world.api.graphql(director, ACTS, on="2024-08-29")) == {first}
    assert ids(await world.api.graphql(director, ACTS, on="2024-08-30")) == {second}
