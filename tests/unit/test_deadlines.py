"""The deadlines of seeds 000, 003 and 004 as written, parsed into the model, and the rule of
what is overdue on a day. Pure: no store at all."""

from __future__ import annotations

from datetime import date

import pytest

from services.programs.deadlines import (
    Deadline,
    DeadlineKind,
    Period,
    Point,
    Unread,
    due_on,
    is_overdue,
    parse_deadline,
)

K = DeadlineKind

# Every distinct deadline of the three seeds' roadmaps, typed from their text, with its kind and
# the bounds it names (first, last; None for a part not written).
SEED_DEADLINES = [
    # seed 000 (Kovrov, 2020–2024)
    ("Октябрь 2020", K.MONTH, (2020, 10, None), (2020, 10, None)),
    ("Октябрь-ноябрь 2020", K.MONTHS, (2020, 10, None), (2020, 11, None)),
    ("Сентябрь 2020", K.MONTH, (2020, 9, None), (2020, 9, None)),
    ("Сентябрь каждого учебного года", K.YEARLY, (None, 9, None), (None, 9, None)),
    ("До 30.09. каждого учебного года", K.YEARLY, (None, 9, 30), (None, 9, 30)),
    ("Октябрь каждого учебного года", K.YEARLY, (None, 10, None), (None, 10, None)),
    ("По отдельному графику", K.SCHEDULE, None, None),
    ("Март каждого учебного года", K.YEARLY, (None, 3, None), (None, 3, None)),
    ("2020-2024", K.YEARS, (2020, None, None), (2024, None, None)),
    ("Отдельный график по направлениям", K.SCHEDULE, None, None),
    ("Май каждого учебного года", K.YEARLY, (None, 5, None), (None, 5, None)),
    ("Ежегодно", K.YEARLY, None, None),
    ("Май-июнь каждого учебного года", K.YEARLY, (None, 5, None), (None, 6, None)),
    ("ежегодное пополнение", K.YEARLY, None, None),
    ("Август-сентябрь каждого учебного года", K.YEARLY, (None, 8, None), (None, 9, None)),
    # seed 003 (Novokuznetsk, November 2020 – December 2021)
    ("Ноябрь - декабрь 2020г", K.MONTHS, (2020, 11, None), (2020, 12, None)),
    ("Январь-февраль, 2021г.", K.MONTHS, (2021, 1, None), (2021, 2, None)),
    ("Январь-май, 2021г.", K.MONTHS, (2021, 1, None), (2021, 5, None)),
    ("Февраль –март", K.MONTHS, (None, 2, None), (None, 3, None)),
    ("Январь-февраль , 2021г.", K.MONTHS, (2021, 1, None), (2021, 2, None)),
    ("Март-апрель, 2021", K.MONTHS, (2021, 3, None), (2021, 4, None)),
    ("Декабрь-январь , 2021г.", K.MONTHS, (2020, 12, None), (2021, 1, None)),
    ("Май, 2021г.", K.MONTH, (2021, 5, None), (2021, 5, None)),
    ("Ноябрь-декабрь, 2021г", K.MONTHS, (2021, 11, None), (2021, 12, None)),
    ("Декабрь, 2021г", K.MONTH, (2021, 12, None), (2021, 12, None)),
    ("Ноябрь, 2020г", K.MONTH, (2020, 11, None), (2020, 11, None)),
    ("Декабрь, 2020г.", K.MONTH, (2020, 12, None), (2020, 12, None)),
    ("Декабрь", K.MONTH, (None, 12, None), (None, 12, None)),
    ("15 декабря", K.DATE, (None, 12, 15), (None, 12, 15)),
    ("До 20 января", K.DATE, (None, 1, 20), (None, 1, 20)),
    ("Декабрь 2021 года, далее ежегодно", K.YEARLY, (None, 12, None), (None, 12, None)),
    ("апрель 2022 года, далее ежегодно", K.YEARLY, (None, 4, None), (None, 4, None)),
    # seed 004 (Donetsk, 2023/24)
    ("Сентябрь", K.MONTH, (None, 9, None), (None, 9, None)),
    ("Октябрь", K.MONTH, (None, 10, None), (None, 10, None)),
    ("Июль", K.MONTH, (None, 7, None), (None, 7, None)),
    ("Ноябрь", K.MONTH, (None, 11, None), (None, 11, None)),
    ("Ноябрь-май", K.MONTHS, (None, 11, None), (None, 5, None)),
    ("Октябрь Июль", K.MONTHS, (None, 10, None), (None, 7, None)),  # a cell over a page break
    ("Октябрь, июль", K.MONTHS, (None, 10, None), (None, 7, None)),
    ("сентябрь и май", K.MONTHS, (None, 9, None), (None, 5, None)),
    ("Июнь", K.MONTH, (None, 6, None), (None, 6, None)),
    # the other forms the issue names
    ("Февраль 2022", K.MONTH, (2022, 2, None), (2022, 2, None)),
    ("Октябрь–ноябрь 2020", K.MONTHS, (2020, 10, None), (2020, 11, None)),
    ("2020–2024 гг.", K.YEARS, (2020, None, None), (2024, None, None)),
    ("ежегодно до 15 сентября", K.YEARLY, (None, 9, 15), (None, 9, 15)),
    ("в течение года", K.THROUGH_YEAR, None, None),
    ("В течение учебного года", K.THROUGH_YEAR, None, None),
    ("на всех этапах", K.ALL_STAGES, None, None),
    ("28.09.2020", K.DATE, (2020, 9, 28), (2020, 9, 28)),
    ("в течение 2021 г.", K.YEARS, (2021, None, None), (2021, None, None)),
    ("", K.NONE, None, None),
]


def _point(parts: tuple[int | None, int | None, int | None] | None) -> Point | None:
    return None if parts is None else Point(*parts)


@pytest.mark.parametrize(("words", "kind", "first", "last"), SEED_DEADLINES)
def test_seed_deadlines_parse_as_written(
    words: str,
    kind: DeadlineKind,
    first: tuple[int | None, int | None, int | None] | None,
    last: tuple[int | None, int | None, int | None] | None,
) -> None:
    parsed = parse_deadline(words)
    assert isinstance(parsed, Deadline), parsed
    assert (parsed.words, parsed.kind) == (words, kind)
    assert (parsed.first, parsed.last) == (_point(first), _point(last))
    assert Deadline.from_dict(parsed.as_dict()) == parsed  # as stored in an event


@pytest.mark.parametrize(
    ("words", "months", "anchor"),
    [
        ("через 2,5 месяца после начала", 2.5, "start"),
        (
            "Контрольная точка (далее – КТ) – два с половиной месяца после издания приказа"
            " Январь, 2021г.",
            2.5,
            "start",
        ),
        ("через 1 месяц после мероприятия 2.3", 1.0, "2.3"),
        ("По итогам реализации программы", 0.0, "end"),
    ],
)
def test_relative_deadlines(words: str, months: float, anchor: str) -> None:
    parsed = parse_deadline(words)
    assert isinstance(parsed, Deadline)
    assert (parsed.kind, parsed.months, parsed.anchor) == (K.RELATIVE, months, anchor)


@pytest.mark.parametrize(
    "words", ["как получится", "31.02.2021", "Тринадцатый месяц", "2020-октябрь", "13.13.2020"]
)
def test_what_cannot_be_read_is_returned_unread(words: str) -> None:
    assert parse_deadline(words) == Unread(words)


def _deadline(words: str) -> Deadline:
    parsed = parse_deadline(words)
    assert isinstance(parsed, Deadline)
    return parsed


KOVROV = Period(date(2020, 10, 1), date(2024, 12, 30))


def test_one_off_of_a_past_year_is_never_overdue_in_a_later_one() -> None:
    october = _deadline("Октябрь 2020")
    assert is_overdue(october, KOVROV, date(2020, 11, 2), done=False)
    assert not is_overdue(october, KOVROV, date(2020, 10, 31), done=False)
    assert not is_overdue(october, KOVROV, date(2020, 11, 2), done=True)
    assert not is_overdue(october, KOVROV, date(2023, 12, 1), done=False)


def test_yearly_activity_falls_due_each_school_year() -> None:
    september = _deadline("До 30.09. каждого учебного года")
    assert due_on(september, KOVROV, date(2023, 12, 1)) == date(2023, 9, 30)
    assert is_overdue(september, KOVROV, date(2023, 12, 1), done=False)
    assert not is_overdue(september, KOVROV, date(2023, 9, 30), done=False)
    may_june = _deadline("Май-июнь каждого учебного года")
    assert due_on(may_june, KOVROV, date(2023, 12, 1)) == date(2024, 6, 30)
    assert not is_overdue(may_june, KOVROV, date(2024, 6, 30), done=False)
    yearly = _deadline("Ежегодно")
    assert due_on(yearly, KOVROV, date(2023, 12, 1)) == date(2024, 8, 31)
    assert not is_overdue(yearly, KOVROV, date(2024, 8, 31), done=False)


def test_yearly_activity_asks_nothing_outside_the_roadmaps_years() -> None:
    september = _deadline("Сентябрь каждого учебного года")
    assert due_on(september, KOVROV, date(2024, 12, 1)) == date(2024, 9, 30)  # 2024/25
    assert due_on(september, KOVROV, date(2025, 10, 1)) is None  # after 30.12.2024
    assert due_on(september, KOVROV, date(2020, 3, 1)) is None  # before 01.10.2020
    assert not is_overdue(september, KOVROV, date(2025, 10, 1), done=False)


def test_yearly_from_a_year_asks_nothing_before_it() -> None:
    contest = _deadline("Декабрь 2021 года, далее ежегодно")
    assert due_on(contest, KOVROV, date(2021, 3, 1)) is None
    assert due_on(contest, KOVROV, date(2022, 3, 1)) == date(2021, 12, 31)
    assert due_on(contest, KOVROV, date(2023, 1, 10)) == date(2022, 12, 31)


def test_dates_without_year_fall_in_the_roadmaps_period() -> None:
    donetsk = Period(date(2023, 9, 6), date(2024, 8, 31))
    assert due_on(_deadline("Сентябрь"), donetsk, date(2023, 10, 1)) == date(2023, 9, 30)
    assert due_on(_deadline("Ноябрь-май"), donetsk, date(2023, 10, 1)) == date(2024, 5, 31)
    assert due_on(_deadline("Июль"), donetsk, date(2023, 10, 1)) == date(2024, 7, 31)
    # a cell spilling over a page break: October, and again in July
    assert due_on(_deadline("Октябрь Июль"), donetsk, date(2023, 10, 1)) == date(2024, 7, 31)
    assert due_on(_deadline("до 20 января"), donetsk, date(2023, 10, 1)) == date(2024, 1, 20)


def test_spans_relative_and_undated_deadlines() -> None:
    assert due_on(_deadline("2020-2024"), KOVROV, date(2024, 1, 1)) == date(2024, 12, 31)
    novokuznetsk = Period(date(2020, 11, 2), date(2021, 12, 31), {"2.3": date(2021, 2, 28)})
    assert due_on(_deadline("через 2,5 месяца после начала"), novokuznetsk, date(2021, 3, 1)) == (
        date(2021, 1, 17)  # two months and half of thirty days
    )
    after_item = _deadline("через 1 месяц после мероприятия 2.3")
    assert due_on(after_item, novokuznetsk, date(2021, 3, 1)) == date(2021, 3, 28)
    at_end = _deadline("По итогам реализации программы")
    assert due_on(at_end, novokuznetsk, date(2021, 3, 1)) == date(2021, 12, 31)
    for words in ("По отдельному графику", "на всех этапах", ""):
        assert due_on(_deadline(words), KOVROV, date(2023, 1, 1)) is None
        assert not is_overdue(_deadline(words), KOVROV, date(2023, 1, 1), done=False)


def test_a_month_without_year_that_comes_twice_in_the_period_names_no_day() -> None:
    """«Декабрь» of a roadmap from November 2020 to December 2021 may be either: not guessed."""
    novokuznetsk = Period(date(2020, 11, 2), date(2021, 12, 31))
    for words in ("Декабрь", "15 декабря"):
        assert due_on(_deadline(words), novokuznetsk, date(2022, 1, 10)) is None
        assert not is_overdue(_deadline(words), novokuznetsk, date(2022, 1, 10), done=False)
    assert due_on(_deadline("Февраль –март"), novokuznetsk, date(2021, 1, 1)) == date(2021, 3, 31)
