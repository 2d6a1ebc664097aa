"""A school's mentoring programme for one school year and its seven stages."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from services.programs import events
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.frames import DEFAULT_FRAME, FRAME_NAMES, Frame, foreign_forms, frame_named
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated, check_not_in_future
from shared.kernel.sealed import Sealed

from ..labels import STAGE_NAMES
from ..values import Stage

DEFAULT_MEETING_EVERY_DAYS = 7  # "at least once a week" (S3); varies by school
MAX_MEETING_EVERY_DAYS = 60


class Programme(TenantAggregate):
    """A school's mentoring programme for one school year."""

    @event("Opened")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        school_year: str,
        title: str,
        forms: list[MentoringForm],
        meeting_every_days: int = DEFAULT_MEETING_EVERY_DAYS,
        frame: str = DEFAULT_FRAME,  # programmes opened before frames: the students' model
    ) -> None:
        self.tenant = tenant
        self.frame = Frame(frame)
        self.school_id = school_id
        self.school_year = school_year
        self.title = title
        self.forms = {MentoringForm(f) for f in forms}
        self.stage = Stage.PREPARING_CONDITIONS
        self.stage_since: date | None = None  # the day the documents say the stage began
        self.meeting_every_days = meeting_every_days
        self.curators: dict[MentoringForm, UUID] = {}
        self.rejected: set[tuple[UUID, UUID]] = set()

    @staticmethod
    def check_frame(frame: str | None, forms: list[MentoringForm]) -> Frame:
        """The frame a programme is opened in: a teachers' form (педагог – молодой специалист)
        runs in the teachers' system, a pupils' one in the students' model, so each frame's
        pairs, orders and indicators stay its own. A client that names no frame (as before
        frames) gets the one its forms say: the teachers' system when all of them are its
        forms, else the students' model, which then keeps what such a programme always held."""
        if frame is None:
            return Frame.TEACHERS if not foreign_forms(Frame.TEACHERS, forms) else DEFAULT_FRAME
        chosen = frame_named(frame)
        foreign = foreign_forms(chosen, forms)
        if foreign:
            raise RuleViolated(
                "form_not_in_frame",
                f"{FRAME_NAMES[chosen]} не включает форм: «{'», «'.join(foreign)}»",
                field="forms",
                frame=str(chosen),
            )
        return chosen

    def set_meeting_rule(self, actor: Actor, every_days: int) -> None:
        """How often a pair must meet (S3: at least weekly); pairs that fall behind are shown."""
        if not 1 <= every_days <= MAX_MEETING_EVERY_DAYS:
            raise RuleViolated(
                "meeting_rule_range",
                f"Встречи — не реже одного раза в {MAX_MEETING_EVERY_DAYS} дней",
            )
        self._meeting_rule_set(actor=actor, every_days=every_days)

    @event("MeetingRuleSet")
    def _meeting_rule_set(self, actor: Actor, every_days: int) -> None:
        self.meeting_every_days = every_days

    def move_to_stage(
        self,
        actor: Actor,
        stage: Stage,
        effective_on: date,
        today: date,
        order_date: date | None,
    ) -> None:
        """Stages go forward (one may be passed quickly, never undone: history keeps them),
        each from the day the documents give: not in the future, not before the school's
        implementation order nor before the stage it follows."""
        if stage <= self.stage:
            raise RuleViolated(
                "stage_not_forward",
                f"Программа уже на этапе {self.stage}: «{STAGE_NAMES[self.stage]}»",
                stage=int(self.stage),
            )
        check_not_in_future(effective_on, today, "Дата начала этапа", "effective_on")
        if order_date is not None and effective_on < order_date:
            raise RuleViolated(
                "stage_before_order",
                f"Дата начала этапа раньше приказа о внедрении от {order_date:%d.%m.%Y}",
                field="effective_on",
            )
        if self.stage_since is not None and effective_on < self.stage_since:
            raise RuleViolated(
                "stage_before_previous",
                f"Этап «{STAGE_NAMES[self.stage]}» начат {self.stage_since:%d.%m.%Y}:"
                " следующий не может начаться раньше",
                field="effective_on",
            )
        self._stage_changed(
            actor=actor, stage=stage, former_stage=self.stage, effective_on=effective_on
        )

    class StageChanged(TenantAggregate.Event):
        stage: Stage
        former_stage: Stage
        effective_on: date
        class_version = 2

        upcast_v1_v2 = staticmethod(events.effective_when_stored)

    @event(StageChanged)
    def _stage_changed(
        self, actor: Actor, stage: Stage, former_stage: Stage, effective_on: date
    ) -> None:
        self.stage = Stage(stage)
        self.stage_since = effective_on

    def describe(
        self,
        actor: Actor,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        curators: dict[MentoringForm, UUID],
    ) -> None:
        """Duration, goals and a curator for each form the programme runs."""
        if ends_on <= starts_on:
            raise RuleViolated("programme_period", "Окончание программы раньше её начала")
        if not goals:
            raise RuleViolated("programme_without_goals", "Укажите хотя бы одну цель программы")
        for form in curators:
            self.check_runs(form)
        self._described(
            actor=actor,
            starts_on=starts_on,
            ends_on=ends_on,
            goals=goals,
            curators={str(form): person for form, person in curators.items()},
        )

    @event("Described")
    def _described(
        self,
        actor: Actor,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        curators: dict[str, UUID],
    ) -> None:
        self.curators = {MentoringForm(form): person for form, person in curators.items()}

    def reject_suggestion(
        self, actor: Actor, mentee_id: UUID, mentor_id: UUID, reason: Sealed | None
    ) -> None:
        """The curator turns a suggested mentor down for a mentee: matching stops offering it.
        The reason is about the mentee, so it is sealed with the mentee's key."""
        if (mentee_id, mentor_id) in self.rejected:
            raise RuleViolated("suggestion_already_rejected", "Это предложение уже отклонено")
        self._suggestion_rejected(
            actor=actor, mentee_id=mentee_id, mentor_id=mentor_id, reason=reason
        )

    class SuggestionRejected(TenantAggregate.Event):
        mentee_id: UUID
        mentor_id: UUID
        reason: Sealed | None
        class_version = 2

        upcast_v1_v2 = staticmethod(events.reason_withheld)

    @event(SuggestionRejected)
    def _suggestion_rejected(
        self, actor: Actor, mentee_id: UUID, mentor_id: UUID, reason: Sealed | None
    ) -> None:
        self.rejected.add((mentee_id, mentor_id))

    def check_runs(self, form: MentoringForm) -> None:
        if form not in self.forms:
            raise RuleViolated(
                "form_not_in_programme",
                f"Программа не реализует форму «{FORM_NAMES[form]}»",
                form=str(form),
            )
