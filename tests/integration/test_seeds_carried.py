# ruff: noqa: E501 — the seeds' words are kept whole, as written
"""Seeds 002 (МБОУ СОШ с. Кремово) and 004 (школа № 135 г. Донецка) entered statement by
statement, as written, through the registry's and the programs' HTTP APIs as the school's people
would, and read back through GraphQL. Each statement is a row of a table: the seed's words, the
call that carries it, what GraphQL shows. A statement the platform cannot carry yet is marked
`carried=False`: the test asserts those rows are exactly the known gap, so a gap can neither hide
nor linger. What the seeds leave unsaid and a call needs (the people standing for a source of
mentees or mentors, an enterprise, days within the months the seeds give, a link, numbers of
orders they do not number) is the test's, and named where it is made."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from shared.adapters.auth import issue_token
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes

Answer = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """An HTTP call as the school's people make it; `{name}` in the path or body stands for the
    id kept under that name by an earlier call."""

    service: str
    method: str
    path: str
    body: dict[str, Any]
    by: Role = Role.SCHOOL_COORDINATOR
    scope: str | None = None  # the organisation whose token calls; the school if none
    person: str | None = None  # the kept person whose own token calls (`by` their role)
    keep: str | None = None  # the name the created id is kept under
    expect: int = 201


@dataclass(frozen=True)
class Statement:
    words: str  # the seed's words, as written
    calls: list[Call] = field(default_factory=list)  # none: carried by calls of a row above
    read: Callable[[Answer], object] | None = None  # what GraphQL shows of it …
    shows: object = None  # … and what it must be
    carried: bool = True  # False: the platform cannot hold it as written yet (the known gap)


def filled(value: Any, ids: dict[str, str]) -> Any:
    """The value with each `{name}` of a kept id replaced by the id."""
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: filled(v, ids) for k, v in value.items()}
    return value


def token(world: World, call: Call, school: str, ids: dict[str, str]) -> str:
    if call.person is None:
        return world.token(call.by, call.scope or school)
    person_id = ids[call.person]
    return issue_token(
        world.api.settings, call.by, world.paths[school], user=person_id, person=UUID(person_id)
    )


async def carry(world: World, school: str, statements: list[Statement]) -> dict[str, str]:
    """Make every statement's calls in the table's order, as the school's people would."""
    ids = {key: str(id) for key, id in world.ids.items()} | {"school": str(world.ids[school])}
    for statement in statements:
        for call in statement.calls:
            answer = await world.api.command(
                call.service,
                filled(call.path, ids),
                token(world, call, school, ids),
                filled(call.body, ids),
                expect=call.expect,
                method=call.method,
            )
            if call.keep:
                ids[call.keep] = answer["id"]
    return ids


def mismatches(statements: list[Statement], answer: Answer) -> list[tuple[str, object, object]]:
    """The carried statements whose read-back differs from what the seed says (one carried but
    never read back counts as differing)."""
    return [(s.words, None, "read back") for s in statements if s.carried and s.read is None] + [
        (s.words, s.read(answer), s.shows)
        for s in statements
        if s.carried and s.read is not None and s.read(answer) != s.shows
    ]


def not_carried(statements: list[Statement]) -> list[str]:
    return [s.words for s in statements if not s.carried]


# What the school's people call: registering people, giving staff roles, recording acts …


def person(keep: str, full_name: str, kind: str, roles: list[str], **more: Any) -> Call:
    """A person entered into the school's lists with the consent to personal data: an adult's
    own, a pupil's signed by the legal representative."""
    consent: dict[str, Any] = {"signed_on": "2023-09-01"}
    if kind == "student":
        consent |= {"representative_name": "Иванова Анна Петровна", "relation": "мать"}
        more.setdefault("birth_date", str(region_today() - timedelta(days=365 * 14)))
    body = {"school_id": "{school}", "kind": kind, "full_name": full_name, "roles": roles}
    return Call("registry", "POST", "/people", body | {"consent": consent} | more, keep=keep)


def staff_role(keep: str, role: str, by: Role = Role.SCHOOL_COORDINATOR, **more: Any) -> Call:
    """A staff role given to a person of the school, with its duties and appointing act."""
    body = {"role": role} | more
    path = f"/people/{{{keep}}}/staff-roles"
    scope = "m1" if by == Role.MUNICIPALITY_OFFICER else None
    return Call("registry", "POST", path, body, by, scope=scope, expect=200)


def profile(keep: str, *categories: str) -> Call:
    return Call(
        "registry",
        "PUT",
        f"/people/{{{keep}}}/mentee-profile",
        {"categories": list(categories), "school_year": "2023/24"},
        expect=200,
    )


def signed(keep: str, kind: str, **more: Any) -> Call:
    return Call(
        "registry",
        "POST",
        f"/people/{{{keep}}}/consents",
        {"kind": kind, "signed_on": "2023-09-01"} | more,
    )


def act(keep: str, kind: str, title: str, act_date: str, **more: Any) -> Call:
    """An act entered whole into the school's register of acts, as its document says."""
    body = {"kind": kind, "title": title, "act_date": act_date} | more
    return Call(
        "programs", "POST", "/organisations/{school}/acts", body, Role.SCHOOL_DIRECTOR, keep=keep
    )


def responsible(names: list[str], text: str, position: str = "") -> dict[str, Any]:
    """A point of an act: who is responsible (a level, a person) and for what, in its words."""
    people = [{"name": name, "position": position} for name in names]
    return {"kind": "responsible", "text": text, "people": people}


# Reading back: one query per school, and small readers over its answer.

REGION = "{ organisations(first: 200) { edges { node { kind name } } } }"
SCHOOL = """query($s: ID!, $on: Date!) {
  people(first: 200) { edges { node {
    fullName kind position isMentor isMentee partnerId youngSpecialist(on: $on)
    menteeProfile { categories }
    consents { kind signedBy relation }
    staffRoles { role forms area since until duties actId actNumber actDate }
  } } }
  acts(first: 200) { edges { node {
    kind title number actDate
    marks { kind body on orderNumber signer }
    points { kind text people { name position } }
  } } }
  stageScheme(schoolId: $s) { stages { name stages } }
  roadmap(schoolId: $s, on: $on) {
    roadmapTitle roadmapOrderNumber roadmapOrderDate
    items { number block blockTitle stage activity deadline responsible expectedResult }
  }
  programmes { edges { node { frame schoolYear forms stage } } }
  responsibilities { personName grantedOn parts { kind subject } }
  schoolEvents(schoolId: $s) { edges { node { kind heldOn title materials { title url } } } }
}"""


async def read_back(world: World, school: str, on: str) -> Answer:
    answer = await world.api.graphql(
        world.coordinator(school), SCHOOL, s=str(world.ids[school]), on=on
    )
    region = await world.api.graphql(world.token(Role.REGION_OFFICER, "region"), REGION)
    assert "errors" not in answer, answer
    data: Answer = answer["data"] | region["data"]  # the region's tree, as its officer sees it
    return data


def someone(full_name: str, what: str) -> Callable[[Answer], Any]:
    def read(answer: Answer) -> Any:
        [found] = [p for p in nodes(answer["people"]) if p["fullName"] == full_name]
        return found[what]

    return read


def points(title: str) -> Callable[[Answer], object]:
    """An act's points as (who, what) pairs."""

    def read(answer: Answer) -> object:
        [found] = [a for a in nodes(answer["acts"]) if a["title"] == title]
        return [([p["name"] for p in point["people"]], point["text"]) for point in found["points"]]

    return read


def organisation(name: str) -> Callable[[Answer], object]:
    """The kinds of the region's organisations of that name."""

    def read(answer: Answer) -> object:
        return [o["kind"] for o in nodes(answer["organisations"]) if o["name"] == name]

    return read


def scheme(answer: Answer) -> list[tuple[str, list[int]]]:
    return [(s["name"], s["stages"]) for s in answer["stageScheme"]["stages"]]


def rows(answer: Answer) -> list[tuple[Any, ...]]:
    """The roadmap as its table: number, activity, deadline, responsible, result."""
    return [
        (
            i["number"] or f"{i['block']}.",
            i["activity"],
            i["deadline"],
            i["responsible"],
            i["expectedResult"],
        )
        for i in answer["roadmap"]["items"]
    ]


# Seed 002, МБОУ СОШ с. Кремово: «Структура управления реализацией целевой модели
# наставничества», «Кадровая система …» and «Этапы реализации …», as the school wrote them.

STRUCTURE = "Структура управления реализацией целевой модели наставничества"
STAFFING = "Кадровая система реализации целевой модели наставничества"
LEVELS = [
    ("Приморский край", "Осуществление государственного управление в сфере образования."),
    ("Приморский край", "Принятие решение о внедрении целевой модели наставничества;"),
    (
        "Приморский край",
        "Обеспечивает организацию инфраструктуры и материально-техническое обеспечение программ наставничества.",
    ),
    (
        "ПК ИРО г.Владивосток",
        "Организационная, методическая, экспертно- консультационная, информационная и просветительская поддержка участников внедрения целевой модели наставничества.",
    ),
    (
        "ПК ИРО г.Владивосток",
        "Контроль за реализацией мероприятий по внедрению целевой модели наставничества;",
    ),
    (
        "ПК ИРО г.Владивосток",
        "Выработка предложений по совместному использованию инфраструктуры в целях внедрения целевой модели наставничества.",
    ),
    (
        "ПК ИРО г.Владивосток",
        "Содействие распространению и внедрению лучших наставнических практик различных форм и ролевых моделей для обучающихся, педагогов и молодых специалистов",
    ),
    (
        "ПК ИРО г.Владивосток",
        "Содействие привлечению к реализации наставнических программ образовательных организаций; предприятий и организаций; государственных бюджетных учреждений культуры и спорта; юридических и физических лиц и т.д.",
    ),
    (
        "МБОУ СОШ с.Кремово",
        "Разработка и утверждение комплекта нормативных документов, необходимых для внедрения целевой модели наставничества",
    ),
    (
        "МБОУ СОШ с.Кремово",
        "Разработка и реализация мероприятий дорожной карты внедрения целевой модели.",
    ),
    ("МБОУ СОШ с.Кремово", "Реализация программ наставничества."),
    (
        "МБОУ СОШ с.Кремово",
        "Назначение координатора и кураторов внедрения целевой модели наставничества.",
    ),
    (
        "МБОУ СОШ с.Кремово",
        "Инфраструктурное и материально-техническое обеспечение реализации программ наставничества.",
    ),
]
ZAPOROZHENKO_DUTIES = [
    "Формирование базы наставников и наставляемых.",
    "Организация обучения наставников (в том числе привлечение экспертов для проведения обучения).",
    "Контроль процедуры внедрения целевой модели наставничества.",
    "Контроль проведения программ наставничества.",
    "Участие в оценке вовлеченности в различные формы наставничества.",
    "Решение организационных вопросов, возникающих в процессе реализации модели.",
    "Мониторинг результатов эффективности реализации целевой модели наставничества.",
]
ZAPOROZHENKO = ("Запороженко В.И.", "заместитель директора по УВР")
CYCLE = (["Новокрещёнова В.А.", "Буга Ю.В."], "Реализация наставнического цикла.")
ROLES = [
    "1. Наставляемый – участник программы, который через взаимодействие с наставником и при его помощи и поддержке решает конкретные жизненные задачи, личные и профессиональные, приобретает новый опыт и развивает новые навыки и компетенции.",
    "2. Наставник – участник программы, имеющий успешный опыт в достижении жизненного результата, личностного и профессионального, способный и готовый поделиться этим опытом и навыками, необходимыми для поддержки процессов самореализации и самосовершенствования наставляемого.",
    "3. Координатор – сотрудник образовательной организации, который отвечает за разработку и реализацию программы наставничества в организации в целом. организацию всего цикла программы наставничества.",
    "4. Куратор – сотрудник образовательной организации, организует реализацию программы наставничества согласно выбранным формам.",
    "Реализация наставнической программы происходит через работу куратора с двумя базами: базой наставляемых и базой наставников. Формирование этих баз осуществляется директором школы, куратором, педагогами, классными руководителями и иными лицами школы, располагающими информацией о потребностях педагогов и подростков - будущих участников программы.",
    "База наставляемых и база наставников может меняться в зависимости от потребностей школы в целом и от потребностей участников образовательных отношений: педагогов, учащихся и их родителей (законных представителей).",
]
STRUCTURE_POINTS = [responsible([level], text) for level, text in LEVELS]
STRUCTURE_POINTS += [
    responsible([ZAPOROZHENKO[0]], duty, ZAPOROZHENKO[1]) for duty in ZAPOROZHENKO_DUTIES
]
STRUCTURE_POINTS += [responsible(*CYCLE)]
# The seed dates none of its documents; the register needs a day: the school year's first.
KREMOVO_DAY = "2023-09-01"

# «Формирование базы наставляемых … из числа обучающихся / педагогов»: each source a person of
# that kind whose profile names the category (the people are the test's, the sources the seed's).
MENTEE_SOURCES = [
    ("проявивших выдающиеся способности;", "student", "outstanding_abilities"),
    ("демонстрирующий неудовлетворительные образовательные результаты;", "student", "low_results"),
    ("с ограниченными возможностями здоровья;", "student", "disabilities"),
    ("попавших в трудную жизненную ситуацию;", "student", "difficult_situation"),
    ("имеющих проблемы с поведением;", "student", "behaviour_problems"),
    ("не принимающих участие в жизни школы, отстраненных от коллектива", "student", "detached"),
    (
        "находящихся в состоянии эмоционального выгорания, хронической усталости;",
        "teacher",
        "burnout",
    ),
    ("находящихся в процессе адаптации на новом месте работы;", "teacher", "new_workplace"),
    (
        "желающими овладеть современными программами, цифровыми навыками, ИКТ компетенциями и т.д.",
        "teacher",
        "ict_skills",
    ),
]
# «Формирование базы наставников из числа: …» — each source a kind of person.
MENTOR_SOURCES: list[tuple[str, list[str]]] = [
    (
        "обучающихся, мотивированных помочь сверстникам в образовательных, спортивных, творческих и адаптационных вопросах;",
        ["student"],
    ),
    (
        "педагогов и специалистов, заинтересованных в тиражировании личного педагогического опыта и создании продуктивной педагогической атмосферы;",
        ["teacher"],
    ),
    (
        "родителей обучающихся – активных участников родительских или управляющих советов;",
        ["parent"],
    ),
    ("выпускников, заинтересованных в поддержке своей школы;", ["alumnus"]),
    (
        "сотрудников предприятий, заинтересованных в подготовке будущих кадров;",
        ["partner_employee"],
    ),
    (
        "успешных предпринимателей или общественных деятелей, которые чувствуют потребность передать свой опыт;",
        ["entrepreneur", "public_figure"],
    ),
    ("ветеранов педагогического труда.", ["veteran"]),
]


def mentee_source(n: int, words: str, kind: str, category: str) -> Statement:
    name = f"Наставляемый № {n}"
    return Statement(
        f"База наставляемых из числа {'обучающихся' if kind == 'student' else 'педагогов'}: {words}",
        [person(f"mentee{n}", name, kind, ["mentee"]), profile(f"mentee{n}", category)],
        lambda a: (someone(name, "kind")(a), someone(name, "menteeProfile")(a)),
        (kind, {"categories": [category]}),
    )


def mentor_source(n: int, words: str, kinds: list[str]) -> Statement:
    """A source of mentors: a person of each kind it names, in the base of mentors."""
    names = {kind: f"Наставник № {n} ({i})" for i, kind in enumerate(kinds, 1)}
    calls = [
        person(f"mentor{n}_{i}", name, kind, ["mentor"], **partner_of(kind))
        for i, (kind, name) in enumerate(names.items(), 1)
    ]
    return Statement(
        f"База наставников из числа {words}",
        calls,
        lambda a: [
            (someone(name, "kind")(a), someone(name, "isMentor")(a)) for name in names.values()
        ],
        [(kind, True) for kind in kinds],
    )


def partner_of(kind: str) -> dict[str, str]:
    """An enterprise's employee is registered with the partner they work for."""
    return {"partner_id": "{partner}"} if kind == "partner_employee" else {}


KREMOVO_TITLE = "Этапы реализации целевой модели наставничества в МБОУ СОШ с.Кремово"
# «Этапы — Мероприятия — Результат»: each stage's activities as numbered, its result (one for the
# stage) with its first activity; no deadlines, no responsible. Stage 3 numbers none.
KREMOVO_STAGES: list[tuple[str, list[tuple[str, str]], str]] = [
    (
        "Подготовка условий для запуска программы наставничества",
        [
            ("1.1", "Создание благоприятных условий для запуска программы."),
            ("1.2", "Сбор предварительных запросов от потенциальных наставляемых."),
            ("1.3", "Выбор аудитории для поиска наставников."),
            ("1.4", "Информирование и выбор форм наставничества."),
            (
                "1.5",
                "На внешнем контуре: информационная работа, направленная на привлечение внешних ресурсов к реализации программы.",
            ),
        ],
        "Дорожная карта реализации наставничества. Пакет документов.",
    ),
    (
        "Формирование базы наставляемых",
        [
            (
                "2.1",
                "Выявление конкретных проблем обучающихся школы, которые можно решить с помощью наставничества.",
            ),
            ("2.2", "Сбор и систематизация запросов от потенциальных наставляемых."),
        ],
        "Формированная база наставляемых с картой запросов.",
    ),
    (
        "Формирование базы наставников",
        [
            (
                "",
                "Работа с внутренним контуром включает действия по формированию базы из числа: обучающихся, мотивированных помочь сверстникам в образовательных, спортивных, творческих и адаптационных вопросах (например, участники кружков по интересам, театральных или музыкальных групп, проектных классов, спортивных секций); педагогов, заинтересованных в тиражировании личного педагогического опыта и создании продуктивной педагогической атмосферы; родителей обучающихся – активных участников родительских или управляющих советов, организаторов досуговой деятельности в образовательной организации и других представителей родительского сообщества с выраженной гражданской позицией.",
            ),
            (
                "",
                "Работа с внешним контуром на данном этапе включает действия по формированию базы наставников из числа: выпускников, заинтересованных в поддержке своей школы; сотрудников региональных предприятий, заинтересованных в подготовке будущих кадров (возможно пересечение с выпускниками); успешных предпринимателей или общественных деятелей, которые чувствуют потребность передать свой опыт; представители других организаций, с которыми есть партнерские связи.",
            ),
        ],
        "Формирование базы наставников, которые потенциально могут участвовать как в текущей программе наставничества, так и в будущем.",
    ),
    (
        "Отбор и обучение наставников",
        [
            (
                "4.1",
                "Выявление наставников, входящих в базу потенциальных наставников, подходящих для конкретной программы.",
            ),
            ("4.2", "Обучение наставников для работы с наставляемыми."),
        ],
        "1.Заполнены анкеты в письменной свободной форме всеми потенциальными наставниками. 2.Собеседование с наставниками 3.Программа обучения.",
    ),
    (
        "Организация хода наставнической программы",
        [
            (
                "5.1",
                "Закрепление гармоничных и продуктивных отношений в наставнической паре/группе так, чтобы они были максимально комфортными, стабильными и результативными для обеих сторон.",
            ),
            (
                "5.2",
                "Работа в каждой паре/группе включает: встречу-знакомство, пробную рабочую встречу, встречу-планирование, комплекс последовательных встреч, итоговую встречу.",
            ),
        ],
        "Мониторинг: сбор обратной связи от наставляемых для мониторинга динамики влияния программы на наставляемых; сбор обратной связи от наставников, наставляемых и кураторов для мониторинга эффективности реализации программы.",
    ),
    (
        "Завершение программы наставничества",
        [
            ("6.1", "Подведение итогов работы каждой пары/группы."),
            ("6.2", "Подведение итогов программы школы."),
            ("6.3", "Публичное подведение итогов и популяризация практик."),
        ],
        "Собраны лучшие наставнические практики. Поощрение наставников.",
    ),
]
# Which of the seven each of the school's six stages is: «Организация хода» forms pairs and runs them.
KREMOVO_SEVEN = [[1], [2], [3], [4], [5, 6], [7]]


def kremovo_stage(n: int) -> Statement:
    """A stage of the school's own scheme with its activities and result, as a roadmap block."""
    name, activities, result = KREMOVO_STAGES[n - 1]
    table: list[tuple[Any, ...]] = [
        (number or f"{n}.", activity, "", [], result if i == 0 else "")
        for i, (number, activity) in enumerate(activities)
    ]
    return Statement(
        f"Этап «{name}»: {' '.join(a for _, a in activities)} Результат: {result}",
        read=lambda a: (
            [s for s in scheme(a) if s[0] == name],
            [r for r in rows(a) if r[0].startswith(f"{n}.")],
        ),
        shows=([(name, KREMOVO_SEVEN[n - 1])], table),
    )


# The platform takes a roadmap only after the order implementing the model; seed 002 names none,
# so the test issues one of its own.
IMPLEMENTATION = "1-ЦМН"


def implementation(number: str, on: str, until: str) -> Call:
    body = {"number": number, "order_date": on, "period_from": on, "period_to": until}
    return Call("programs", "POST", "/schools/{school}/implementation", body, Role.SCHOOL_DIRECTOR)


def kremovo_roadmap() -> list[Call]:
    """The six stages as the school's scheme, their activities and results as its roadmap."""
    stages = [
        {"name": name, "stages": seven}
        for (name, _, _), seven in zip(KREMOVO_STAGES, KREMOVO_SEVEN, strict=True)
    ]
    blocks = [
        {"number": str(n), "title": name, "stage": seven[-1]}
        for n, ((name, _, _), seven) in enumerate(
            zip(KREMOVO_STAGES, KREMOVO_SEVEN, strict=True), 1
        )
    ]
    items = [
        {
            "number": number,
            "block": str(n),
            "activity": activity,
            "deadline": {"words": ""},
            "expected_result": result if i == 0 else "",
        }
        for n, (_, activities, result) in enumerate(KREMOVO_STAGES, 1)
        for i, (number, activity) in enumerate(activities)
    ]
    return [
        Call(
            "programs",
            "PUT",
            "/schools/{school}/stage-scheme",
            {"stages": stages},
            Role.SCHOOL_DIRECTOR,
            expect=200,
        ),
        implementation(IMPLEMENTATION, "2023-09-01", "2024-08-31"),
        Call(
            "programs",
            "POST",
            "/schools/{school}/roadmap/written",
            {"title": KREMOVO_TITLE, "blocks": blocks, "items": items},
        ),
    ]


KREMOVO: list[Statement] = [
    Statement(
        "Приморский край",
        [
            Call(
                "registry",
                "POST",
                "/organisations/{region}/renaming",
                {"name": "Приморский край"},
                Role.OPERATOR,
                scope="region",
                expect=200,
            )
        ],
        organisation("Приморский край"),
        ["region"],
    ),
    Statement(
        "ПК ИРО г.Владивосток",
        [
            Call(
                "registry",
                "POST",
                "/organisations/{institute}/renaming",
                {"name": "ПК ИРО г.Владивосток"},
                Role.OPERATOR,
                scope="region",
                expect=200,
            )
        ],
        organisation("ПК ИРО г.Владивосток"),
        ["institute"],
    ),
    Statement(
        "МБОУ СОШ с.Кремово",
        [
            Call(
                "registry",
                "POST",
                "/organisations/{school}/renaming",
                {"name": "МБОУ СОШ с.Кремово"},
                Role.OPERATOR,
                scope="region",
                expect=200,
            )
        ],
        organisation("МБОУ СОШ с.Кремово"),
        ["school"],
    ),
    Statement(
        f"{STRUCTURE}: Уровни структуры — Направления деятельности (края, института, школы, Запороженко В.И., Новокрещёнова В.А. Буга Ю.В.)",
        [act("structure", "regulation", STRUCTURE, KREMOVO_DAY, points=STRUCTURE_POINTS)],
        points(STRUCTURE),
        [([level], text) for level, text in LEVELS]
        + [([ZAPOROZHENKO[0]], duty) for duty in ZAPOROZHENKO_DUTIES]
        + [CYCLE],
    ),
    Statement(
        "Запороженко В.И., заместитель директора по УВР",
        [person("zaporozhenko", ZAPOROZHENKO[0], "administrator", [], position=ZAPOROZHENKO[1])],
        lambda a: (someone(ZAPOROZHENKO[0], "kind")(a), someone(ZAPOROZHENKO[0], "position")(a)),
        ("administrator", ZAPOROZHENKO[1]),
    ),
    Statement(
        "Запороженко В.И.: " + " ".join(ZAPOROZHENKO_DUTIES),
        # her duties are the whole implementation's: the coordinator's (роль «Координатор»)
        [staff_role("zaporozhenko", "coordinator", since=KREMOVO_DAY, duties=ZAPOROZHENKO_DUTIES)],
        lambda a: [(r["role"], r["duties"]) for r in someone(ZAPOROZHENKO[0], "staffRoles")(a)],
        [("coordinator", ZAPOROZHENKO_DUTIES)],
    ),
    Statement(
        "Новокрещёнова В.А. Буга Ю.В. — Реализация наставнического цикла.",
        [
            person("novokreshchenova", "Новокрещёнова В.А.", "teacher", ["mentor"]),
            person("buga", "Буга Ю.В.", "teacher", ["mentor"]),
        ],
        lambda a: [someone(n, "isMentor")(a) for n in CYCLE[0]],
        [True, True],
    ),
    Statement(
        f"{STAFFING}: " + " ".join(ROLES),
        [
            act(
                "staffing",
                "regulation",
                STAFFING,
                KREMOVO_DAY,
                points=[{"text": text} for text in ROLES],
            )
        ],
        points(STAFFING),
        [([], text) for text in ROLES],
    ),
    *[
        mentee_source(n, words, kind, category)
        for n, (words, kind, category) in enumerate(MENTEE_SOURCES, 1)
    ],
    Statement(
        "База наставляемых из числа педагогов: молодых специалистов;",
        [
            person(
                "young",
                "Наставляемый молодой специалист",
                "teacher",
                ["mentee"],
                birth_date="2000-05-01",
                teaching_since="2023-08-28",
            )
        ],
        someone("Наставляемый молодой специалист", "youngSpecialist"),
        True,
    ),
    *[mentor_source(n, words, kinds) for n, (words, kinds) in enumerate(MENTOR_SOURCES, 1)],
    Statement(
        KREMOVO_TITLE, kremovo_roadmap(), lambda a: a["roadmap"]["roadmapTitle"], KREMOVO_TITLE
    ),
    *[kremovo_stage(n) for n in range(1, 7)],
]
KREMOVO_GAP: list[str] = []


async def test_seed_002_kremovo_is_carried_statement_by_statement(world: World) -> None:
    partner = await world.api.command(
        "registry",
        "/organisations",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {
            "kind": "partner",
            "name": "Предприятие-партнёр",
            "partner_kind": "enterprise",
            "parent_id": str(world.ids["m1"]),
        },
    )
    world.ids["partner"] = UUID(partner["id"])
    carried = [s for s in KREMOVO if s.carried]

    await carry(world, "s1", carried)
    answer = await read_back(world, "s1", KREMOVO_DAY)

    assert mismatches(KREMOVO, answer) == []
    assert not_carried(KREMOVO) == KREMOVO_GAP


# Seed 004, МБОУ «Специализированная школа № 135 г. Донецка»: the roadmap 2023–2024 for teachers
# and students approved by the director's order of 06.09.2023 № 852, as the school wrote it.

DONETSK_TITLE = "Дорожная карта (план мероприятий) реализации Положения о системе наставничества педагогических работников и обучающихся МБОУ «Специализированная школа № 135 г. Донецка» в 2023-2024 учебном году"
APPROVED = {
    "kind": "approved",
    "body": "Директор",
    "on": "2023-09-06",
    "order_number": "852",
    "signer": "Е.Б. Гончар",
}
# № п/п этапа — Наименование — содержание — Срок выполнения — Ответственный. Stage 2's cells go on
# over the page break: «Июль — Социальный педагог», a second deadline in the same cell
# («Октябрь Июль»: the activity comes back in July) and one more responsible.
DONETSK_STAGES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "1.",
        "Подготовка условий для реализации системы наставничества",
        "Изучение Федеральных, региональных нормативно-правовых актов, методических рекомендаций по разработке и внедрению системы (целевой модели) наставничества Подготовка и принятие локальных нормативных правовых актов образовательной организации: - приказ «Об утверждении положения о системе наставничества педагогических работников в образовательной организации»; - приказ «Об утверждении Дорожной карты (плана мероприятий) по реализации Положения о системе наставничества педагогических работников в образовательной организации). - приказ о закреплении наставнических пар/групп с письменного согласия их участников на возложение на них дополнительных обязанностей, связанных с наставнической деятельностью. - подготовка персонализированных программ наставничества; - Информирование педагогического сообщества образовательной организации о реализации Программы наставничества - Информирование родительского сообщества о планируемой реализации Программы наставничества",
        "Сентябрь",
        [
            "Директор Гончар Е.Б.",
            "Заместитель директора Руденко О.В.",
            "Класные руководители 7- 11 классов",
            "Педагог- психолог- Кузьмина Т.И.",
        ],
    ),
    (
        "2.",
        "Формирование банка наставляемых",
        "- Сбор информации о профессиональных запросах педагогов, обучающихся. - Формирование банка данных наставляемых, обеспечение согласий на сбор и обработку персональных данных; - Проведение анкетирования среди обучающихся/педагогов, желающих принять участие в Программе наставничества. Сбор согласий на сбор и обработку персональных данных от совершеннолетних участников программы - Сбор дополнительной информации о запросах наставляемых (обучающиеся/педагоги) от третьих лиц: класный руководитель, психолог, социальный работник, родители. - Сбор согласий на сбор и обработку персональных данных от законных представителей несовершеннолетних участников",
        "Октябрь Июль",
        [
            "Куратор программы Руденко О.В.",
            "Руководитель ПМО.",
            "Класные руководители 7- 11 классов",
            "Педагог- психолог Кузьмина Т.И.",
            "Социальный педагог",
        ],
    ),
    (
        "3.",
        "Формирование банка наставников",
        "- Проведение анкетирования среди потенциальных наставников в образовательной организации, желающих принять участие в персонализированных программах наставничества. - Формирование банка данных наставников, обеспечение согласий на сбор и обработку персональных данных. - Выбор форм и программы наставничества исходя из потребностей школы",
        "Октябрь",
        ["Куратор программы Руденко О.В.", "Руководитель ШМО."],
    ),
    (
        "4.",
        "Отбор и обучение",
        "- Анализ банка наставников и выбор подходящих для конкретной персонализированной программы наставничества педагога/группы педагогов. - Обучение наставников для работы с наставляемыми: - подготовка методических материалов для сопровождения наставнической деятельности; - проведение консультаций, организация обмена опытом среди наставников – «установочные сессии» наставников.",
        "Ноябрь",
        ["Куратор программы Руденко О.В."],
    ),
    (
        "5",
        "Организация и осуществление работы наставнических пар/групп",
        "- Формирование наставнических пар/групп. - Разработка персонализированных программ наставничества для каждой пары/группы. - Организация психолого-педагогической поддержки сопровождения наставляемых, не сформировавших пару или группу (при необходимости), продолжение поиска наставника/наставников. - Организация групповой встречи наставников и наставляемых",
        "Ноябрь-май",
        ["Куратор программы Руденко О.В.", "Наставники"],
    ),
    (
        "6",
        "Завершение персонализированных программ наставничества",
        "- Проведение мониторинга качества реализации персонализированных программ наставничества (анкетирование); - Проведение школьной конференции или семинара. - Проведение итогового мероприятия (круглого стола) по выявлению лучших практик наставничества; пополнение методической копилки педагогических практик наставничества.",
        "Июнь",
        ["Директор Гончар Е.В.", "Заместитель директора Руденко О.В."],
    ),
    (
        "7",
        "Информационная поддержка системы наставничества",
        "Овещение мероприятий Дорожной карты осуществляется на всех этапах на сайте образовательной организации и социальных сетях, по возможности на муниципальном и региональном уровнях. Внесение данных об итогах реализации Программы наставничества в базу наставников и базу наставляемых",
        "Июнь",
        ["Куратор программы Руденко О.В."],
    ),
]
# Which of the seven each of the school's stages is; its seventh is outside the seven.
DONETSK_SEVEN: list[list[int]] = [[1], [2], [3], [4], [5, 6], [7], []]


def donetsk_roadmap() -> list[Call]:
    stages = [
        {"name": name, "stages": seven}
        for (_, name, *_), seven in zip(DONETSK_STAGES, DONETSK_SEVEN, strict=True)
    ]
    blocks = [
        {"number": number.rstrip("."), "title": name, "stage": seven[-1] if seven else None}
        for (number, name, *_), seven in zip(DONETSK_STAGES, DONETSK_SEVEN, strict=True)
    ]
    items = [
        {
            "number": "",
            "block": number.rstrip("."),
            "activity": activity,
            "deadline": {"words": deadline},
            "responsible": who,
        }
        for number, _, activity, deadline, who in DONETSK_STAGES
    ]
    roadmap = {
        "title": DONETSK_TITLE,
        "order_number": "852",
        "order_date": "2023-09-06",
        "blocks": blocks,
        "items": items,
    }
    return [
        Call(
            "programs",
            "PUT",
            "/schools/{school}/stage-scheme",
            {"stages": stages},
            Role.SCHOOL_DIRECTOR,
            expect=200,
        ),
        # the order approving the roadmap for the 2023-2024 school year implements the system
        implementation("852", "2023-09-06", "2024-08-31"),
        Call("programs", "POST", "/schools/{school}/roadmap/written", roadmap),
    ]


def donetsk_stage(n: int) -> Statement:
    number, name, activity, deadline, who = DONETSK_STAGES[n - 1]
    return Statement(
        f"{number} {name} {activity} — {deadline} — {' '.join(who)}",
        read=lambda a: (
            [s for s in scheme(a) if s[0] == name],
            [r for r in rows(a) if r[0] == f"{n}."],
        ),
        shows=([(name, DONETSK_SEVEN[n - 1])], [(f"{n}.", activity, deadline, who, "")]),
    )


def programme(frame: str, form: str) -> Call:
    """The school's programme of a frame for the year; the seed names no form: «педагога/группы
    педагогов» is taken as teacher – teacher, the students' as teacher – student."""
    body: dict[str, Any] = {"school_id": "{school}", "school_year": "2023/24"}
    body |= {"title": "Программа наставничества", "forms": [form], "frame": frame}
    return Call("programs", "POST", "/programmes", body, Role.SCHOOL_DIRECTOR, keep=frame)


def order(expect: int = 201) -> Call:
    """The director's order forming the teachers' pair (the seed gives it no number or day)."""
    body = {"number": "б/н", "order_date": "2023-11-20", "pair_ids": ["{pair}"]}
    return Call(
        "programs",
        "POST",
        "/programmes/{teachers}/orders",
        body,
        Role.SCHOOL_DIRECTOR,
        expect=expect,
    )


def event(kind: str, held_on: str, title: str, **more: Any) -> Call:
    body = {"kind": kind, "held_on": held_on, "title": title} | more
    return Call(
        "programs", "POST", "/schools/{school}/events", body, Role.SCHOOL_CURATOR, person="rudenko"
    )


def events_of(kind: str) -> Callable[[Answer], object]:
    def read(answer: Answer) -> object:
        return [
            (e["heldOn"], e["title"]) for e in nodes(answer["schoolEvents"]) if e["kind"] == kind
        ]

    return read


# The days Руденко moves the teachers' programme into each of the seven's stages 2–7: within
# the months the roadmap gives them (the seed gives months, not days).
STAGE_DAYS = {
    2: "2023-10-02",
    3: "2023-10-16",
    4: "2023-11-01",
    5: "2023-11-20",
    6: "2023-12-01",
    7: "2024-06-03",
}

# The seed gives months, not days: each event is held on a day of the month its stage gives.
DONETSK_EVENTS = [
    (
        "orientation_session",
        "2023-11-15",
        "проведение консультаций, организация обмена опытом среди наставников – «установочные сессии» наставников.",
    ),
    ("group_meeting", "2023-11-29", "Организация групповой встречи наставников и наставляемых"),
    ("conference", "2024-06-05", "Проведение школьной конференции или семинара."),
    (
        "round_table",
        "2024-06-19",
        "Проведение итогового мероприятия (круглого стола) по выявлению лучших практик наставничества; пополнение методической копилки педагогических практик наставничества.",
    ),
]
PUBLICITY = "Овещение мероприятий Дорожной карты осуществляется на всех этапах на сайте образовательной организации и социальных сетях, по возможности на муниципальном и региональном уровнях."
SITE = [
    {
        "title": "Сайт образовательной организации",
        "url": "https://school135.example/nastavnichestvo",
    }
]

FRAMES = "реализации Положения о системе наставничества педагогических работников и обучающихся (Программа наставничества педагогов и Программа наставничества обучающихся)"
GONCHAR = "Директор Гончар Е.Б."
RUDENKO = "Заместитель директора Руденко О.В.; Куратор программы Руденко О.В."
KUZMINA = "Педагог- психолог Кузьмина Т.И."
GRANTS = "Куратор программы Руденко О.В. — ответственный за этапы 2–7"

DONETSK: list[Statement] = [
    Statement(
        f"{DONETSK_TITLE} УТВЕРЖДЕНО Директор Приказ от 06.09.2023 № 852 Е.Б. Гончар",
        [act("roadmap_act", "roadmap", DONETSK_TITLE, "2023-09-06", marks=[APPROVED])],
        lambda a: [
            (x["kind"], x["marks"]) for x in nodes(a["acts"]) if x["title"] == DONETSK_TITLE
        ],
        [
            (
                "roadmap",
                [
                    {
                        "kind": "approved",
                        "body": "Директор",
                        "on": "2023-09-06",
                        "orderNumber": "852",
                        "signer": "Е.Б. Гончар",
                    }
                ],
            )
        ],
    ),
    Statement(
        "Дорожная карта … Приказ от 06.09.2023 № 852 (её этапы, сроки и ответственные)",
        donetsk_roadmap(),
        lambda a: (
            a["roadmap"]["roadmapTitle"],
            a["roadmap"]["roadmapOrderNumber"],
            a["roadmap"]["roadmapOrderDate"],
        ),
        (DONETSK_TITLE, "852", "2023-09-06"),
    ),
    *[donetsk_stage(n) for n in range(1, 8)],
    Statement(
        FRAMES,
        [programme("teachers", "teacher_teacher"), programme("students", "teacher_student")],
        lambda a: sorted((p["frame"], p["schoolYear"], p["forms"]) for p in nodes(a["programmes"])),
        [
            ("students", "2023/24", ["teacher_student"]),
            ("teachers", "2023/24", ["teacher_teacher"]),
        ],
    ),
    Statement(
        GONCHAR,
        [
            person("gonchar", "Гончар Е.Б.", "administrator", [], position="Директор"),
            staff_role("gonchar", "director", Role.MUNICIPALITY_OFFICER),  # by the founder
        ],
        lambda a: (
            someone("Гончар Е.Б.", "position")(a),
            [r["role"] for r in someone("Гончар Е.Б.", "staffRoles")(a)],
        ),
        ("Директор", ["director"]),
    ),
    Statement(
        RUDENKO,
        [
            person(
                "rudenko", "Руденко О.В.", "administrator", [], position="Заместитель директора"
            ),
            # named «Куратор программы» by the roadmap the order № 852 approves
            staff_role(
                "rudenko",
                "curator",
                forms=["teacher_teacher", "teacher_student"],  # those of the programmes
                since="2023-09-06",
                act_id="{roadmap_act}",
            ),
        ],
        lambda a: (
            someone("Руденко О.В.", "position")(a),
            [
                (r["role"], r["since"], r["actId"] is not None)
                for r in someone("Руденко О.В.", "staffRoles")(a)
            ],
        ),
        ("Заместитель директора", [("curator", "2023-09-06", True)]),
    ),
    Statement(
        KUZMINA,
        [person("kuzmina", "Кузьмина Т.И.", "psychologist", [], position="Педагог-психолог")],
        lambda a: (someone("Кузьмина Т.И.", "kind")(a), someone("Кузьмина Т.И.", "position")(a)),
        ("psychologist", "Педагог-психолог"),
    ),
    Statement(
        "Сбор согласий на сбор и обработку персональных данных от совершеннолетних участников программы",
        [person("adult", "Наставляемый педагог", "teacher", ["mentee"])],
        lambda a: [
            (c["kind"], c["signedBy"])
            for c in someone("Наставляемый педагог", "consents")(a)
            if c["kind"] == "personal_data"
        ],
        [("personal_data", "сам(а)")],
    ),
    Statement(
        "Сбор согласий на сбор и обработку персональных данных от законных представителей несовершеннолетних участников",
        [person("minor", "Наставляемый обучающийся", "student", ["mentee"], grade="7А")],
        lambda a: [
            (c["kind"], c["signedBy"], c["relation"])
            for c in someone("Наставляемый обучающийся", "consents")(a)
        ],
        [("personal_data", "Иванова Анна Петровна", "мать")],
    ),
    Statement(
        "приказ о закреплении наставнических пар/групп с письменного согласия их участников на возложение на них дополнительных обязанностей, связанных с наставнической деятельностью.",
        [
            # the region's rule: both sides of a teachers' pair consent in writing
            Call(
                "registry",
                "PUT",
                "/regions/{region}/duty-consent-rules/teacher_teacher",
                {"sides": ["mentor", "mentee"]},
                Role.REGION_OFFICER,
                scope="region",
                expect=200,
            ),
            person("mentor", "Наставник педагог", "teacher", ["mentor"]),
            Call(
                "programs",
                "POST",
                "/programmes/{teachers}/pairs",
                {"form": "teacher_teacher", "mentor_id": "{mentor}", "mentee_ids": ["{adult}"]},
                keep="pair",
            ),
            signed("mentor", "additional_duty"),
            order(expect=422),  # the mentee has not consented yet: refused
            signed("adult", "additional_duty"),
            order(),
        ],
        lambda a: [
            sorted(c["kind"] for c in someone(n, "consents")(a))
            for n in ("Наставник педагог", "Наставляемый педагог")
        ],
        [["additional_duty", "personal_data"], ["additional_duty", "personal_data"]],
    ),
    Statement(
        GRANTS,
        [
            Call(
                "programs",
                "POST",
                "/schools/{school}/responsibilities",
                {
                    "person_id": "{rudenko}",
                    "parts": [{"kind": "stage", "subject": str(n)} for n in range(2, 8)]
                    + [{"kind": "block", "subject": "7"}],
                    "granted_on": "2023-09-06",
                },
                Role.SCHOOL_DIRECTOR,
            ),
            *[
                Call(
                    "programs",
                    "POST",
                    "/programmes/{teachers}/stage",
                    {"stage": n, "effective_on": on},
                    Role.SCHOOL_CURATOR,
                    person="rudenko",
                    expect=200,
                )
                for n, on in STAGE_DAYS.items()
            ],
        ],
        lambda a: (
            [
                (g["personName"], g["grantedOn"], [p["subject"] for p in g["parts"]])
                for g in a["responsibilities"]
            ],
            sorted((p["frame"], p["stage"]) for p in nodes(a["programmes"])),
        ),
        (
            [("Руденко О.В.", "2023-09-06", ["2", "3", "4", "5", "6", "7", "7"])],
            [("students", 1), ("teachers", 7)],
        ),
    ),
    *[
        Statement(title, [event(kind, held_on, title)], events_of(kind), [(held_on, title)])
        for kind, held_on, title in DONETSK_EVENTS
    ],
    Statement(
        PUBLICITY,
        [event("publicity", "2024-06-26", PUBLICITY, materials=SITE)],
        events_of("publicity"),
        [("2024-06-26", PUBLICITY)],
    ),
]
DONETSK_GAP: list[str] = []


async def test_seed_004_donetsk_is_carried_statement_by_statement(world: World) -> None:
    await carry(world, "s1", [s for s in DONETSK if s.carried])
    answer = await read_back(world, "s1", "2023-12-01")

    assert mismatches(DONETSK, answer) == []
    assert not_carried(DONETSK) == DONETSK_GAP
