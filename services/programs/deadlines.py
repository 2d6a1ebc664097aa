"""A roadmap's deadlines as schools write them («Октябрь–ноябрь 2020», «Сентябрь каждого
учебного года», «2020–2024», «По отдельному графику»…): a typed model that keeps the words, a
parser from the Russian words to it, and the date an activity falls due on a given day. No I/O.

What the parser cannot read is returned as `Unread` for a person to settle, never guessed."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from shared.dictionaries import SCHOOL_YEAR_STARTS_MONTH
from shared.kernel.errors import RuleViolated


class DeadlineKind(StrEnum):
    DATE = "date"  # «15.10.2020», «до 20 января»
    MONTH = "month"  # «Февраль 2022», «Декабрь»
    MONTHS = "months"  # «Октябрь–ноябрь 2020»
    YEARS = "years"  # «2020–2024»
    YEARLY = "yearly"  # «Сентябрь каждого учебного года», «Ежегодно», «ежегодно до 15 сентября»
    THROUGH_YEAR = "through_year"  # «в течение года», «в течение учебного года»
    SCHEDULE = "schedule"  # «по отдельному графику»
    ALL_STAGES = "all_stages"  # «на всех этапах»
    RELATIVE = "relative"  # «через 2,5 месяца после начала», «по итогам реализации программы»
    NONE = "none"  # no deadline written


START, END = "start", "end"  # anchors of a relative deadline besides another activity's number


@dataclass(frozen=True)
class Point:
    """A day, a month or a year as written: parts not written stay None."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def last_day(self, year: int) -> date:
        """The last day this point covers in `year` (the year it names, if it names one)."""
        year = self.year or year
        month = self.month or 12
        return date(year, month, self.day or calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Deadline:
    """A deadline as written: the words and what they mean. `first`/`last` bound a one-off
    period or, for a yearly one, the part of each school year (from `from_year` on);
    a relative one is `months` after its `anchor` (start, end or another activity's number)."""

    words: str
    kind: DeadlineKind
    first: Point | None = None
    last: Point | None = None
    from_year: int | None = None
    months: float | None = None
    anchor: str | None = None

    @property
    def recurring(self) -> bool:
        return self.kind in (DeadlineKind.YEARLY, DeadlineKind.THROUGH_YEAR)

    def as_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "kind": str(self.kind),
            "first": _point_dict(self.first),
            "last": _point_dict(self.last),
            "from_year": self.from_year,
            "months": self.months,
            "anchor": self.anchor,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deadline:
        return cls(
            words=data["words"],
            kind=DeadlineKind(data["kind"]),
            first=_point_of(data["first"]),
            last=_point_of(data["last"]),
            from_year=data["from_year"],
            months=data["months"],
            anchor=data["anchor"],
        )


@dataclass(frozen=True)
class Unread:
    """Words the parser could not read: a person settles them."""

    words: str
    reason: str = "Срок не распознан: укажите его иначе"


def read_deadline(words: str, field: str) -> Deadline:
    """The deadline the words state; words the platform cannot read refuse the command,
    naming the field, for a person to write the deadline otherwise."""
    parsed = parse_deadline(words)
    if isinstance(parsed, Unread):
        raise RuleViolated(
            "deadline_unread",
            f"Срок «{words}» не распознан: напишите его как дату, месяц и год, «ежегодно»"
            " или «по отдельному графику»",
            field=field,
            words=words,
        )
    return parsed


def is_control_point(words: str) -> bool:
    """A deadline written as a control point («Контрольная точка (далее – КТ) – два с половиной
    месяца после издания приказа») makes its activity one: what it checks, by when."""
    return "контрольная точка" in words.lower()


def legacy_deadline(on: date | str | None, month: int | None, day: int | None) -> Deadline:
    """A deadline of the first roadmap events (a date, or «day.month each school year») in the
    words a roadmap would use for it."""
    dated = on is not None and month is None and day is None
    if not dated and (on is not None or month is None or day is None):
        raise RuleViolated(
            "deadline_shape", "Срок — либо дата, либо день и месяц каждого учебного года"
        )
    if on is not None:
        day_on = date.fromisoformat(on) if isinstance(on, str) else on
        return read_deadline(day_on.strftime("%d.%m.%Y"), "deadline")
    try:
        date(2000, month or 0, day or 0)  # a leap year accepts 29 February
    except ValueError:
        raise RuleViolated("deadline_shape", "Такого дня в году нет") from None
    return read_deadline(f"до {day:02d}.{month:02d} каждого учебного года", "deadline")


def _point_dict(point: Point | None) -> dict[str, int | None] | None:
    return None if point is None else {"year": point.year, "month": point.month, "day": point.day}


def _point_of(data: dict[str, int | None] | None) -> Point | None:
    return None if data is None else Point(data["year"], data["month"], data["day"])


def school_year_start(day: date) -> int:
    return day.year if day.month >= SCHOOL_YEAR_STARTS_MONTH else day.year - 1


def _calendar_year(year_start: int, month: int) -> int:
    return year_start if month >= SCHOOL_YEAR_STARTS_MONTH else year_start + 1


# --- the parser -----------------------------------------------------------------------------

_MONTH_STEMS = (
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("ма", 5),  # май, мая, мае (after «мар»)
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
)
_MONTH = r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"
_YEARLY = re.compile(
    r"(?:каждого|каждый)\s+(?:учебного\s+)?года|каждый\s+учебный\s+год|ежегодн[а-я]*(?:\s+пополнение)?"
)
_SINCE = re.compile(r"далее\s*$")
_THROUGH_YEAR = re.compile(r"^в\s+течение\s+(?:всего\s+)?(?:учебного\s+|календарного\s+)?года$")
_SCHEDULE = re.compile(r"график")
_ALL_STAGES = re.compile(r"на\s+всех\s+этапах")
_AT_END = re.compile(r"^по\s+(?:итогам|окончании|завершении)\s+(?:реализации\s+)?программы")
_NUMBER_WORDS = {
    "один": 1.0,
    "одного": 1.0,
    "полтора": 1.5,
    "полутора": 1.5,
    "два": 2.0,
    "двух": 2.0,
    "три": 3.0,
    "трех": 3.0,
    "четыре": 4.0,
    "пять": 5.0,
    "шесть": 6.0,
}
_RELATIVE = re.compile(
    r"(?:через\s+)?(?P<n>\d+(?:[.,]\d+)?|[а-яё]+)(?P<half>\s+с\s+половиной)?\s+месяц[а-я]*\s+"
    r"(?:после|с\s+момента)\s+(?P<what>.+)$"
)
_AFTER_ITEM = re.compile(r"(?:мероприяти[а-я]*|п\.|пункта)\s*(?P<number>\d+(?:\.\d+)*)")
_NUMERIC = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(?:(\d{4}))?$")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})\s+({_MONTH})(?:\s+(\d{{4}}))?$")
_MONTH_WORD = re.compile(_MONTH)
_MONTH_LIST = re.compile(rf"^{_MONTH}(?:\s+(?:и\s+)?{_MONTH})+$")
_MONTH_YEAR = re.compile(rf"^({_MONTH})(?:\s+(\d{{4}}))?$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_deadline(words: str) -> Deadline | Unread:
    """The deadline the words state, or `Unread` when they state none the platform can read."""
    text = _normal(words)
    if text in ("", "-", "нет", "не установлен", "без срока"):
        return Deadline(words, DeadlineKind.NONE)
    if _SCHEDULE.search(text):
        return Deadline(words, DeadlineKind.SCHEDULE)
    if _ALL_STAGES.search(text):
        return Deadline(words, DeadlineKind.ALL_STAGES)
    if _THROUGH_YEAR.match(text):
        return Deadline(words, DeadlineKind.THROUGH_YEAR)
    if _AT_END.match(text):
        return Deadline(words, DeadlineKind.RELATIVE, months=0.0, anchor=END)
    relative = _RELATIVE.search(text)
    if relative is not None:
        return _relative(words, relative)
    return _yearly(words, text) if _YEARLY.search(text) else _period(words, text)


def _normal(words: str) -> str:
    text = words.lower().replace("ё", "е").strip()
    text = re.sub(r"[–—−]", "-", text)
    text = re.sub(r"(\d{4})\s*(?:гг?\.?|годы|годов|года|год)(?![а-я])", r"\1", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"(?<!\d)[,;]|[,;](?!\d)", " ", text)  # «2,5» keeps its comma
    return re.sub(r"\s+", " ", text).strip(" .")


def _relative(words: str, found: re.Match[str]) -> Deadline | Unread:
    number = found["n"].replace(",", ".")
    months = float(number) if number[0].isdigit() else _NUMBER_WORDS.get(number)
    if months is None:
        return Unread(words)
    months += 0.5 if found["half"] else 0.0
    item = _AFTER_ITEM.search(found["what"])
    anchor = item["number"] if item else START
    return Deadline(words, DeadlineKind.RELATIVE, months=months, anchor=anchor)


def _yearly(words: str, text: str) -> Deadline | Unread:
    """«Сентябрь каждого учебного года», «До 30.09. каждого учебного года», «Ежегодно»,
    «Декабрь 2021 года, далее ежегодно» (from that year on)."""
    rest = _SINCE.sub("", _YEARLY.sub("", text).strip()).strip()
    if not rest:
        return Deadline(words, DeadlineKind.YEARLY)
    bounds = _bounds(rest)
    if bounds is None:
        return Unread(words)
    first, last = bounds
    since = first.year
    first, last = Point(None, first.month, first.day), Point(None, last.month, last.day)
    if first.month is None:
        return Unread(words)
    return Deadline(words, DeadlineKind.YEARLY, first, last, from_year=since)


def _period(words: str, text: str) -> Deadline | Unread:
    bounds = _bounds(text)
    if bounds is None:
        return Unread(words)
    first, last = bounds
    if first.month is None:
        return Deadline(words, DeadlineKind.YEARS, first, last)
    if first.day is not None and first == last:
        return Deadline(words, DeadlineKind.DATE, first, last)
    if first == last:
        return Deadline(words, DeadlineKind.MONTH, first, last)
    return Deadline(words, DeadlineKind.MONTHS, first, last)


def _bounds(text: str) -> tuple[Point, Point] | None:
    """One point or a range «a-b»; a year written once holds for both ends, and a range that
    wraps over New Year («декабрь-январь 2021») ends in the year written. Months listed in one
    cell («Октябрь, июль»: the activity comes back later in the year) span the first to the last."""
    text = re.sub(r"^(?:до|не позднее|к|в течение)\s+", "", text)
    if _MONTH_LIST.match(text):
        months = _MONTH_WORD.findall(text)
        text = f"{months[0]}-{months[-1]}"
    parts = text.split("-")
    if len(parts) > 2 or not all(parts):
        return None
    points = [p for p in (_point(part.strip()) for part in parts) if p is not None]
    if len(points) != len(parts):
        return None
    first, last = points[0], points[-1]
    if (first.month is None) != (last.month is None):
        return None
    if first.year is None and last.year is not None and first.month is not None:
        wraps = (first.month, first.day or 0) > (last.month or 0, last.day or 0)
        first = Point(last.year - 1 if wraps else last.year, first.month, first.day)
    if last.year is None and first.year is not None and last.month is not None:
        wraps = (first.month or 0, first.day or 0) > (last.month, last.day or 0)
        last = Point(first.year + 1 if wraps else first.year, last.month, last.day)
    if not _valid(first) or not _valid(last):
        return None
    return first, last


def _point(text: str) -> Point | None:
    if found := _NUMERIC.match(text):
        year = int(found[3]) if found[3] else None
        return Point(year, int(found[2]), int(found[1]))
    if found := _DAY_MONTH.match(text):
        return Point(int(found[3]) if found[3] else None, _month(found[2]), int(found[1]))
    if found := _MONTH_YEAR.match(text):
        return Point(int(found[2]) if found[2] else None, _month(found[1]), None)
    if found := _YEAR.match(text):
        return Point(int(found[1]), None, None)
    return None


def _month(word: str) -> int:
    return next(number for stem, number in _MONTH_STEMS if word.startswith(stem))


def _valid(point: Point) -> bool:
    if point.year is not None and not 1990 <= point.year <= 2100:
        return False
    if point.month is None or point.day is None:
        return point.month is None or 1 <= point.month <= 12
    try:
        date(point.year or 2000, point.month, point.day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


# --- when an activity falls due ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """What a deadline is resolved against: the roadmap's period and its activities' dates."""

    starts: date
    ends: date
    due_of_number: dict[str, date] = field(default_factory=dict)


def due_on(deadline: Deadline, period: Period, day: date) -> date | None:
    """The last day of the deadline that counts on `day`: for a yearly activity, in the school
    year of `day`; None when the deadline names no day (a schedule, all stages, none, a yearly
    one not yet begun or in a school year outside the roadmap's period)."""
    if deadline.kind in (DeadlineKind.YEARLY, DeadlineKind.THROUGH_YEAR):
        year = school_year_start(day)
        if not school_year_start(period.starts) <= year <= school_year_start(period.ends):
            return None  # a yearly activity of the roadmap's years only
        return _yearly_due(deadline, year)
    if deadline.kind == DeadlineKind.RELATIVE:
        return _relative_due(deadline, period)
    if deadline.last is None:
        return None
    last = deadline.last
    if last.year is not None:
        return last.last_day(last.year)
    return _only_in_period(last, period)


def _yearly_due(deadline: Deadline, year_start: int) -> date | None:
    first_month = deadline.first.month if deadline.first else None
    if deadline.from_year is not None and year_start < school_year_start(
        date(deadline.from_year, first_month or SCHOOL_YEAR_STARTS_MONTH, 1)
    ):
        return None  # «Декабрь 2021 года, далее ежегодно» asks nothing of 2020/21
    last = deadline.last
    if last is None or last.month is None:  # «Ежегодно»: by the end of the school year
        return date(year_start + 1, SCHOOL_YEAR_STARTS_MONTH - 1, 31)
    return last.last_day(_calendar_year(year_start, last.month))


def _relative_due(deadline: Deadline, period: Period) -> date | None:
    if deadline.anchor == END:
        base: date | None = period.ends
    elif deadline.anchor == START:
        base = period.starts
    else:
        base = period.due_of_number.get(deadline.anchor or "")
    if base is None:
        return None
    return _add_months(base, deadline.months or 0.0)


def _add_months(day: date, months: float) -> date:
    whole = int(months)
    index = day.month - 1 + whole
    year, month = day.year + index // 12, index % 12 + 1
    moved = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return date.fromordinal(moved.toordinal() + round((months - whole) * 30))


def _only_in_period(point: Point, period: Period) -> date | None:
    """A month or day written without a year names the one time it comes in the roadmap's
    period; when it comes twice or more («Декабрь» of a roadmap from November 2020 to December
    2021) it names no day: that is for a person to settle, not to guess."""
    found = [
        point.last_day(year)
        for year in range(period.starts.year, period.ends.year + 1)
        if point.last_day(year) >= period.starts
        and date(year, point.month or 1, point.day or 1) <= period.ends
    ]
    return found[0] if len(found) == 1 else None


def is_overdue(deadline: Deadline, period: Period, day: date, done: bool) -> bool:
    """Not done and its day passed in the school year of `day`. A one-off activity of an earlier
    school year is never overdue in a later one: that year's roadmap no longer holds it."""
    if done:
        return False
    due = due_on(deadline, period, day)
    return due is not None and due < day and school_year_start(due) == school_year_start(day)
