"""Monitoring campaigns over HTTP and GraphQL on the real database: the three example forms made
through the API, a campaign over a municipality of five organisations run end to end, frozen
submissions against changed data, and refusals that store nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from services.registry.form_examples import DOCUMENT_LIST
from shared.adapters.settings import region_today
from shared.dictionaries import school_year_of
from shared.kernel.principal import Role
from tests.conftest import Api, EventCounter, World
from tests.integration.test_documents import TOOLS, _check_opened

# The window of the Klin monitoring (seed 001), both days counted, in the region's calendar.
WINDOW = (date(2026, 4, 17), date(2026, 4, 26))
LINKS = [{"number": f"1.{n}", "value": f"https://school.ru/doc{n}"} for n in range(1, 5)]
PROGRAMME = {"number": "1.5", "value": True, "evidence": "Программа на сайте школы"}

CAMPAIGN = """
query($id: ID!) { campaign(id: $id) {
  title actNumber windowFrom windowTo reviewerRoleNames form { version title }
  results { targeted submitted onTime late inDraft neverStarted returned accepted
    organisations { name municipality status statusName submittedOn late }
    items { number answered counts { shown count } accepted }
    municipalities { municipality targeted submitted onTime late notSubmitted neverStarted } }
  submissions { organisationName status submittedOn late firstSubmittedOn firstLate submissions
    conclusion answers { number value shown evidence computed comment }
    history { action number verdict verdictName missing text actorRole late } }
} }
"""


@contextmanager
def region_clock(api: Api, moment: datetime) -> Iterator[None]:
    """The registry's day as the region's calendar has it at `moment` (a UTC instant)."""
    registry = api.registry.app.state.registry
    before = registry.today
    registry.today = lambda: moment.astimezone(api.settings.region_zone).date()
    try:
        yield
    finally:
        registry.today = before


async def five_schools(world: World) -> list[str]:
    """The first municipality with five schools: s1, s2 and three more."""
    operator = world.api.token(Role.OPERATOR, "")
    for n in (4, 5, 6):
        made = await world.api.command(
            "registry",
            "/organisations",
            operator,
            {"kind": "school", "name": f"Школа № {n}", "parent_id": str(world.ids["m1"])},
        )
        world.ids[f"s{n}"], world.paths[f"s{n}"] = made["id"], made["path"]
    return ["s1", "s2", "s4", "s5", "s6"]


async def example(world: World, name: str) -> str:
    made = await world.api.command(
        "registry",
        "/forms/examples",
        world.token(Role.INSTITUTE_METHODOLOGIST, "region"),
        {"owner_id": str(world.ids["region"]), "example": name},
    )
    return str(made["id"])


async def announce(world: World, form_id: str, **changes: Any) -> str:
    body = {
        "title": "Мониторинг нормативных документов по внедрению системы наставничества",
        "form_id": form_id,
        "form_version": 1,
        "act_number": "94-13",
        "act_date": "2026-04-10",
        "target_id": str(world.ids["m1"]),
        "target_kinds": ["school"],
        "window_from": str(WINDOW[0]),
        "window_to": str(WINDOW[1]),
        "reference_date": "2026-04-15",
        "reviewer_roles": ["institute_methodologist", "municipality_officer"],
    } | changes
    made = await world.api.command(
        "registry", "/campaigns", world.token(Role.MUNICIPALITY_OFFICER, "m1"), body
    )
    return str(made["id"])


def submission(world: World, campaign: str, school: str) -> str:
    return f"/campaigns/{campaign}/submissions/{world.ids[school]}"


async def answer(
    world: World, campaign: str, school: str, answers: list[Any], submit: bool, expect: int = 200
) -> Any:
    return await world.api.command(
        "registry",
        submission(world, campaign, school),
        world.token(Role.SCHOOL_DIRECTOR, school),
        {"answers": answers, "submit": submit},
        expect=expect,
        method="PUT",
    )


async def review(
    world: World, campaign: str, school: str, body: dict[str, Any], role: Role, expect: int = 201
) -> Any:
    key = "m1" if role == Role.MUNICIPALITY_OFFICER else "region"
    return await world.api.command(
        "registry",
        f"{submission(world, campaign, school)}/reviews",
        world.token(role, key),
        body,
        expect=expect,
    )


async def conclude(world: World, campaign: str, school: str, accepted: bool, comment: str) -> Any:
    return await world.api.command(
        "registry",
        f"{submission(world, campaign, school)}/conclusion",
        world.token(Role.INSTITUTE_METHODOLOGIST, "region"),
        {"accepted": accepted, "comment": comment},
    )


def moscow(day: date, hour: int, minute: int) -> datetime:
    """A UTC instant given as the region's (Moscow, UTC+3) wall clock."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


async def test_three_example_forms_are_made_through_the_api(world: World) -> None:
    forms = [await example(world, name) for name in ("s1", "documents", "school")]
    by_hand = await world.api.command(  # the same list as a region would type it in
        "registry",
        "/forms",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"owner_id": str(world.ids["m1"]), **DOCUMENT_LIST},
    )
    await world.api.command(
        "registry",
        f"/forms/{forms[0]}/mappings",
        world.token(Role.REGION_OFFICER, "region"),
        {"other_form_id": forms[2], "pairs": [{"item": "12", "other_item": "1"}]},
    )
    query = """{ formTemplates { id title version sections { number items { number kind
        source requirements { number } } } mappings { otherFormId pairs { item otherItem } } } }"""
    school = await world.api.graphql(world.coordinator("s1"), query)
    found = {f["id"]: f for f in school["data"]["formTemplates"]}
    assert set(found) == {*forms, by_hand["id"]}  # the region's and its municipality's forms
    s1, documents, school_form = (found[f] for f in forms)
    assert [i["number"] for i in s1["sections"][0]["items"]] == [str(n) for n in range(1, 13)]
    assert s1["mappings"] == [
        {"otherFormId": forms[2], "pairs": [{"item": "12", "otherItem": "1"}]}
    ]
    item_15 = documents["sections"][0]["items"][4]
    assert item_15["number"] == "1.5"
    assert [r["number"] for r in item_15["requirements"]] == [f"1.5.{n}" for n in range(1, 5)]
    kinds = {i["kind"] for s in school_form["sections"] for i in s["items"]}
    assert {"link", "number", "computed", "choice", "date", "text"} <= kinds
    other = await world.api.graphql(world.coordinator("s3"), query)  # the other municipality
    assert {f["id"] for f in other["data"]["formTemplates"]} == set(forms)


async def test_a_campaign_over_five_schools_end_to_end(world: World, tmp_path: Path) -> None:
    schools = await five_schools(world)
    on_time, last_day, late, returned, never = schools
    campaign = await announce(world, await example(world, "documents"))
    answers = [*LINKS, PROGRAMME]

    with region_clock(world.api, moscow(WINDOW[0] + timedelta(days=2), 11, 0)):
        await answer(world, campaign, on_time, answers, True)
        await answer(world, campaign, returned, LINKS[:2], False)  # a draft first
        await answer(world, campaign, returned, [*LINKS[2:], PROGRAMME], True)
    # 23:50 in the region on the last day: 20:50 UTC, still the last day — on time
    with region_clock(world.api, moscow(WINDOW[1], 23, 50)):
        await answer(world, campaign, last_day, answers, True)
    # 00:10 in the region the next day (21:10 UTC, the last day by UTC): late
    with region_clock(world.api, moscow(WINDOW[1] + timedelta(days=1), 0, 10)):
        await answer(world, campaign, late, answers, True)

    institute = Role.INSTITUTE_METHODOLOGIST
    partly = {
        "number": "1.5",
        "verdict": "partly",
        "missing": ["1.5.2", "1.5.4"],
        "recommendation": "Описать ожидаемые результаты и приложить персонализированные программы",
    }
    await review(world, campaign, returned, partly, institute)
    await conclude(world, campaign, returned, False, "Доработать программу наставничества")
    with region_clock(world.api, moscow(WINDOW[1] + timedelta(days=3), 10, 0)):
        await answer(
            world, campaign, returned, [PROGRAMME | {"evidence": "Программа, ред. 2"}], True
        )
    await review(world, campaign, returned, {"number": "1.5", "verdict": "accepted"}, institute)
    await conclude(world, campaign, returned, True, "Принято")
    await review(
        world,
        campaign,
        on_time,
        {"number": "1.1", "verdict": "accepted"},
        Role.MUNICIPALITY_OFFICER,
    )

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    data = (await world.api.graphql(officer, CAMPAIGN, id=campaign))["data"]["campaign"]
    results = data["results"]
    counted = {k: results[k] for k in ("targeted", "submitted", "onTime", "late", "inDraft")}
    assert counted == {"targeted": 5, "submitted": 4, "onTime": 3, "late": 1, "inDraft": 0}
    assert (results["neverStarted"], results["returned"], results["accepted"]) == (1, 0, 1)
    by_name = {o["name"]: o for o in results["organisations"]}
    name = {key: f"Школа № {key[1]}" for key in schools}
    assert by_name[name[never]]["statusName"] == "не приступили"  # counted and named
    assert (by_name[name[last_day]]["submittedOn"], by_name[name[last_day]]["late"]) == (
        str(WINDOW[1]),
        False,
    )
    assert by_name[name[late]]["late"] is True
    assert by_name[name[returned]]["status"] == "accepted"
    assert results["municipalities"] == [
        {
            "municipality": "Первый округ",
            "targeted": 5,
            "submitted": 4,
            "onTime": 3,
            "late": 1,
            "notSubmitted": 1,
            "neverStarted": 1,
        }
    ]
    items = {i["number"]: i for i in results["items"]}
    assert items["1.5"]["counts"] == [{"shown": "да", "count": 4}]
    assert (items["1.1"]["answered"], items["1.1"]["accepted"]) == (4, 1)

    # The school sees its own submission only, with every recommendation and its history.
    own = await world.api.graphql(
        world.token(Role.SCHOOL_DIRECTOR, returned), CAMPAIGN, id=campaign
    )
    [mine] = own["data"]["campaign"]["submissions"]
    assert (mine["submissions"], mine["firstLate"], mine["late"]) == (2, False, True)
    assert [h["action"] for h in mine["history"]] == [
        "draft",
        "submitted",
        "review",
        "returned",
        "submitted",
        "review",
        "accepted",
    ]
    partly_seen = mine["history"][2]
    assert (partly_seen["verdictName"], partly_seen["missing"]) == (
        "принято частично",
        ["1.5.2", "1.5.4"],
    )
    assert partly_seen["text"].startswith("Описать ожидаемые результаты")
    assert own["data"]["campaign"]["results"]["targeted"] == 1  # its own line only
    other = await world.api.graphql(world.coordinator("s3"), CAMPAIGN, id=campaign)
    assert other["errors"][0]["extensions"]["code"] == "campaign_not_found"  # not its campaign

    open_for = await world.api.graphql(
        world.coordinator(never),
        "query($o: ID!, $d: Date!) { campaigns(organisationId: $o, openOn: $d) { title } }",
        o=str(world.ids[never]),
        d=str(WINDOW[1]),
    )
    assert len(open_for["data"]["campaigns"]) == 1
    await documents_agree(world, campaign, results, tmp_path)


async def documents_agree(
    world: World, campaign: str, results: dict[str, Any], tmp_path: Path
) -> None:
    """The справка (opened by LibreOffice) and the XLSX say what the results say."""
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    files = {}
    for name in ("report.docx", "answers.xlsx"):
        response = await world.api.reporting.get(
            f"/campaigns/{campaign}/{name}", headers=world.api.auth(officer)
        )
        assert response.status_code == 200, response.text
        files[name] = response.content
    sheet = load_workbook(io.BytesIO(files["answers.xlsx"])).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Организация", "Муниципальное образование", "Ответ", "Отправлен", "Срок")
    table = {row[0]: row for row in rows[1:]}
    for organisation in results["organisations"]:
        row = table[organisation["name"]]
        assert row[2] == organisation["statusName"]
        late = organisation["late"]
        assert row[4] == ("—" if late is None else "с опозданием" if late else "в срок")
    assert sum(1 for row in rows[1:] if row[4] == "в срок") == results["onTime"]
    assert rows[0][5 + 4] == "1.5. Программа наставничества ОО"
    assert sum(1 for row in rows[1:] if str(row[5 + 4]).startswith("да")) == 4
    if not all(TOOLS.values()):
        pytest.skip("needs LibreOffice: apt-get install libreoffice-writer poppler-utils")
    text = " ".join(_check_opened(files["report.docx"], "campaign-report", tmp_path).split())
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in text
    assert (
        f"Отправили ответ {results['submitted']}: в срок — {results['onTime']}, с опозданием —"
        f" {results['late']}" in text
    )
    never = next(o["name"] for o in results["organisations"] if o["status"] == "not_started")
    assert f"Не представили ответ: {never}." in text


async def test_a_submission_stays_as_submitted_when_the_schools_data_change(world: World) -> None:
    campaign = await announce(
        world,
        await example(world, "school"),
        window_from=str(region_today() - timedelta(days=3)),
        window_to=str(region_today() + timedelta(days=3)),
        act_date=str(region_today() - timedelta(days=5)),
        reference_date=str(region_today()),
    )
    coordinator = world.coordinator("s1")
    values = """query($id: ID!, $o: ID!) { campaign(id: $id) {
        computedValues(organisationId: $o) { number value shown note }
        submission(organisationId: $o) { answers { number value computed } } } }"""
    school = str(world.ids["s1"])
    before = await world.api.graphql(coordinator, values, id=campaign, o=school)
    offered = {v["number"]: v for v in before["data"]["campaign"]["computedValues"]}
    assert (offered["3"]["value"], offered["7"]["value"]) == ("0", "false")
    computed = [{"number": n, "value": 0, "computed": 0} for n in ("3", "4")] + [
        {"number": "5", "value": None, "computed": None},
        {"number": "8", "value": None},
    ]
    answers = [
        {"number": "1", "value": "https://school1.ru/nastavnik"},
        {"number": "2", "value": "https://school1.ru/prikaz"},
        *computed,
        {"number": "6", "value": 2},
        {"number": "7", "value": False, "computed": False},
        {"number": "9", "value": "смешанный"},
        {"number": "10", "value": "2026-10-01"},
    ]
    # a required computed value with no data cannot be left empty
    refused = await answer(world, campaign, "s1", answers, True, expect=400)
    assert refused["code"] == "answers_missing"
    answers[4:6] = [
        {"number": "5", "value": 0, "comment": "Контингент не внесён, вовлечённых нет"},
        {"number": "8", "value": 0, "comment": "Дорожная карта не утверждена"},
    ]
    await answer(world, campaign, "s1", answers, True)

    created = await world.api.command(  # then the school forms a pair: one mentor more
        "programs",
        "/programmes",
        coordinator,
        {
            "school_id": school,
            "school_year": school_year_of(region_today()),
            "title": "Программа наставничества",
            "forms": ["teacher_student"],
        },
    )
    programme = str(created["id"])
    mentor = await world.person("s1", "Наставник Заморозки", "mentor")
    mentee = await world.person("s1", "Наставляемый Заморозки", "mentee")
    await world.pair("s1", programme, mentor, mentee)

    after = await world.api.graphql(coordinator, values, id=campaign, o=school)
    now = {v["number"]: v["value"] for v in after["data"]["campaign"]["computedValues"]}
    assert (now["3"], now["4"]) == ("1", "1")  # today's recomputation moved on
    frozen = {a["number"]: a for a in after["data"]["campaign"]["submission"]["answers"]}
    assert (frozen["3"]["value"], frozen["3"]["computed"]) == ("0", "0")  # as submitted


async def test_refusals_answer_4xx_and_store_nothing(world: World, events: EventCounter) -> None:
    form = await example(world, "documents")
    campaign = await announce(world, form)
    before = await events()
    institute = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    wrong_kind = await answer(world, campaign, "s1", [{"number": "1.1", "value": 5}], False, 400)
    assert wrong_kind["code"] == "answer_kind"
    assert "1.1" in wrong_kind["message"]
    changed = await world.api.command(
        "registry",
        f"/forms/{form}",
        institute,
        {"version": 1, "title": "Перечень (изменён)", "sections": DOCUMENT_LIST["sections"]},
        expect=422,
        method="PUT",
    )
    assert changed["code"] == "form_in_use"
    outside = await world.api.command(  # a school of another municipality is not targeted
        "registry",
        submission(world, campaign, "s3"),
        world.token(Role.SCHOOL_DIRECTOR, "s3"),
        {"answers": LINKS, "submit": False},
        expect=400,
        method="PUT",
    )
    assert outside["code"] == "not_targeted"
    bad_window = await world.api.command(
        "registry",
        "/campaigns",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {
            "title": "Мониторинг",
            "form_id": form,
            "form_version": 1,
            "act_number": "1",
            "act_date": "2026-04-10",
            "target_id": str(world.ids["m1"]),
            "target_kinds": ["school"],
            "window_from": "2026-04-26",
            "window_to": "2026-04-17",
            "reference_date": "2026-04-15",
            "reviewer_roles": ["institute_methodologist"],
        },
        expect=400,
    )
    assert bad_window["code"] == "window_empty"
    assert await events() == before

    with region_clock(world.api, moscow(WINDOW[1] + timedelta(days=1), 9, 0)):
        await answer(world, campaign, "s1", [*LINKS, PROGRAMME], True)
    before = await events()
    frozen = await answer(world, campaign, "s1", LINKS[:1], False, expect=422)
    assert frozen["code"] == "submission_frozen"
    not_named = await review(
        world, campaign, "s1", {"number": "1.1", "verdict": "accepted"}, Role.REGION_OFFICER, 403
    )
    assert not_named["code"] == "reviewer_not_named"
    assert await events() == before
    new_version = await world.api.command(
        "registry",
        f"/forms/{form}/versions",
        institute,
        {"title": "Перечень 2027", "sections": DOCUMENT_LIST["sections"]},
    )
    assert new_version["version"] == 2


async def test_results_read_what_was_submitted_not_a_later_draft(world: World) -> None:
    campaign = await announce(world, await example(world, "documents"))
    with region_clock(world.api, moscow(WINDOW[0], 12, 0)):
        await answer(world, campaign, "s1", [*LINKS, PROGRAMME], True)
    await review(
        world,
        campaign,
        "s1",
        {"number": "1.5", "verdict": "not_accepted", "recommendation": "Программы нет на сайте"},
        Role.INSTITUTE_METHODOLOGIST,
    )
    await conclude(world, campaign, "s1", False, "Разместите программу")
    await answer(world, campaign, "s1", [PROGRAMME | {"value": False}], False)  # a draft

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    data = (await world.api.graphql(officer, CAMPAIGN, id=campaign))["data"]["campaign"]
    items = {i["number"]: i for i in data["results"]["items"]}
    assert items["1.5"]["counts"] == [{"shown": "да", "count": 1}]  # as submitted
    [own] = data["submissions"]
    draft = {a["number"]: a["shown"] for a in own["answers"]}
    assert (own["status"], draft["1.5"]) == ("returned", "нет")  # the school's revision
