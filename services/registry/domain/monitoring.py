"""Monitoring data the indicators are measured against: the region's targets per school year, each
school's contingent and monitoring window per school year, and the self-audit checklist (S1)."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from shared.frames import FRAME_NAMES, FRAMES, Frame, frame_named
from shared.indicators import (
    AGE_LIMITS,
    FEDERAL_BANDS,
    INDICATORS_BY_CODE,
    SELF_AUDIT_ITEMS,
    TARGET_RANGES,
    WEBSITE_ITEM,
    default_window,
    year_end,
    year_start,
)
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import InvalidInput, RuleViolated

_NAMESPACE = uuid5(NAMESPACE_URL, "nastavnik:monitoring")


def yearly_id(kind: str, organisation_id: UUID, school_year: str) -> UUID:
    """One aggregate per organisation and school year: the id follows from both."""
    return uuid5(_NAMESPACE, f"{kind}:{organisation_id}:{school_year}")


class IndicatorTargets(TenantAggregate):
    """The targets a region sets for a school year, indicator by indicator."""

    @event("Opened")
    def __init__(
        self, id: UUID, tenant: str, actor: Actor, region_id: UUID, school_year: str
    ) -> None:
        self.tenant = tenant
        self.region_id = region_id
        self.school_year = school_year
        self.targets: dict[str, float] = {}
        self.bands: dict[str, tuple[int, int]] = {}

    @staticmethod
    def check(targets: dict[str, float]) -> None:
        if not targets:
            raise InvalidInput("no_targets", "Укажите хотя бы один целевой показатель")
        for code, value in targets.items():
            indicator = INDICATORS_BY_CODE.get(code)
            if indicator is None:
                raise InvalidInput(
                    "unknown_indicator", f"Неизвестный показатель «{code}»", indicator=code
                )
            low, high = TARGET_RANGES[indicator.unit]
            if not low <= value <= high:
                raise InvalidInput(
                    "target_out_of_range",
                    f"Цель показателя «{indicator.name}» должна быть от {low:g} до {high:g}",
                    indicator=code,
                )

    def set_targets(self, actor: Actor, targets: dict[str, float]) -> None:
        self.check(targets)
        changed = {code: v for code, v in targets.items() if self.targets.get(code) != v}
        if not changed:
            raise RuleViolated("targets_unchanged", "Цели уже установлены с такими значениями")
        former = {code: self.targets[code] for code in changed if code in self.targets}
        self._targets_set(actor=actor, targets=changed, former=former)

    @event("TargetsSet")
    def _targets_set(
        self, actor: Actor, targets: dict[str, float], former: dict[str, float]
    ) -> None:
        self.targets.update(targets)

    @staticmethod
    def check_bands(bands: dict[str, tuple[int, int]]) -> None:
        """Each band names an indicator that has one, its ends in order and within bounds."""
        if not bands:
            raise InvalidInput("no_bands", "Укажите возрастную границу хотя бы одного показателя")
        low, high = AGE_LIMITS
        for code, (first, last) in bands.items():
            if code not in FEDERAL_BANDS:
                raise InvalidInput(
                    "no_age_band",
                    f"У показателя «{code}» нет возрастной границы",
                    indicator=code,
                    field="bands",
                )
            name = INDICATORS_BY_CODE[code].name
            if first > last:
                raise RuleViolated(
                    "band_reversed",
                    f"Возраст «от» ({first}) больше возраста «до» ({last}) у показателя «{name}»",
                    indicator=code,
                    field="bands",
                )
            if not low <= first <= last <= high:
                raise InvalidInput(
                    "band_out_of_range",
                    f"Возрастная граница показателя «{name}» должна быть от {low} до {high} лет",
                    indicator=code,
                    field="bands",
                )

    def band(self, code: str) -> tuple[int, int]:
        """The region's band of the indicator for the year, or the federal one."""
        return self.bands.get(code, FEDERAL_BANDS[code])

    def set_bands(self, actor: Actor, bands: dict[str, tuple[int, int]]) -> None:
        self.check_bands(bands)
        changed = {code: band for code, band in bands.items() if self.band(code) != band}
        if not changed:
            raise RuleViolated("bands_unchanged", "Возрастные границы уже такие")
        self._bands_set(
            actor=actor,
            school_year=self.school_year,
            bands={code: list(band) for code, band in changed.items()},
            former={code: list(self.band(code)) for code in changed},
        )

    @event("BandsSet")
    def _bands_set(
        self,
        actor: Actor,
        school_year: str,
        bands: dict[str, list[int]],
        former: dict[str, list[int]],
    ) -> None:
        self.bands.update({code: (first, last) for code, (first, last) in bands.items()})


class SchoolContingent(TenantAggregate):
    """What a school reports for a school year: its students (and the age bands the indicators
    need as denominators), its teachers and young teachers, and its monitoring window."""

    @event("Opened")
    def __init__(
        self, id: UUID, tenant: str, actor: Actor, school_id: UUID, school_year: str
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.school_year = school_year

    def record(
        self,
        actor: Actor,
        students: int,
        students_10_18: int,
        students_15_19: int,
        teachers: int,
        young_teachers: int,
        monitoring_from: date | None,
        monitoring_to: date | None,
    ) -> None:
        if max(students_10_18, students_15_19) > students:
            raise RuleViolated(
                "band_exceeds_students", "В возрастной группе больше обучающихся, чем всего"
            )
        if young_teachers > teachers:
            raise RuleViolated(
                "young_exceed_teachers", "Молодых педагогов больше, чем всего педагогов"
            )
        default_from, default_to = default_window(self.school_year)
        window = (monitoring_from or default_from, monitoring_to or default_to)
        if not year_start(self.school_year) <= window[0] <= window[1] <= year_end(self.school_year):
            raise RuleViolated(
                "window_outside_year",
                "Окно мониторинга должно лежать внутри учебного года и не быть пустым",
            )
        self._recorded(
            actor=actor,
            students=students,
            students_10_18=students_10_18,
            students_15_19=students_15_19,
            teachers=teachers,
            young_teachers=young_teachers,
            monitoring_from=window[0],
            monitoring_to=window[1],
        )

    @event("Recorded")
    def _recorded(
        self,
        actor: Actor,
        students: int,
        students_10_18: int,
        students_15_19: int,
        teachers: int,
        young_teachers: int,
        monitoring_from: date,
        monitoring_to: date,
    ) -> None:
        pass


class SelfAudit(TenantAggregate):
    """A school's self-audit by the twelve items of the checklist (S1) for a school year: the
    school answers each item, the municipality or the institute reviews it with a
    recommendation; every answer and review is an event, so the history of each is kept."""

    @event("Opened")
    def __init__(
        self, id: UUID, tenant: str, actor: Actor, school_id: UUID, school_year: str
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.school_year = school_year
        self.answered: set[int] = set()
        self.page_url: str | None = None

    @staticmethod
    def check_item(item: int) -> None:
        if item not in SELF_AUDIT_ITEMS:
            raise InvalidInput(
                "unknown_item", f"В чек-листе нет пункта {item} (пункты 1–12)", item=item
            )

    def answer(
        self,
        actor: Actor,
        answers: list[tuple[int, bool, str | None]],
        page_url: str | None,
    ) -> None:
        items = [item for item, _, _ in answers]
        for item in items:
            self.check_item(item)
        if len(set(items)) != len(items):
            raise InvalidInput("repeated_item", "Пункт чек-листа указан дважды")
        if not answers and page_url is None:
            raise InvalidInput("nothing_to_fill", "Нет ни одного пункта и адреса страницы")
        website = next((achieved for item, achieved, _ in answers if item == WEBSITE_ITEM), False)
        if website and (page_url or self.page_url) is None:
            raise RuleViolated(
                "page_url_missing",
                "Пункт 12 выполнен — укажите адрес страницы сайта школы по наставничеству",
            )
        if page_url is not None and page_url != self.page_url:
            self._page_given(actor=actor, url=page_url)
        for item, achieved, evidence in answers:
            self._answered(actor=actor, item=item, achieved=achieved, evidence=evidence)

    @event("PageGiven")
    def _page_given(self, actor: Actor, url: str) -> None:
        self.page_url = url

    @event("ItemAnswered")
    def _answered(self, actor: Actor, item: int, achieved: bool, evidence: str | None) -> None:
        self.answered.add(item)

    def review(self, actor: Actor, item: int, achieved: bool, recommendation: str | None) -> None:
        self.check_item(item)
        if item not in self.answered:
            raise RuleViolated(
                "item_not_answered", f"Школа ещё не заполнила пункт {item}", item=item
            )
        if not achieved and not recommendation:
            raise InvalidInput(
                "recommendation_missing", "Если пункт не выполнен, дайте рекомендацию", item=item
            )
        self._reviewed(actor=actor, item=item, achieved=achieved, recommendation=recommendation)

    @event("ItemReviewed")
    def _reviewed(
        self, actor: Actor, item: int, achieved: bool, recommendation: str | None
    ) -> None:
        pass


class FrameDeadlines(TenantAggregate):
    """The day by which a region wants each frame introduced in its organisations (the
    students' model, the teachers' system): the share that did is measured against it."""

    @staticmethod
    def id_for(region_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"frame-deadlines:{region_id}")

    @event("Opened")
    def __init__(self, id: UUID, tenant: str, actor: Actor, region_id: UUID) -> None:
        self.tenant = tenant
        self.region_id = region_id
        self.deadlines: dict[Frame, date] = {}

    @staticmethod
    def check(frame: str, deadline: date) -> Frame:
        """A frame the platform knows, and a deadline after the act that founded it."""
        chosen = frame_named(frame)
        basis = FRAMES[chosen].basis
        if deadline <= basis.on:
            raise RuleViolated(
                "deadline_before_basis",
                f"Срок внедрения рамки «{FRAME_NAMES[chosen]}» должен быть позже"
                f" {basis.on:%d.%m.%Y} — даты акта № {basis.number}",
                field="deadline",
            )
        return chosen

    def set_deadline(self, actor: Actor, frame: Frame, deadline: date) -> None:
        former = self.deadlines.get(frame)
        if former == deadline:
            raise RuleViolated("deadline_unchanged", "Срок внедрения уже такой")
        self._deadline_set(
            actor=actor,
            region_id=self.region_id,
            frame=str(frame),
            deadline=deadline,
            former=former,
        )

    @event("DeadlineSet")
    def _deadline_set(
        self, actor: Actor, region_id: UUID, frame: str, deadline: date, former: date | None
    ) -> None:
        self.deadlines[Frame(frame)] = deadline
