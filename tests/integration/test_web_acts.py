"""The register of acts in the web interface, over plain HTTP without JavaScript: a school's
regulation entered with its four marks, a municipality's order naming two directors, each listed,
shown, in force from its date and downloaded as DOCX; a refusal comes back beside its field."""

from __future__ import annotations

import io
import re

from docx import Document

from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_web_people import field_error
from tests.web_support import WebClient

REGULATION = {
    "kind": "regulation",
    "act_date": "2023-08-29",
    "title": "Положение о системе наставничества педагогических работников",
    "basis_1_level": "federal",
    "basis_1_kind": "распоряжение",
    "basis_1_issuer": "Министерства просвещения Российской Федерации",
    "basis_1_number": "Р-145",
    "basis_1_on": "2019-12-25",
    "basis_1_title": "Об утверждении методологии (целевой модели) наставничества обучающихся",
    "mark_1_kind": "accepted",
    "mark_1_body": "педагогическим советом",
    "mark_1_on": "2023-08-29",
    "mark_1_protocol": "1",
    "mark_2_kind": "agreed",
    "mark_2_body": "с управляющим советом",
    "mark_2_on": "2023-08-29",
    "mark_2_protocol": "3",
    "mark_3_kind": "agreed",
    "mark_3_body": "с советом обучающихся",
    "mark_3_on": "2023-08-29",
    "mark_3_protocol": "2",
    "mark_4_kind": "approved",
    "mark_4_body": "Директор",
    "mark_4_on": "2023-08-30",
    "mark_4_signer": "Е.Б. Гончар",
    "point_1_kind": "text",
    "point_1_text": "Общие положения",
}
MUNICIPAL = {
    "kind": "order",
    "number": "94-13",
    "register": "по основной деятельности",
    "act_date": "2023-06-02",
    "title": "Об итогах мониторинга нормативных документов",
    "point_1_kind": "assignment",
    "point_1_text": "Директорам внести изменения в нормативные документы",
    "point_1_people": "Сальникова Г.И.; директор; МОУ-СОШ № 17\n"
    "Каширина О.А.; директор; МОУ «Школа для обучающихся с ОВЗ»",
    "point_1_documents": "приказы о внедрении системы наставничества",
    "point_1_due_on": "2023-09-01",
    "point_2_kind": "control",
    "point_2_text": "Контроль за исполнением приказа оставляю за собой",
}


async def test_a_school_enters_its_regulation_and_sees_it_in_force_from_the_directors_mark(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    await web.get("/acts/new")

    entered = await web.submit("/acts", REGULATION)
    assert entered.status_code == 303, entered.text
    act_path = entered.headers["location"]
    shown = await web.get(act_path)
    before = await web.get("/acts?on=2023-08-29")
    after = await web.get("/acts?on=2023-08-30")
    document = await web.get(f"{act_path}/docx")

    assert "Принято</strong>: педагогическим советом" in shown.text
    assert "Утверждено</strong>: Директор (Е.Б. Гончар), 30.08.2023" in shown.text
    assert "30.08.2023" in re.sub(r"\s+", " ", shown.text.split("Вступает в силу", 1)[1])[:40]
    assert "от 25.12.2019 № Р-145" in shown.text
    assert "Положение о системе наставничества" not in before.text
    assert "Положение о системе наставничества" in after.text
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert "ПОЛОЖЕНИЕ" in text


async def test_a_refused_act_comes_back_beside_its_field_with_the_values_kept(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s1"))
    await web.get("/acts/new")

    out_of_order = await web.submit("/acts", REGULATION | {"mark_4_on": "2023-08-28"})
    await web.get("/acts/new")
    unnumbered = await web.submit("/acts", MUNICIPAL | {"number": ""})

    assert out_of_order.status_code == 400
    assert "раньше отметки «Принято»" in field_error(out_of_order.text, "marks")
    assert 'value="Е.Б. Гончар"' in out_of_order.text
    assert "Укажите номер" in field_error(unnumbered.text, "number")
    listed = await web.get("/acts")
    assert "В реестре пока нет актов." in listed.text


async def test_a_municipality_names_two_directors_and_its_school_reads_the_order(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    await web.get("/acts/new")
    entered = await web.submit("/acts", MUNICIPAL)
    assert entered.status_code == 303, entered.text
    shown = await web.get(entered.headers["location"])

    assert "Сальникова Г.И., директор, МОУ-СОШ № 17" in shown.text
    assert "Каширина О.А., директор" in shown.text
    assert "срок до 01.09.2023" in shown.text

    await web.sign_in(world.token(Role.SCHOOL_DIRECTOR, "s2"))
    listed = await web.get("/acts")
    assert "Об итогах мониторинга нормативных документов" in listed.text
    assert "Первый округ" in listed.text
