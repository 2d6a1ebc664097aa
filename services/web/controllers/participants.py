"""The participants' own pages: a mentor's, a mentee's and a legal representative's (parent's).

A pupil signs in with a personal link (`/l/…`, from the class's QR sheet): opening it asks one
tap first, so a messenger's preview does not use it up. Every page reads `participation` — the
participant's own rows only, row-level security decides — and writes through the same commands
as the staff, with the participant's own token."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from shared.adapters.settings import region_today
from shared.kernel.principal import PARTICIPANTS

from ..backend import Backend, Refused
from ..commands import (
    Command,
    Feedback,
    GiveFeedback,
    PlanMeeting,
    RecordMeeting,
    SetMailReminders,
    SurveyAnswers,
    TaskCompletion,
    WithdrawConsent,
)
from ..forms import Form
from ..pages import form_page, page
from ..reads import Date, Read
from ..session import WebUser, sign_in
from ..templating import ru_date
from .common import Question, done, unconfirmed
from .pairs import SurveyTemplate, answers_of, survey_refused

PARTICIPATION = """
query {
  participation {
    role personId fullName kind birthDate grade mailReminders
    pairs {
      id form status orderNumber orderDate mentorName menteeNames iAmMentor
      nextMeeting { id startsOn startTime durationMinutes place topic }
      meetings { id kind heldOn durationMinutes meetingFormat topic myRating myComment }
      plan { startsOn endsOn goals tasks { id title dueOn completedOn } }
    }
    consents { id kind signedOn expiresOn signedBy relation withdrawnOn }
    surveys { id templateId purpose answeredOn }
    surveysDue { pairId programmeId template { id title purpose purposeName
                 questions { code text kind options required } } }
  }
}
"""


class OwnMeeting(Read):
    id: str
    kind: str
    heldOn: Date
    durationMinutes: int
    meetingFormat: str
    topic: str
    myRating: int | None
    myComment: str | None


class PlannedMeeting(Read):
    id: str
    startsOn: Date
    startTime: str
    durationMinutes: int
    place: str
    topic: str


class OwnTask(Read):
    id: str
    title: str
    dueOn: Date
    completedOn: Date | None


class OwnPlan(Read):
    startsOn: Date
    endsOn: Date
    goals: list[str]
    tasks: list[OwnTask]


class OwnPair(Read):
    id: str
    form: str
    status: str
    orderNumber: str | None
    orderDate: Date | None
    mentorName: str
    menteeNames: list[str]
    iAmMentor: bool
    meetings: list[OwnMeeting]
    plan: OwnPlan | None
    nextMeeting: PlannedMeeting | None

    @property
    def unrated(self) -> list[OwnMeeting]:
        return [m for m in self.meetings if m.myRating is None and m.myComment is None]


class OwnConsent(Read):
    id: str
    kind: str
    signedOn: Date
    expiresOn: Date | None
    signedBy: str
    relation: str | None
    withdrawnOn: Date | None


class OwnSurvey(Read):
    id: str
    templateId: str
    purpose: str
    answeredOn: Date


class OwnSurveyDue(Read):
    pairId: str
    programmeId: str
    template: SurveyTemplate


class Participation(Read):
    role: str
    personId: str
    fullName: str
    kind: str
    birthDate: Date | None
    grade: str | None
    mailReminders: bool
    pairs: list[OwnPair]
    consents: list[OwnConsent]
    surveys: list[OwnSurvey]
    surveysDue: list[OwnSurveyDue]

    def due(self, pair_id: UUID, template_id: UUID) -> OwnSurveyDue:
        for due in self.surveysDue:
            if due.pairId == str(pair_id) and due.template.id == str(template_id):
                return due
        raise Refused(404, "survey_not_due", "Эту анкету вам заполнять не нужно")

    def reminders(self, today: date) -> list[str]:
        """What the participant is reminded of as of `today`, in Russian: on their page and,
        where they have an address, by mail (`participant_reminders`)."""
        lines = []
        for pair in self.pairs:
            planned = pair.nextMeeting
            if planned and today <= date.fromisoformat(planned.startsOn) <= today + AHEAD:
                lines.append(
                    f"Встреча {ru_date(planned.startsOn)} в {planned.startTime[:5]},"
                    f" {planned.place}: {planned.topic}"
                )
            lines += [
                f"Оцените встречу {ru_date(m.heldOn)} «{m.topic}»: в нескольких касаниях, 1–10"
                for m in pair.unrated
            ]
        lines += [f"Заполните анкету «{due.template.title}»" for due in self.surveysDue]
        return lines


AHEAD = timedelta(days=1)  # a planned meeting is recalled on its day and the day before


class Found(Read):
    participation: Participation | None


# The consent's text as the school's form has it (the seeds' consent of a legal representative).
CONSENT_TEXT = (
    "Я, законный представитель несовершеннолетнего, даю согласие образовательной организации на "
    "обработку персональных данных ребёнка (фамилия, имя, отчество, дата рождения, класс, "
    "контактные данные, сведения об участии в программе наставничества, результаты анкет и "
    "отзывы о встречах) в целях реализации целевой модели наставничества, в соответствии с "
    "Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных». Согласие действует "
    "до его отзыва; отозвать его можно в любой момент, после чего данные перестают "
    "обрабатываться и через 30 дней удаляются, если нет иного законного основания."
)


def participant_of(user: WebUser) -> UUID:
    """The person a participant's session is for (a 403 page for anyone else)."""
    person = user.principal.scope.person_id
    if user.principal.role not in PARTICIPANTS or person is None:
        raise Refused(403, "participants_only", "Эта страница — для участников программы")
    return person


async def participation(backend: Backend, user: WebUser) -> Participation:
    participant_of(user)
    found = (await backend.query(user.token, PARTICIPATION, Found)).participation
    if found is None:
        raise Refused(404, "person_not_found", "Ваши данные на платформе не найдены")
    return found


# Where a refusal of the programs' commands goes on the participant's forms.
FIELDS = {
    "rating": "rating",
    "comment": "comment",
    "mentor_feedback.rating": "rating",
    "mentor_feedback.comment": "comment",
    "held_on": "held_on",
    "duration_minutes": "duration_minutes",
    "kind": "kind",
    "topic": "topic",
    "starts_on": "starts_on",
    "start_time": "start_time",
    "place": "place",
}
RULES = {
    "rating_out_of_scale": "rating",
    "meeting_in_future": "held_on",
    "meeting_exists": "kind",
    "planned_in_past": "starts_on",
}


async def attempt(backend: Backend, user: WebUser, form: Form, path: str, body: Command) -> bool:
    """Send a form's command to programs; a refusal of its values lands on the form (True)."""
    try:
        await backend.command(user.token, "programs", path, body)
    except Refused as refusal:
        if not refusal.belongs_to_form:
            raise
        form.refused(refusal, FIELDS, RULES)
        return True
    return False


async def own_page(
    backend: Backend, user: WebUser, form: Form | None = None, form_of: str = ""
) -> Template:
    """The participant's page; a refused form comes back beside what it was about."""
    found = await participation(backend, user)
    return page(
        "participant/mine.html",
        user,
        status_code=400 if form and form.errors else 200,
        me=found,
        role=found.role,
        consent_text=CONSENT_TEXT,
        today=region_today().isoformat(),
        reminders=found.reminders(region_today()),
        form=form or Form(),
        form_of=form_of,
    )


def survey_page(user: WebUser, found: Participation, due: OwnSurveyDue, form: Form) -> Template:
    return form_page(
        "pairs/survey.html",
        user,
        form,
        template=due.template,
        respondent=found.fullName,
        action=f"/my/surveys/{due.pairId}/{due.template.id}",
        back="/my",
        back_label="Моя страница",
    )


def ics(*meetings: tuple[PlannedMeeting, str]) -> str:
    """Planned meetings, each with whom, as a calendar (RFC 5545): one file or the feed of
    all. Events in the region's local time (floating: the phone shows them as planned)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nastavnik//RU"]
    for meeting, with_whom in meetings:
        start = datetime.fromisoformat(f"{meeting.startsOn}T{meeting.startTime}")
        end = start + timedelta(minutes=meeting.durationMinutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{meeting.id}@nastavnik",
            f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            f"DTEND:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{escaped(f'Встреча наставничества: {with_whom}')}",
            f"LOCATION:{escaped(meeting.place)}",
            f"DESCRIPTION:{escaped(meeting.topic)}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def planned(found: Participation) -> list[tuple[PlannedMeeting, str]]:
    """The participant's planned meetings, each with the other side's names."""
    return [
        (pair.nextMeeting, ", ".join(pair.menteeNames if pair.iAmMentor else [pair.mentorName]))
        for pair in found.pairs
        if pair.nextMeeting
    ]


def calendar_file(text: str, name: str) -> Response[bytes]:
    return Response(
        text.encode(),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


class LinkController(Controller):
    """Opening a personal link: one tap, then the holder's own page."""

    @get("/l/{link:str}", sync_to_thread=False)
    def ask(self) -> Template:
        return page("participant/link.html", None)

    @post("/l/{link:str}")
    async def open(
        self, request: Request[Any, Any, Any], backend: Backend, link: str
    ) -> Template | Redirect:
        try:
            opened = await backend.open_link(link)
        except Refused as refusal:
            if refusal.status >= 500:
                raise
            # Which link, whose and why stay unsaid beyond what its holder needs.
            return page("participant/link.html", None, status_code=403, refused=refusal.message)
        sign_in(request, opened.token)
        return Redirect(path="/my", status_code=303)


class ParticipantController(Controller):
    path = "/my"

    @get("/")
    async def mine(self, user: WebUser, backend: Backend) -> Template:
        return await own_page(backend, user)

    @post("/pairs/{pair_id:uuid}/meetings/{meeting_id:uuid}/feedback")
    async def rate(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        meeting_id: UUID,
    ) -> Template | Redirect:
        person = participant_of(user)
        form = Form.of(await request.form())
        feedback = GiveFeedback(
            author_id=str(person), rating=form.number("rating"), comment=form.text("comment")
        )
        path = f"/pairs/{pair_id}/meetings/{meeting_id}/feedback"
        if await attempt(backend, user, form, path, feedback):
            return await own_page(backend, user, form, str(meeting_id))
        return done(request, "/my", "Спасибо! Оценка сохранена", f"meeting-{meeting_id}")

    @post("/pairs/{pair_id:uuid}/meetings")
    async def log_meeting(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        participant_of(user)
        form = Form.of(await request.form())
        meeting = RecordMeeting(
            kind=form.text("kind"),
            held_on=form.day("held_on"),
            duration_minutes=form.number("duration_minutes"),
            format=form.text("format") or "in_person",
            topic=form.text("topic") or "",
            mentor_feedback=Feedback(rating=form.number("rating"), comment=form.text("comment")),
            mentee_feedback=None,
        )
        if await attempt(backend, user, form, f"/pairs/{pair_id}/meetings", meeting):
            return await own_page(backend, user, form, str(pair_id))
        return done(request, "/my", "Встреча записана", f"pair-{pair_id}")

    @post("/pairs/{pair_id:uuid}/planned-meetings")
    async def plan(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, pair_id: UUID
    ) -> Template | Redirect:
        participant_of(user)
        form = Form.of(await request.form())
        planned = PlanMeeting(
            starts_on=form.day("starts_on"),
            start_time=form.text("start_time"),
            duration_minutes=form.number("duration_minutes"),
            place=form.text("place"),
            topic=form.text("topic") or "",
        )
        if await attempt(backend, user, form, f"/pairs/{pair_id}/planned-meetings", planned):
            return await own_page(backend, user, form, str(pair_id))
        return done(request, "/my", "Встреча запланирована", f"pair-{pair_id}")

    @get("/meetings/{meeting_id:uuid}/calendar.ics")
    async def calendar(self, user: WebUser, backend: Backend, meeting_id: UUID) -> Response[bytes]:
        """The planned meeting as a calendar file (RFC 5545), for the phone's calendar."""
        found = await participation(backend, user)
        for meeting, with_whom in planned(found):
            if meeting.id == str(meeting_id):
                return calendar_file(ics((meeting, with_whom)), "vstrecha.ics")
        raise Refused(404, "meeting_not_found", "Такой запланированной встречи у вас нет")

    @get("/calendar.ics")
    async def feed(self, user: WebUser, backend: Backend) -> Response[bytes]:
        """Every planned meeting of the participant's pairs: the calendar feed of their page."""
        found = await participation(backend, user)
        return calendar_file(ics(*planned(found)), "nastavnichestvo.ics")

    @post("/pairs/{pair_id:uuid}/tasks/{task_id:uuid}/completion")
    async def tick(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        task_id: UUID,
    ) -> Redirect:
        participant_of(user)
        await backend.command(
            user.token,
            "programs",
            f"/pairs/{pair_id}/plan/tasks/{task_id}/completion",
            TaskCompletion(completed_on=region_today().isoformat()),
        )
        return done(request, "/my", "Задача отмечена выполненной", f"pair-{pair_id}")

    @get("/surveys/{pair_id:uuid}/{template_id:uuid}")
    async def survey(
        self, user: WebUser, backend: Backend, pair_id: UUID, template_id: UUID
    ) -> Template:
        found = await participation(backend, user)
        return survey_page(user, found, found.due(pair_id, template_id), Form())

    @post("/surveys/{pair_id:uuid}/{template_id:uuid}")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        pair_id: UUID,
        template_id: UUID,
    ) -> Template | Redirect:
        """The participant answers as themselves (not the coordinator for them)."""
        found = await participation(backend, user)
        due = found.due(pair_id, template_id)
        multiple = tuple(f"q_{q.code}" for q in due.template.questions if q.kind == "multiple")
        form = Form.of(await request.form(), lists=multiple)
        body = SurveyAnswers(
            template_id=due.template.id,
            respondent_id=found.personId,
            answered_on=region_today().isoformat(),
            answers=answers_of(due.template, form),
            pair_id=due.pairId,
        )
        if await survey_refused(backend, user, due.programmeId, body, form):
            return survey_page(user, found, due, form)
        return done(request, "/my", "Спасибо! Ответы на анкету сохранены")

    @post("/consents/{consent_id:uuid}/withdrawal")
    async def withdraw(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, consent_id: UUID
    ) -> Template | Redirect:
        person = participant_of(user)
        form = Form.of(await request.form())
        question = Question(
            "Отозвать согласие на обработку персональных данных ребёнка?",
            "Работа пары прекратится: новые встречи записать будет нельзя. Через 30 дней данные "
            "ребёнка будут удалены, если у школы нет иного законного основания их хранить.",
            "Да, отозвать согласие",
            "/my",
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        await backend.command(
            user.token,
            "registry",
            f"/people/{person}/consents/{consent_id}/withdrawal",
            WithdrawConsent(withdrawn_on=region_today().isoformat()),
        )
        return done(request, "/my", "Согласие отозвано")

    @post("/mail-reminders")
    async def mail_reminders(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Redirect:
        """Unsubscribe from the reminders by mail (or subscribe again): the link in each."""
        person = participant_of(user)
        by_mail = Form.of(await request.form()).text("by_mail") == "on"
        path = f"/people/{person}/mail-reminders"
        await backend.command(
            user.token, "registry", path, SetMailReminders(by_mail=by_mail), "PUT"
        )
        said = (
            "Напоминания по почте включены" if by_mail else "Вы отписались от напоминаний по почте"
        )
        return done(request, "/my", said, "reminders")

    @get("/data")
    async def download(self, user: WebUser, backend: Backend) -> Response[bytes]:
        """What the platform holds about the person (152-ФЗ, ст. 14), as a file."""
        found = await participation(backend, user)
        return Response(
            msgspec.json.format(msgspec.json.encode(found), indent=2),
            media_type="application/json; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="personal-data.json"'},
        )
