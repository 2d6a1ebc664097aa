"""The school's staff (сотрудники): its employees in neither base or in both, each with their
roles in mentoring — duties, the act that appointed them, the term; adding an employee and
giving a role."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.registry.labels import PERSON_KIND_NAMES, STAFF_KIND_CODES, STAFF_ROLE_NAMES
from shared.dictionaries import FORM_NAMES

from ..backend import Backend, Refused
from ..commands import AssignStaffRole, RegisterEmployee
from ..forms import Form
from ..pages import form_page, page
from ..reads import Connection, Date, Read
from ..session import WebUser
from ..templating import ru_date
from .common import done, school_of

STAFF = """
query { staff { id fullName kind kinds position isMentor isMentee
  staffRoles { role forms area since until duties actNumber actDate } } }
"""
# The acts of the school's register a role may be appointed by.
SCHOOL_ACTS = """
query($organisation: ID) { acts(organisationId: $organisation, first: 100) {
  edges { node { id kindName number actDate title } } } }
"""
EMPLOYEE_FIELDS = {name: name for name in ("full_name", "kind", "other_kinds", "position")}
EMPLOYEE_RULES = {"not_staff": "kind", "duplicate_person": "full_name"}
ROLE_FIELDS = {
    name: name
    for name in (
        "role",
        "forms",
        "area",
        "since",
        "until",
        "duties",
        "act_id",
        "act_number",
        "act_date",
    )
}
ROLE_RULES = {
    "role_ends_before_start": "until",
    "effective_date_in_future": "since",
    "curator_needs_forms": "forms",
    "role_already_assigned": "role",
    "act_number_and_date": "act_date",
    "act_both_ways": "act_id",
    "act_not_found": "act_id",
    "act_of_other_organisation": "act_id",
}


class StaffRoleRow(Read):
    role: str
    forms: list[str]
    area: str | None
    since: Date
    until: Date | None
    duties: list[str]
    actNumber: str | None
    actDate: Date | None


class Employee(Read):
    id: str
    fullName: str
    kind: str
    kinds: list[str]
    position: str | None
    isMentor: bool
    isMentee: bool
    staffRoles: list[StaffRoleRow]


class Staff(Read):
    staff: list[Employee]


class SchoolAct(Read):
    id: str
    kindName: str
    number: str
    actDate: Date
    title: str


class SchoolActs(Read):
    acts: Connection[SchoolAct]


def staff_kinds() -> list[tuple[str, str]]:
    return [(code, PERSON_KIND_NAMES[code]) for code in STAFF_KIND_CODES]


class StaffController(Controller):
    path = "/staff"

    @get("/")
    async def listing(self, user: WebUser, backend: Backend) -> Template:
        school_of(user)
        found = await backend.query(user.token, STAFF, Staff)
        return page("staff/list.html", user, staff=found.staff)

    @get("/new")
    async def new(self, user: WebUser) -> Template:
        school_of(user)
        return self._employee_form(user, Form())

    @post("/new")
    async def add(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form(), lists=("other_kinds",))
        if not form.require("full_name", "kind"):
            return self._employee_form(user, form)
        body = RegisterEmployee(
            school_id=str(school_of(user)),
            kind=form.text("kind"),
            other_kinds=[k for k in form.choices("other_kinds") if k != form.text("kind")],
            full_name=form.text("full_name"),
            position=form.text("position"),
            roles=[],
        )
        try:
            await backend.command(user.token, "registry", "/people", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            return self._employee_form(user, form.refused(refusal, EMPLOYEE_FIELDS, EMPLOYEE_RULES))
        return done(request, "/staff", "Сотрудник добавлен")

    @get("/{person_id:uuid}/roles/new")
    async def new_role(self, user: WebUser, backend: Backend, person_id: UUID) -> Template:
        return await self._role_form(user, backend, person_id, Form())

    @post("/{person_id:uuid}/roles/new")
    async def assign_role(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, person_id: UUID
    ) -> Template | Redirect:
        form = Form.of(await request.form(), lists=("forms",))
        if not form.require("role"):
            return await self._role_form(user, backend, person_id, form)
        body = AssignStaffRole(
            role=form.text("role"),
            forms=form.choices("forms"),
            area=form.text("area"),
            since=form.day("since"),
            until=form.day("until"),
            duties=form.lines("duties"),
            act_id=form.text("act_id"),
            act_number=form.text("act_number"),
            act_date=form.day("act_date"),
        )
        path = f"/people/{person_id}/staff-roles"
        try:
            await backend.command(user.token, "registry", path, body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, ROLE_FIELDS, ROLE_RULES)
            return await self._role_form(user, backend, person_id, form)
        return done(request, "/staff", "Роль назначена", anchor=f"p-{person_id}")

    @staticmethod
    def _employee_form(user: WebUser, form: Form) -> Template:
        return form_page(
            "staff/new.html",
            user,
            form,
            kinds=staff_kinds(),
            other_kinds=list(PERSON_KIND_NAMES.items()),
        )

    @staticmethod
    async def _role_form(user: WebUser, backend: Backend, person_id: UUID, form: Form) -> Template:
        school = school_of(user)
        staff = (await backend.query(user.token, STAFF, Staff)).staff
        employee = next((p for p in staff if p.id == str(person_id)), None)
        if employee is None:  # another school's person, or no employee: simply not found
            raise Refused(404, "person_not_found", "Сотрудник не найден")
        acts = await backend.query(user.token, SCHOOL_ACTS, SchoolActs, organisation=str(school))
        return form_page(
            "staff/role.html",
            user,
            form,
            employee=employee,
            roles=list(STAFF_ROLE_NAMES.items()),
            forms=[(str(code), name) for code, name in FORM_NAMES.items()],
            acts=[
                (
                    a.id,
                    f"{a.kindName.capitalize()} от {ru_date(a.actDate)} № {a.number} «{a.title}»",
                )
                for a in acts.acts.nodes
            ],
        )
