"""Every query family at every level: each caller sees exactly its scope, and above the school no
query — every field of Query, each asked with all it can select — reaches a student's or a
mentee's name (or their parent's). The queries are made from the schema itself, so a field added
later is walked too."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    get_named_type,
)

from services.programs.domain import Purpose, default_template_id
from services.registry.domain import submission_id
from services.reporting.graphql.schema import build_schema
from services.reporting.projections import ALL, Visibility
from shared.adapters.auth import issue_token
from shared.adapters.database import READER_ROLE, DatabaseAddress, connect
from shared.adapters.http_errors import CRASH_MESSAGE
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import Api, World, nodes

YEAR = "2025/26"
YEAR_START = "2025-09-01"
SCHOOLS = ("s1", "s2", "s3", "s4")  # s4: a ГКОУ under the region's own node "r"
SCHEMA = build_schema(production=False)._schema
assert SCHEMA.query_type is not None
QUERY: GraphQLObjectType = SCHEMA.query_type
MAX_NESTING = 6  # the deepest path the schema has (see test_graphql)
UUIDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LABELS = re.compile(r"(?<![0-9a-f-])[0-9a-f]{32}(?![0-9a-f-])")


@dataclass
class Region:
    """A world where each school has a programme, a student mentor and a teacher mentor, two
    student mentees with their mothers, approved pairs with meetings, feedback, a plan, an
    entry diagnostics, a roadmap, a contingent and a self-audit."""

    world: World
    owner: dict[UUID, str] = field(default_factory=dict)  # every id made → its school's path
    programmes: dict[str, str] = field(default_factory=dict)
    mentees: dict[str, str] = field(default_factory=dict)
    # the teacher mentor, the pupil mentor and the second mentee of each school (participants)
    teachers: dict[str, str] = field(default_factory=dict)
    pupil_mentors: dict[str, str] = field(default_factory=dict)
    second_mentees: dict[str, str] = field(default_factory=dict)
    protected: list[str] = field(default_factory=list)  # names no one above a school may read
    registered: list[str] = field(default_factory=list)  # teachers in the regional register
    course: str = ""

    async def build(self) -> Region:
        await self._regional_subordination()
        for key, path in self.world.paths.items():
            self.owner[self.world.ids[key]] = path
        self.course = await self.world.course(9, 2)
        for school in SCHOOLS:
            await self._school(school)
        await self._campaign()
        await self.world.api.command(  # a region's row that every scope below it reads
            "registry",
            f"/regions/{self.world.ids['region']}/frames/teachers/deadline",
            self.world.token(Role.REGION_OFFICER, "region"),
            {"deadline": YEAR_START},
            expect=200,
            method="PUT",
        )
        return self

    async def _regional_subordination(self) -> None:
        """The region's own node at the municipality level, and its ГКОУ school under it."""
        world = self.world
        operator = world.api.token(Role.OPERATOR, "")
        parent = "region"
        for key, body in (
            ("r", {"kind": "regional", "name": "ГКОУ области"}),
            ("s4", {"kind": "school", "name": "Школа № 4", "legal_form": "ГКОУ"}),
        ):
            created = await world.api.command(
                "registry",
                "/organisations",
                operator,
                body | {"parent_id": str(world.ids[parent])},
            )
            world.ids[key], world.paths[key] = UUID(created["id"]), created["path"]
            parent = key

    async def _campaign(self) -> None:
        """A region's monitoring campaign on the document list, answered by every school."""
        world = self.world
        region = world.paths["region"]
        campaign = await world.campaign(
            title="Мониторинг документов",
            target_id=str(world.ids["region"]),
            window_from=str(region_today() - timedelta(days=5)),
            window_to=str(region_today() + timedelta(days=5)),
        )
        self.owner[UUID(campaign)] = region
        for school in SCHOOLS:
            links = [{"number": f"1.{n}", "value": f"https://{school}.ru/{n}"} for n in range(1, 5)]
            await world.api.command(
                "registry",
                f"/campaigns/{campaign}/submissions/{world.ids[school]}",
                world.token(Role.SCHOOL_DIRECTOR, school),
                {"answers": [*links, {"number": "1.5", "value": True}], "submit": True},
                expect=200,
                method="PUT",
            )
            own = submission_id(UUID(campaign), world.ids[school])
            self.owner[own] = world.paths[school]
        for issuer, school, token in (
            ("m1", "s1", world.token(Role.MUNICIPALITY_OFFICER, "m1")),
            ("r", "s4", world.api.token(Role.OPERATOR, "")),
        ):  # an order on the results, naming a fix of one school
            fix = {"organisation_id": str(world.ids[school]), "number": "1.5"}
            await world.api.command(
                "registry",
                f"/campaigns/{campaign}/fix-orders",
                token,
                {
                    "municipality_id": str(world.ids[issuer]),
                    "act_number": "14-а",
                    "act_date": str(region_today()),
                    "fixes": [fix | {"director": "Директор", "due_on": str(region_today())}],
                },
            )

    def made(self, school: str, created: Any) -> str:
        self.owner[UUID(created)] = self.world.paths[school]
        return str(created)

    async def _curator_moves_to_stage_2(self, school: str, teacher: str, programme: str) -> None:
        """The teacher made the school's curator and granted stage 2, which she then opens."""
        world = self.world
        await world.api.command(
            "registry",
            f"/people/{teacher}/staff-roles",
            world.coordinator(school),
            {"role": "curator", "forms": ["teacher_student"]},
            expect=200,
        )
        grant = await world.api.command(
            "programs",
            f"/schools/{world.ids[school]}/responsibilities",
            world.token(Role.SCHOOL_DIRECTOR, school),
            {"person_id": teacher, "parts": [{"kind": "stage", "subject": "2"}]},
        )
        self.made(school, grant["id"])
        curator = issue_token(
            world.api.settings, Role.SCHOOL_CURATOR, world.paths[school], person=UUID(teacher)
        )
        await world.api.command(
            "programs",
            f"/programmes/{programme}/stage",
            curator,
            {"stage": 2, "effective_on": str(region_today() - timedelta(days=30))},
            expect=200,
        )

    async def _school(self, school: str) -> None:
        world = self.world
        forms = ["teacher_student", "student_student"]
        programme = self.made(school, await world.programme(school, forms))
        self.programmes[school] = programme
        teacher = self.made(
            school, await world.person(school, f"Педагог Тенантов {school}", "mentor")
        )
        await self._curator_moves_to_stage_2(school, teacher, programme)
        student_mentor = self.made(
            school,
            await world.person(
                school,
                f"Старшеклассник Тенантов {school}",
                "mentor",
                birth_date=region_today() - timedelta(days=16 * 365),  # a pupil mentors pupils
            ),
        )
        mentees = [
            self.made(
                school,
                await world.person(
                    school, f"Ученица Тенантова {school}{n}", "mentee", birth_date=date(2013, 2, n)
                ),
            )
            for n in (1, 2)
        ]
        self.mentees[school] = mentees[0]
        self.teachers[school], self.pupil_mentors[school] = teacher, student_mentor
        self.second_mentees[school] = mentees[1]
        await world.api.command(  # a request of this school year in the bank of mentees
            "registry",
            f"/people/{mentees[0]}/mentee-profile",
            world.coordinator(school),
            {"categories": ["detached"], "requests": f"Запрос {school}"},
            expect=200,
            method="PUT",
        )
        await world.api.command(  # the teacher enters the regional register of mentors
            "registry",
            f"/training-courses/{self.course}/completions",
            world.token(Role.INSTITUTE_METHODOLOGIST, "region"),
            {"person_id": teacher, "completed_on": str(region_today()), "certificate": school},
        )
        self.registered.append(f"Педагог Тенантов {school}")
        self.protected += [
            f"Старшеклассник Тенантов {school}",
            *(f"{who}Ученица Тенантова {school}{n}" for n in (1, 2) for who in ("", "Родитель ")),
        ]
        pair = self.made(school, await world.pair(school, programme, teacher, mentees[0]))
        peer = self.made(
            school,
            await world.pair(school, programme, student_mentor, mentees[1], form="student_student"),
        )
        for made in (pair, peer):
            meeting = await world.meeting(school, made)
            self.made(school, meeting["id"])
        await world.plan(school, pair)
        for role in (Role.MENTEE, Role.LEGAL_REPRESENTATIVE):
            self.made(school, (await world.link(school, mentees[0], role))["id"])
        later = await world.meeting(school, pair, kind="trial", mentee_feedback=None)
        await world.api.command(  # a score given after the meeting
            "programs",
            f"/pairs/{pair}/meetings/{later['id']}/feedback",
            world.coordinator(school),
            {"author_id": mentees[0], "rating": 7},
        )
        await world.api.command(
            "programs",
            f"/programmes/{programme}/survey-responses",
            world.coordinator(school),
            {
                "template_id": str(default_template_id(Purpose.ENTRY_DIAGNOSTICS)),
                "respondent_id": mentees[0],
                "answered_on": str(region_today()),
                "answers": dict.fromkeys(
                    ("confidence", "goals", "communication", "motivation", "independence"), 5
                ),
            },
        )
        await world.roadmap(school)
        director = world.token(Role.SCHOOL_DIRECTOR, school)
        act = await world.api.command(  # an act of the school's register, beside the issued ones
            "programs",
            f"/organisations/{world.ids[school]}/acts",
            director,
            {"kind": "order", "number": "5-о", "act_date": YEAR_START, "title": "О наставничестве"},
        )
        self.made(school, act["id"])
        psychologist = await world.api.command(  # staff in neither base, appointed by the act
            "registry",
            "/people",
            world.coordinator(school),
            {
                "school_id": str(world.ids[school]),
                "kind": "psychologist",
                "other_kinds": ["class_teacher"],
                "full_name": f"Психолог Тенантова {school}",
                "position": "педагог-психолог",
                "roles": [],
            },
        )
        self.made(school, psychologist["id"])
        await world.api.command(
            "registry",
            f"/people/{psychologist['id']}/staff-roles",
            director,
            {"role": "working_group_member", "duties": ["Сопровождение"], "act_id": act["id"]},
            expect=200,
        )
        self.protected.append(f"Психолог Тенантова {school}")
        base = f"/schools/{world.ids[school]}"
        await world.api.command(  # the school's own stages, one outside the seven
            "programs",
            f"{base}/stage-scheme",
            director,
            {"stages": [{"name": "Подготовка", "stages": [1]}, {"name": "Информирование"}]},
            expect=200,
            method="PUT",
        )
        event = await world.api.command(  # a group meeting of the school's pairs and a class
            "programs",
            f"{base}/events",
            world.coordinator(school),
            {
                "kind": "group_meeting",
                "held_on": str(region_today()),
                "title": f"Групповая встреча {school}",
                "pair_ids": [pair, peer],
                "classes": ["7А"],
                "person_ids": [teacher],
            },
        )
        self.made(school, event["id"])
        await world.api.command(
            "registry",
            f"{base}/self-audit",
            director,
            {"school_year": YEAR, "items": [{"item": 1, "achieved": True}]},
            expect=200,
            method="PUT",
        )


@pytest.fixture(scope="module")
async def region(api: Api) -> Region:
    return await Region(await World(api).build()).build()


# What a caller at each level sees: the schools of its subtree.
CALLERS = [
    (Role.SCHOOL_COORDINATOR, "s1", {"s1"}),
    (Role.MUNICIPALITY_OFFICER, "m1", {"s1", "s2"}),
    (Role.MUNICIPALITY_OFFICER, "m2", {"s3"}),
    (Role.INSTITUTE_METHODOLOGIST, "region", set(SCHOOLS)),
    (Role.REGION_OFFICER, "region", set(SCHOOLS)),
    (Role.AUDITOR, "region", set(SCHOOLS)),
    (Role.AUDITOR, "m2", {"s3"}),
    (Role.AUDITOR, "r", {"s4"}),
]


def selection(type_: Any, budget: int, seen: frozenset[str] = frozenset()) -> str | None:
    """Everything a field of this type offers, down to `budget` levels (None: nothing)."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return ""
    if budget == 0 or named.name in seen:
        return None
    parts = []
    for name, child in named.fields.items():
        if any(_required(a) for a in child.args.values()):
            continue  # nested fields take no required arguments in this schema
        below = selection(child.type, budget - 1, seen | {named.name})
        if below is not None:
            parts.append(f"{name} {below}".strip())
    return "{ " + " ".join(parts) + " }" if parts else None


def _required(argument: GraphQLArgument) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def arguments(field_: GraphQLField, values: dict[str, str]) -> str | None:
    """The field's required arguments filled from `values` (None if one cannot be)."""
    given = []
    for name, argument in field_.args.items():
        required = _required(argument)
        if name in values and (required or name.endswith("Id") or name == "first"):
            value = values[name]
            named = get_named_type(argument.type)
            literal = value if named.name in ("Int", "Boolean") else f'"{value}"'
            given.append(f"{name}: {literal}")
        elif required and not isinstance(
            get_named_type(argument.type), GraphQLEnumType | GraphQLInputObjectType
        ):
            return None
    return f"({', '.join(given)})" if given else ""


def queries(region: Region, school: str) -> list[tuple[str, str]]:
    """One query per field of Query, asking about `school` wherever it takes an id."""
    world = region.world
    values = {
        "programmeId": region.programmes[school],
        "schoolId": str(world.ids[school]),
        "organisationId": str(world.ids[school]),
        "personId": region.mentees[school],
        "id": region.mentees[school],
        "schoolYear": YEAR,
        "code": "mentees_10_18",
        "first": "200",
    }
    made = []
    for name, field_ in QUERY.fields.items():
        args = arguments(field_, values)
        body = selection(field_.type, MAX_NESTING)
        if args is not None and body is not None:
            made.append((name, f"{{ {name}{args} {body} }}"))
    return made


@pytest.mark.parametrize(("role", "scope", "schools"), CALLERS)
async def test_every_field_of_query_stays_in_scope_and_no_name_leaves_the_school(
    region: Region, role: Role, scope: str, schools: set[str]
) -> None:
    token = region.world.token(role, scope)
    asked, read, registered = set(), set(), set()
    for school in SCHOOLS:
        for name, query in queries(region, school):
            answer = await region.world.api.graphql(token, query)
            text = str(answer)
            assert not any(wrong in text for wrong in UNEXPECTED), (name, answer)
            _within(region, answer, scope, name)
            read |= {n for n in region.protected if n in text}
            registered |= {n for n in region.registered if n in text}
            asked.add(name)
    assert asked == set(QUERY.fields)  # every field of Query, none left out
    if scope == "s1":  # the walk does reach names where they may be read: the school's own
        assert read == {n for n in region.protected if n.endswith(("s1", "s11", "s12"))}
    else:
        assert read == set()
    # Teachers' names: the institute keeps the register by name, a school sees its own.
    if role == Role.INSTITUTE_METHODOLOGIST:
        assert registered == set(region.registered)
    else:
        assert registered == {n for n in region.registered if n.endswith(scope)}


@pytest.mark.parametrize(("role", "scope", "schools"), CALLERS)
async def test_the_regional_register_is_read_by_name_by_the_institute_and_counted_by_others(
    region: Region, role: Role, scope: str, schools: set[str]
) -> None:
    token = region.world.token(role, scope)
    count = "{ regionalRegister { totalCount } }"
    listing = "{ regionalRegister { edges { node { fullName } } } }"
    cursor = "{ regionalRegister { pageInfo { endCursor } } }"
    search = '{ regionalRegister(search: "Педагог") { totalCount } }'
    fragment = (  # a fragment named like the count it is not
        "{ regionalRegister { ...totalCount } } fragment totalCount on"
        " RegisteredMentorConnection { edges { node { fullName } } }"
    )

    counted = await region.world.api.graphql(token, count)
    answers = [
        await region.world.api.graphql(token, q) for q in (listing, cursor, search, fragment)
    ]

    assert counted["data"]["regionalRegister"]["totalCount"] == len(schools)
    if role == Role.INSTITUTE_METHODOLOGIST or scope == "s1":
        assert all("errors" not in a for a in answers), answers
    else:
        codes = [a["errors"][0]["extensions"]["code"] for a in answers]
        assert codes == ["register_counts_only"] * 4
        assert not any(n in str(answers) for n in region.registered)


# Refusals are fine; a query the walk built wrongly, too big a query or a crash is not.
UNEXPECTED = (
    "Cannot query field",
    "Unknown argument",
    "must have a selection",
    CRASH_MESSAGE,
    "exceeds",
)


def _within(region: Region, answer: dict[str, Any], scope: str, name: str) -> None:
    """Every id and path the answer names belongs to the caller's subtree or its ancestors."""
    caller = region.world.paths[scope]
    text = str(answer)
    found = {UUID(u) for u in UUIDS.findall(text)} | {UUID(hex=h) for h in LABELS.findall(text)}
    for known in found & set(region.owner):
        path = region.owner[known]
        inside = path == caller or path.startswith(caller + ".")
        above = caller.startswith(path + ".")
        assert inside or above, (name, scope, path)


# Exactly the scope: the families that list schools, programmes or people.
EXACT = {
    "organisations": '{ organisations(kind: "school", first: 200) { edges { node { name } } } }',
    "counts": "{ counts(level: SCHOOL, first: 200) { edges { node { name } } } }",
    "schoolComparison": (
        '{ schoolComparison(schoolYear: "2025/26") { edges { node { organisation { name } } } } }'
    ),
    "selfAudits": '{ selfAudits(schoolYear: "2025/26") { edges { node { name: schoolName } } } }',
    "programmes": "{ programmes(first: 200) { edges { node { schoolId } } } }",
}


@pytest.mark.parametrize(("role", "scope", "schools"), CALLERS)
async def test_each_family_lists_exactly_the_callers_schools(
    region: Region, role: Role, scope: str, schools: set[str]
) -> None:
    world = region.world
    token = world.token(role, scope)
    names = {f"Школа № {key[1]}" for key in schools}
    for family, query in EXACT.items():
        answer = await world.api.graphql(token, query)
        assert "errors" not in answer, (family, answer)
        listed = nodes(answer["data"][family])
        if family == "programmes":
            got = {next(k for k in SCHOOLS if str(world.ids[k]) == p["schoolId"]) for p in listed}
            assert got == schools, family
        elif family == "schoolComparison":
            assert {n["organisation"]["name"] for n in listed} == names, family
        else:
            assert {n["name"] for n in listed} == names, family
    own = await world.api.graphql(token, "{ people { totalCount } pairs { totalCount } }")
    counted = (own["data"]["people"]["totalCount"], own["data"]["pairs"]["totalCount"])
    assert counted == ((5, 2) if scope == "s1" else (0, 0))  # names and pairs: the school's only
    campaign = await world.api.graphql(
        token,
        "{ campaigns { submissions { organisationName }"
        " results { targeted organisations { name } } } }",
    )
    [seen] = campaign["data"]["campaigns"]
    assert {s["organisationName"] for s in seen["submissions"]} == names
    assert {o["name"] for o in seen["results"]["organisations"]} == names
    assert seen["results"]["targeted"] == len(names)


READ_MODELS = [
    (projection.name, table.name)
    for projection in ALL
    for table in projection.tables
    if table.visibility != Visibility.PRIVATE
]


async def test_no_read_model_shows_a_school_to_another_tenant(
    region: Region, database: DatabaseAddress
) -> None:
    """Row-level security itself, table by table: the reader role scoped to the school sees its
    rows; scoped to another school or another municipality, none of them; no municipality's
    scope sees a row of the region's own ГКОУ."""
    await region.world.api.caught_up(region.world.coordinator("s1"))
    paths = region.world.paths
    reader = await connect(database.as_role(READER_ROLE, ""))

    async def count(scope: str, table: str, school: str = "s1") -> int:
        async with reader.transaction():
            await reader.execute("SELECT set_config('app.scope', $1, true)", scope)
            found: int = await reader.fetchval(
                f"SELECT count(*) FROM {table} WHERE tenant <@ $1::ltree", paths[school]
            )
            return found

    try:
        own = {table: await count(paths["s1"], table) for _, table in READ_MODELS}
        regional = {table: await count(paths["s4"], table, "s4") for _, table in READ_MODELS}
        for other in ("s2", "m2", "s3", "s4", "r"):
            for _, table in READ_MODELS:
                assert await count(paths[other], table) == 0, (other, table)
        for municipality in ("m1", "m2"):
            for _, table in READ_MODELS:
                assert await count(paths[municipality], table, "s4") == 0, (municipality, table)
    finally:
        await reader.close()
    held = {table for table, rows in own.items() if rows}
    assert {table for table, rows in regional.items() if rows} == held  # as many to hide in s4
    assert {
        "people",
        "consents",
        "staff_roles",
        "mentee_requests",
        "pairs",
        "meetings",
        "meeting_feedback",
        "indicator_people",
        "indicator_pairs",
        "indicator_meetings",
        "survey_responses",
        "roadmap_items",
        "acts",
        "roadmap_facts",
        "event_history",
        "programmes",
        "programme_stages",
        "school_counts",
        "campaign_submissions",
        "campaign_entries",
        "campaign_fixes",
        "plans",
        "plan_tasks",
        "personal_links",
        "responsibility_grants",
    } <= held  # the check is not vacuous: the school's own rows are there to hide


# Participants: each scoped to one person of s1 (a parent to the child they signed for).
PARTICIPANTS = [
    (Role.MENTOR, "teachers"),
    (Role.MENTOR, "pupil_mentors"),
    (Role.MENTEE, "mentees"),
    (Role.LEGAL_REPRESENTATIVE, "mentees"),
    (Role.LEGAL_REPRESENTATIVE, "second_mentees"),
]
OPEN_TO_PARTICIPANTS = {"participation", "caughtUp"}  # their own; positions in the streams
OWN = "{ participation " + (selection(QUERY.fields["participation"].type, MAX_NESTING) or "") + " }"


def _person(region: Region, who: str, school: str = "s1") -> str:
    people: dict[str, str] = getattr(region, who)
    return people[school]


@pytest.mark.parametrize(("role", "who"), PARTICIPANTS)
async def test_a_participant_reads_no_query_of_the_school_only_their_own_page(
    region: Region, role: Role, who: str
) -> None:
    world = region.world
    token = world.participant(role, "s1", _person(region, who))
    for school in SCHOOLS:
        for name, query in queries(region, school):
            if name in OPEN_TO_PARTICIPANTS:
                continue
            answer = await world.api.graphql(token, query)
            assert not any(wrong in str(answer) for wrong in UNEXPECTED), (name, answer)
            assert not any(n in str(answer) for n in region.protected), (name, answer)
            assert answer.get("errors") or not _filled(answer.get("data")), (name, answer)


def _filled(data: Any) -> bool:
    """Anything in an answer besides nulls, empty lists, zeros and falses."""
    if isinstance(data, dict):
        return any(_filled(v) for v in data.values())
    if isinstance(data, list):
        return any(_filled(v) for v in data)
    return bool(data)


async def _own(region: Region, role: Role, who: str) -> dict[str, Any]:
    token = region.world.participant(role, "s1", _person(region, who))
    answer = await region.world.api.graphql(token, OWN)
    assert "errors" not in answer, answer
    own: dict[str, Any] = answer["data"]["participation"]
    return own


async def test_a_mentor_reads_their_own_pair_and_not_another(region: Region) -> None:
    teacher = await _own(region, Role.MENTOR, "teachers")
    pupil = await _own(region, Role.MENTOR, "pupil_mentors")

    assert teacher["fullName"] == "Педагог Тенантов s1"
    assert [p["menteeNames"] for p in teacher["pairs"]] == [["Ученица Тенантова s11"]]
    assert [p["menteeNames"] for p in pupil["pairs"]] == [["Ученица Тенантова s12"]]
    assert "Ученица Тенантова s12" not in str(teacher)
    assert "Ученица Тенантова s11" not in str(pupil)
    assert all(p["iAmMentor"] for p in teacher["pairs"] + pupil["pairs"])
    assert [m["myRating"] for m in teacher["pairs"][0]["meetings"]] == [9, 9]  # not the mentee's
    assert teacher["surveys"] == []
    assert teacher["pairs"][0]["plan"] is not None


async def test_a_mentee_reads_her_pair_but_not_the_mentors_private_comment(region: Region) -> None:
    mentee = await _own(region, Role.MENTEE, "mentees")

    (pair,) = mentee["pairs"]
    assert pair["mentorName"] == "Педагог Тенантов s1"
    assert not pair["iAmMentor"]
    assert {(m["myRating"], m["myComment"]) for m in pair["meetings"]} == {
        (8, "Было интересно"),
        (7, None),
    }
    assert "Хорошее начало" not in str(mentee)  # the mentor's comment on the same meeting
    assert [s["purpose"] for s in mentee["surveys"]] == ["entry_diagnostics"]


async def test_a_parent_reads_their_child_and_not_another(region: Region) -> None:
    first = await _own(region, Role.LEGAL_REPRESENTATIVE, "mentees")
    second = await _own(region, Role.LEGAL_REPRESENTATIVE, "second_mentees")

    assert first["fullName"] == "Ученица Тенантова s11"
    assert second["fullName"] == "Ученица Тенантова s12"
    assert {c["signedBy"] for c in first["consents"]} == {"Родитель Ученица Тенантова s11"}
    assert "s12" not in str(first)
    assert "s11" not in str(second)


async def test_row_level_security_shows_a_person_their_own_rows_only(
    region: Region, database: DatabaseAddress
) -> None:
    """The policies themselves: scoped to a mentee of s1, each read model shows only rows that
    are hers; a person scope that puts another school's person under s1 shows nothing."""
    world = region.world
    await world.api.caught_up(world.coordinator("s1"))
    s1 = world.paths["s1"]
    mentee = UUID(region.mentees["s1"])
    reader = await connect(database.as_role(READER_ROLE, ""))

    async def rows(scope: str, table: str) -> list[Any]:
        async with reader.transaction():
            await reader.execute("SELECT set_config('app.scope', $1, true)", scope)
            found: list[Any] = await reader.fetch(f"SELECT * FROM {table}")
            return found

    try:
        own = {t: await rows(f"{s1}.{mentee.hex}", t) for _, t in READ_MODELS}
        stranger = f"{s1}.{UUID(region.mentees['s2']).hex}"
        seen = [t for _, t in READ_MODELS if t not in PUBLIC and await rows(stranger, t)]
        assert seen == []  # another school's person put under s1 sees nothing
    finally:
        await reader.close()
    assert {r["id"] for r in own["people"]} == {mentee, UUID(region.teachers["s1"])}
    assert [r["person_id"] for r in own["consents"]] == [mentee]
    assert [mentee in r["mentee_ids"] for r in own["pairs"]] == [True]
    assert {r["author_id"] for r in own["meeting_feedback"]} == {mentee}
    assert len(own["meetings"]) == 2
    assert len(own["plans"]) == 1
    assert [r["respondent_id"] for r in own["survey_responses"]] == [mentee]
    assert {r["person_id"] for r in own["personal_links"]} == {mentee}
    shown = {t for t, found in own.items() if found}
    assert shown <= PUBLIC | PERSONAL, shown - PUBLIC - PERSONAL  # nothing else of the school


# What a region or municipality publishes to every school (templates, targets): read by all.
PUBLIC = {
    table.name
    for projection in ALL
    for table in projection.tables
    if table.visibility == Visibility.PUBLISHED
}
PERSONAL = {table.name for projection in ALL for table in projection.tables if table.participant}
