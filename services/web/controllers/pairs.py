"""Pairs and groups: the list, and a pair's page — its plan, its meetings with feedback (a form
to record one), and the surveys its participants are due to fill in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.programs.labels import (
    EARLY_END_REASON_NAMES,
    MEETING_KIND_NAMES,
    OUTCOME_NAMES,
    SIDE_NAMES,
    class_name,
)
from shared.adapters.settings import region_today

from ..backend import Backend, Problem, Refused
from ..commands import (
    Answer,
    ClassSide,
    Dissolution,
    DrawUpPlan,
    EndPair,
    Feedback,
    FormClassGroup,
    GiveFeedback,
    PlanTask,
    RecordMeeting,
    SurveyAnswers,
    TaskCompletion,
)
from ..forms import Form
from ..pages import form_page, page
from ..reads import Connection, Date, Read
from ..session import WebUser
from .common import (
    Question,
    done,
    programme_command,
    programme_required,
    school_of,
    typed_day,
    unconfirmed,
)

PAIRS = """
query($programme: ID!) {
  pairs(programmeId: $programme, first: 200) {
    totalCount
    edges { node { id form status basis orderNumber orderDate isGroup
                   mentor { id fullName kind consents { kind valid } }
                   mentors { id fullName } classes { side name pupils pupilIds }
                   mentees { id fullName grade consents { kind valid } } meetings { heldOn } } }
  }
}
"""
PAIR = """
query($id: ID!) {
  pair(id: $id) {
    id programmeId form status basis orderNumber orderDate outcome endedOn summary isGroup
    mentor { id fullName position }
    mentees { id fullName grade }
    mentors { id fullName position }
    supportingTeachers { id fullName position }
    classes { side name pupils pupilIds }
    plan { startsOn endsOn goals progress tasks { id title dueOn completedOn overdue } }
    meetings { id kind heldOn durationMinutes meetingFormat topic
               feedback { authorId side rating comment byParticipant } }
  }
}
"""
# The school's pupils with their classes, and its teachers (who may accompany a group), a page of
# each at a time.
SCHOOL_CLASSES = """
query($after: String) {
  pupils: people(kind: "student", first: 200, after: $after) {
    edges { node { id grade } } pageInfo { hasNextPage endCursor }
  }
  teachers: people(kind: "teacher", first: 200) { edges { node { id fullName } } }
}
"""
SURVEYS = """
query($school: ID!, $programme: ID!) {
  surveyTemplates(first: 200) { edges { node { id purpose platformDefault } } }
  attention(schoolId: $school, programmeId: $programme) {
    surveysDue { pairId respondentId fullName purpose purposeName }
  }
}
"""


class ConsentMark(Read):
    kind: str
    valid: bool


class RowMentor(Read):
    id: str
    fullName: str
    kind: str
    consents: list[ConsentMark]


class RowMentee(Read):
    id: str
    fullName: str
    grade: str | None


class ListedMentee(RowMentee):
    """A mentee in the list, with the consents the order needs."""

    consents: list[ConsentMark]


class HeldOn(Read):
    heldOn: Date


class PairClass(Read):
    side: str
    name: str
    pupils: int
    pupilIds: list[str]


class Member(Read):
    id: str
    fullName: str


class Named(Protocol):
    id: str
    fullName: str


def side_names(classes: list[PairClass], people: Sequence[Named | None], side: str) -> list[str]:
    """A side as a page names it: its people named in person, then its classes («7 «А» класс,
    обучающихся: 25»), never a class's pupils one by one."""
    own = [c for c in classes if c.side == side]
    pupils = {p for c in own for p in c.pupilIds}
    named = [p.fullName if p else "данные удалены" for p in people if not p or p.id not in pupils]
    return [*named, *(f"{c.name}, обучающихся: {c.pupils}" for c in own)]


class PairRow(Read):
    """A pair as a line of the list."""

    id: str
    form: str
    status: str
    basis: str
    orderNumber: str | None
    orderDate: Date | None
    isGroup: bool
    mentor: RowMentor | None
    mentees: list[ListedMentee | None]
    mentors: list[Member | None]
    classes: list[PairClass]
    meetings: list[HeldOn]

    def side(self, side: str) -> list[str]:
        return side_names(self.classes, self.mentors if side == "mentor" else self.mentees, side)


class Pairs(Read):
    pairs: Connection[PairRow]


class Pupil(Read):
    id: str
    grade: str | None


class SchoolClasses(Read):
    pupils: Connection[Pupil]
    teachers: Connection[Member]


async def school_classes(
    backend: Backend, user: WebUser
) -> tuple[dict[str, list[str]], list[Member]]:
    """The school's classes with their pupils as the base holds them today (every page of the
    pupils), and its teachers."""
    classes: dict[str, list[str]] = {}
    after: str | None = None
    while True:
        found = await backend.query(user.token, SCHOOL_CLASSES, SchoolClasses, after=after)
        for pupil in found.pupils.nodes:
            if pupil.grade:
                classes.setdefault(pupil.grade, []).append(pupil.id)
        after = found.pupils.next_cursor
        if after is None:
            return dict(sorted(classes.items())), found.teachers.nodes


class Mentor(Read):
    id: str
    fullName: str
    position: str | None


class Task(Read):
    id: str
    title: str
    dueOn: Date
    completedOn: Date | None
    overdue: bool


class Plan(Read):
    startsOn: Date
    endsOn: Date
    goals: list[str]
    progress: int
    tasks: list[Task]


class MeetingFeedback(Read):
    authorId: str
    side: str
    rating: int | None
    comment: str | None
    byParticipant: bool  # given by the participant themselves, not entered by the school


class Meeting(Read):
    id: str
    kind: str
    heldOn: Date
    durationMinutes: int
    meetingFormat: str
    topic: str
    feedback: list[MeetingFeedback]


class Pair(Read):
    """A pair's page: its sides, plan, meetings with feedback."""

    id: str
    programmeId: str
    form: str
    status: str
    basis: str
    orderNumber: str | None
    orderDate: Date | None
    outcome: str | None
    endedOn: Date | None
    summary: str | None
    isGroup: bool
    mentor: Mentor | None
    mentees: list[RowMentee | None]
    mentors: list[Mentor | None]
    supportingTeachers: list[Mentor | None]
    classes: list[PairClass]
    plan: Plan | None
    meetings: list[Meeting]

    def side(self, side: str) -> list[str]:
        return side_names(self.classes, self.mentors if side == "mentor" else self.mentees, side)


class FoundPair(Read):
    pair: Pair | None


class TemplateMark(Read):
    id: str
    purpose: str
    platformDefault: bool


class SurveyDue(Read):
    pairId: str
    respondentId: str
    fullName: str
    purpose: str
    purposeName: str


class SurveysDue(Read):
    surveysDue: list[SurveyDue]


class Surveys(Read):
    surveyTemplates: Connection[TemplateMark]
    attention: SurveysDue


class SurveyToAnswer(msgspec.Struct):
    """A survey due, with the platform's template to answer it on."""

    templateId: str
    respondentId: str
    fullName: str
    purposeName: str


class Participant(msgspec.Struct):
    id: str
    name: str


MEETING_FIELDS = {
    "kind": "kind",
    "held_on": "held_on",
    "duration_minutes": "duration_minutes",
    "format": "format",
    "topic": "topic",
    "mentor_feedback.rating": "mentor_rating",
    "mentor_feedback.comment": "mentor_comment",
    "mentee_feedback.rating": "mentee_rating",
    "mentee_feedback.comment": "mentee_comment",
}
PLAN_FIELDS = {"starts_on": "starts_on", "ends_on": "ends_on", "goals": "goals", "tasks": "tasks"}
PLAN_RULES = {
    "plan_duration": "ends_on",
    "plan_without_goals": "goals",
    "task_outside_plan": "tasks",
}
ENDING_FIELDS = {f: f for f in ("outcome", "ended_on", "initiator", "reason", "summary")}
# the rules on the ending, placed beside the field they are about
ENDING_RULES = {
    "effective_date_in_future": "ended_on",
    "ended_before_order": "ended_on",
    "final_meeting_missing": "outcome",
    "reason_missing": "reason",
}
MEETING_RULES = {
    "meeting_in_future": "held_on",
    "meeting_exists": "kind",
    "after_final_meeting": "kind",
    "rating_out_of_scale": "mentor_rating",
}


async def pair_or_404(backend: Backend, user: WebUser, pair_id: UUID) -> Pair:
    school_of(user)
    pair = (await backend.query(user.token, PAIR, FoundPair, id=str(pair_id))).pair
    if pair is None:
        raise Refused(404, "pair_not_found", "Пара не найдена")
    return pair


def names_of(pair: Pair) -> dict[str, str]:
    """Participants by id: every mentor and every mentee."""
    people = [*pair.mentors, *pair.mentees]
    return {p.id: p.fullName for p in people if p}


def missing_feedback(pair: Pair, meeting: Meeting) -> list[Participant]:
    """The participants who have not yet given feedback on a meeting."""
    given = {f.authorId for f in meeting.feedback}
    return [Participant(i, n) for i, n in names_of(pair).items() if i not in given]


async def surveys_due(backend: Backend, user: WebUser, pair: Pair) -> list[SurveyToAnswer]:
    """The surveys the pair's participants are due to answer (reporting decides which), each
    with the platform's template to answer it on."""
    data = await backend.query(
        user.token, SURVEYS, Surveys, school=str(school_of(user)), programme=pair.programmeId
    )
    templates = {t.purpose: t.id for t in data.surveyTemplates.nodes if t.platformDefault}
    return [
        SurveyToAnswer(templates[due.purpose], due.respondentId, due.fullName, due.purposeName)
        for due in data.attention.surveysDue
        if due.pairId == pair.id and due.purpose in templates
    ]


def _class_side(classes: dict[str, list[str]], label: str | None) -> list[ClassSide]:
    """A class chosen, with its pupils; none chosen, no class (the service names what lacks)."""
    return [ClassSide(label, classes.get(label, []))] if label else []


STATUS_ORDER = ("proposed", "active", "ended", "dissolved")


def listing_order(pair: PairRow) -> tuple[int, str]:
    """Those waiting for the order first, then the working ones, by the mentor's name."""
    return STATUS_ORDER.index(pair.status), pair.mentor.fullName if pair.mentor else ""


class PairController(Controller):
    path = "/pairs"

    @get("/")
    async def listing(self, user: WebUser, backend: Backend) -> Template:
        return await self._listing(user, backend, Form())

    async def _listing(self, user: WebUser, backend: Backend, form: Form) -> Template:
        programme = await programme_required(backend, user)
        found = (await backend.query(user.token, PAIRS, Pairs, programme=programme.id)).pairs
        classes, teachers = await school_classes(backend, user)
        return page(
            "pairs/list.html",
            user,
            programme=programme,
            pairs=sorted(found.nodes, key=listing_order),
            total=found.totalCount,
            classes=[(label, class_name(label)) for label in classes],
            teachers=[(t.id, t.fullName) for t in teachers],
            class_form=form,
            class_groups="student_student" in programme.forms,
        )

    @post("/classes")
    async def form_class_group(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        """«Класс – классу»: the classes chosen, each with its pupils as the base holds them."""
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        classes, _ = await school_classes(backend, user)
        supporting = form.text("supporting_id")
        body = FormClassGroup(
            form="student_student",
            mentor_classes=_class_side(classes, form.text("mentor_class")),
            mentee_classes=_class_side(classes, form.text("mentee_class")),
            supporting_ids=[supporting] if supporting else [],
        )
        try:
            await programme_command(backend, user, programme, "pairs", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.errors[""] = refusal.message
            return await self._listing(user, backend, form)
        return done(request, "/pairs", "Группа «класс – классу» сформирована")

    @get("/{pair_id:uuid}")
    async def show(self, user: WebUser, backend: Backend, pair_id: UUID) -> Template:
        pair = await pair_or_404(backend, user, pair_id)
        return await self._page(user, backend, pair, Form(values=meeting_defaults(pair)))

    @post("/{pair_id:uuid}/meetings")
    async def record_meeting(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        try:
            await backend.command(
                user.token, "programs", f"/pairs/{pair_id}/meetings", meeting_command(form)
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            pair = await pair_or_404(backend, user, pair_id)
            form.refused(refusal, MEETING_FIELDS, MEETING_RULES)
            return await self._page(user, backend, pair, form)
        return done(request, f"/pairs/{pair_id}", "Встреча записана")

    @post("/{pair_id:uuid}/meetings/{meeting_id:uuid}/feedback")
    async def give_feedback(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        meeting_id: UUID,
    ) -> Redirect:
        form = Form.of(await request.form())
        await backend.command(
            user.token,
            "programs",
            f"/pairs/{pair_id}/meetings/{meeting_id}/feedback",
            GiveFeedback(
                author_id=form.text("author_id"),
                rating=form.number("rating"),
                comment=form.text("comment"),
            ),
        )
        return done(request, f"/pairs/{pair_id}", "Отзыв записан")

    @post("/{pair_id:uuid}/plan")
    async def draw_up_plan(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        tasks = plan_tasks(form)
        if not form.errors:
            try:
                await backend.command(
                    user.token,
                    "programs",
                    f"/pairs/{pair_id}/plan",
                    DrawUpPlan(
                        starts_on=form.day("starts_on"),
                        ends_on=form.day("ends_on"),
                        goals=form.lines("goals"),
                        tasks=tasks,
                    ),
                    method="PUT",
                )
                return done(request, f"/pairs/{pair_id}", "Индивидуальный план сохранён")
            except Refused as refusal:
                if not refusal.belongs_to_form:
                    raise
                form.refused(refusal, PLAN_FIELDS, PLAN_RULES)
        pair = await pair_or_404(backend, user, pair_id)
        return await self._page(user, backend, pair, Form(values=meeting_defaults(pair)), form)

    @post("/{pair_id:uuid}/plan/tasks/{task_id:uuid}/completion")
    async def complete_task(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        task_id: UUID,
    ) -> Redirect:
        await backend.command(
            user.token,
            "programs",
            f"/pairs/{pair_id}/plan/tasks/{task_id}/completion",
            TaskCompletion(completed_on=region_today().isoformat()),
        )
        return done(request, f"/pairs/{pair_id}", "Задача отмечена выполненной")

    @post("/{pair_id:uuid}/ending")
    async def end(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        """The pair's end on the day the documents give, asked first: it cannot be undone."""
        form = Form.of(await request.form())
        pair = await pair_or_404(backend, user, pair_id)
        question = Question(
            f"Завершить работу пары: {', '.join(names_of(pair).values())}?",
            f"Работа завершена {typed_day(form.day('ended_on'))}. Вернуть пару в работу будет"
            " нельзя.",
            "Да, завершить",
            f"/pairs/{pair_id}#ending",
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        try:
            await backend.command(
                user.token,
                "programs",
                f"/pairs/{pair_id}/ending",
                EndPair(
                    outcome=form.text("outcome"),
                    ended_on=form.day("ended_on"),
                    initiator=form.text("initiator"),
                    reason=form.text("reason"),
                    summary=form.text("summary") or "",
                ),
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, ENDING_FIELDS, ENDING_RULES)
            return await self._page(
                user, backend, pair, Form(values=meeting_defaults(pair)), ending=form
            )
        return done(request, f"/pairs/{pair_id}", "Работа пары завершена")

    @post("/{pair_id:uuid}/dissolution")
    async def dissolve(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        pair = await pair_or_404(backend, user, pair_id)
        people = ", ".join(names_of(pair).values())
        question = Question(
            f"Отозвать предложенную пару: {people}?",
            "Пара уйдёт из проекта приказа; подобрать наставника можно будет заново.",
            "Да, отозвать пару",
            "/orders",
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        await backend.command(
            user.token,
            "programs",
            f"/pairs/{pair_id}/dissolution",
            Dissolution(reason=form.text("reason") or ""),
        )
        return done(request, "/orders", "Предложенная пара отозвана")

    @get("/{pair_id:uuid}/surveys/{template_id:uuid}/{respondent_id:uuid}")
    async def survey(
        self,
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        template_id: UUID,
        respondent_id: UUID,
    ) -> Template:
        pair = await pair_or_404(backend, user, pair_id)
        return await self._survey(user, backend, pair, template_id, respondent_id, Form())

    @post("/{pair_id:uuid}/surveys/{template_id:uuid}/{respondent_id:uuid}")
    async def answer_survey(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        template_id: UUID,
        respondent_id: UUID,
    ) -> Template | Redirect:
        pair = await pair_or_404(backend, user, pair_id)
        template = await template_or_404(backend, user, template_id)
        multiple = tuple(f"q_{q.code}" for q in template.questions if q.kind == "multiple")
        form = Form.of(await request.form(), lists=multiple)
        body = SurveyAnswers(
            template_id=str(template_id),
            respondent_id=str(respondent_id),
            answered_on=form.day("answered_on") or region_today().isoformat(),
            answers=answers_of(template, form),
            pair_id=str(pair_id),
        )
        if await survey_refused(backend, user, pair.programmeId, body, form):
            return await self._survey(user, backend, pair, template_id, respondent_id, form)
        return done(request, f"/pairs/{pair_id}", "Ответы на анкету записаны")

    @staticmethod
    async def _survey(
        user: WebUser,
        backend: Backend,
        pair: Pair,
        template_id: UUID,
        respondent_id: UUID,
        form: Form,
    ) -> Template:
        respondent = names_of(pair).get(str(respondent_id))
        if respondent is None:
            raise Refused(404, "not_a_member", "Этот человек не участник пары")
        return form_page(
            "pairs/survey.html",
            user,
            form,
            template=await template_or_404(backend, user, template_id),
            respondent=respondent,
            action=f"/pairs/{pair.id}/surveys/{template_id}/{respondent_id}",
            back=f"/pairs/{pair.id}#surveys",
            back_label="Пара",
        )

    @staticmethod
    async def _page(
        user: WebUser,
        backend: Backend,
        pair: Pair,
        form: Form,
        plan: Form | None = None,
        ending: Form | None = None,
    ) -> Template:
        """The pair's page with the meeting form, the plan's form and the ending's form (any
        may hold errors)."""
        plan = plan or Form()
        ending = ending or Form(values={"ended_on": region_today().isoformat()})
        return page(
            "pairs/pair.html",
            user,
            400 if form.errors or plan.errors or ending.errors else 200,
            form=form,
            ending_form=ending,
            outcomes=list(OUTCOME_NAMES.items()),
            sides=list(SIDE_NAMES.items()),
            reasons=list(EARLY_END_REASON_NAMES.items()),
            pair=pair,
            names=names_of(pair),
            missing={m.id: missing_feedback(pair, m) for m in pair.meetings},
            plan_form=plan,
            kinds=list(MEETING_KIND_NAMES.items()),
            surveys=await surveys_due(backend, user, pair),
        )


TEMPLATES = """
query { surveyTemplates(first: 200) { edges { node { id title purpose purposeName
                          questions { code text kind options required } } } } }
"""


class SurveyQuestion(Read):
    code: str
    text: str
    kind: str
    options: list[str]
    required: bool


class SurveyTemplate(Read):
    id: str
    title: str
    purpose: str
    purposeName: str
    questions: list[SurveyQuestion]


class Templates(Read):
    surveyTemplates: Connection[SurveyTemplate]


async def template_or_404(backend: Backend, user: WebUser, template_id: UUID) -> SurveyTemplate:
    templates = (await backend.query(user.token, TEMPLATES, Templates)).surveyTemplates.nodes
    found = [t for t in templates if t.id == str(template_id)]
    if not found:
        raise Refused(404, "template_not_found", "Анкета не найдена")
    return found[0]


async def survey_refused(
    backend: Backend, user: WebUser, programme_id: str, body: SurveyAnswers, form: Form
) -> bool:
    """Send the answers; a refusal lands beside its questions (True)."""
    try:
        await backend.command(
            user.token, "programs", f"/programmes/{programme_id}/survey-responses", body
        )
    except Refused as refusal:
        if not refusal.belongs_to_form:
            raise
        details = refusal.details
        for problem in details.problems or [Problem(question=details.question)]:
            question = problem.question
            form.errors[f"q_{question}" if question else ""] = problem.message or refusal.message
        return True
    return False


def answers_of(template: SurveyTemplate, form: Form) -> dict[str, Answer]:
    """Each answered question's value in its type (a scale's number, yes/no as true/false)."""
    answers: dict[str, Answer] = {}
    for question in template.questions:
        name, kind = f"q_{question.code}", question.kind
        value: Answer = form.choices(name) if kind == "multiple" else form.text(name)
        if not value:
            continue
        if kind == "scale":
            value = form.number(name)
        elif kind == "yes_no":
            value = value == "yes"
        answers[question.code] = value
    return answers


def plan_tasks(form: Form) -> list[PlanTask]:
    """Tasks typed one a line as «задача; срок»; a line without a date is a message on the field."""
    tasks = []
    for number, line in enumerate(form.lines("tasks"), start=1):
        title, _, due = line.rpartition(";")
        if not title.strip() or not due.strip():
            form.errors["tasks"] = f"Строка {number}: укажите задачу и срок через «;»"
            continue
        tasks.append(PlanTask(title=title.strip(), due_on=Form(values={"d": due.strip()}).day("d")))
    return tasks


def meeting_defaults(pair: Pair) -> dict[str, Any]:
    """The next meeting in the standard sequence, today, 45 minutes, in person."""
    held = {m.kind for m in pair.meetings}
    sequence = ["introduction", "trial", "planning"]
    kind = next((k for k in sequence if k not in held), "regular")
    return {
        "kind": kind,
        "held_on": region_today().isoformat(),
        "duration_minutes": "45",
        "format": "in_person",
    }


def meeting_command(form: Form) -> RecordMeeting:
    def feedback(side: str) -> Feedback | None:
        rating, comment = form.number(f"{side}_rating"), form.text(f"{side}_comment")
        given = rating is not None or comment  # a typed 0 is a rating, refused as such
        return Feedback(rating=rating, comment=comment) if given else None

    return RecordMeeting(
        kind=form.text("kind"),
        held_on=form.day("held_on"),
        duration_minutes=form.number("duration_minutes"),
        format=form.text("format") or "in_person",
        topic=form.text("topic") or "",
        mentor_feedback=feedback("mentor"),
        mentee_feedback=feedback("mentee"),
    )
