"""The indicators of the target model and the self-audit checklist (seed S1): codes that every
service speaks, with their Russian names and definitions. Targets per region and year are data
(the registry's `IndicatorTargets`), never here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.frames import Frame
from shared.kernel.errors import InvalidInput


class Unit(StrEnum):
    PERCENT = "percent"  # numerator ÷ denominator × 100
    MEAN = "mean"  # sum of ratings ÷ number of ratings, scale 1–10
    COUNT = "count"  # the numerator itself


class Population(StrEnum):
    STUDENTS = "students"
    TEACHERS = "teachers"
    PARTICIPANTS = "participants"
    PARTNERS = "partners"
    MENTORS = "mentors"


# Indicators whose population an educational organisation of a kind lacks (the registry's
# EducationKind codes): a kindergarten has no pupils aged 10–18 or 15–19 — «не применяется».
LACKING_POPULATION: dict[str, frozenset[str]] = {
    "mentees_10_18": frozenset({"preschool"}),
    "mentors_15_19": frozenset({"preschool"}),
}


def applies(code: str, education_kinds: set[str]) -> bool:
    """Whether any of these kinds of organisation has the indicator's population."""
    return not education_kinds or not education_kinds <= LACKING_POPULATION.get(code, frozenset())


UNIT_NAMES = {Unit.PERCENT: "%", Unit.MEAN: "балл (1–10)", Unit.COUNT: "человек"}

POPULATION_NAMES = {
    Population.STUDENTS: "обучающиеся",
    Population.TEACHERS: "педагоги",
    Population.PARTICIPANTS: "участники программ",
    Population.PARTNERS: "организации-партнёры",
    Population.MENTORS: "наставники",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    population: Population
    unit: Unit
    frame: Frame = Frame.STUDENTS  # the frame whose heading it is reported under


# Ages are those reached in the calendar year in which the school year begins (by birth year,
# the only part of a birth date kept in clear): for 2025/26, age = 2025 − year of birth. Schools
# count their contingent by the same rule. "Involved" means: in a pair of a programme of that
# school year approved by the director's order dated on or before the reference date.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "students_involved",
        "Доля обучающихся, вовлечённых в наставничество",
        "Обучающиеся (наставляемые или наставники) в парах, утверждённых приказом на отчётную"
        " дату, ÷ число обучающихся по контингенту школ, внёсших контингент за учебный год, × 100",
        Population.STUDENTS,
        Unit.PERCENT,
    ),
    Indicator(
        "mentees_10_18",
        "Доля обучающихся 10–18 лет в роли наставляемого",
        "Обучающиеся 10–18 лет (возраст в году начала учебного года) — наставляемые в парах,"
        " утверждённых приказом на отчётную дату, ÷ число обучающихся 10–18 лет"
        " по контингенту × 100",
        Population.STUDENTS,
        Unit.PERCENT,
    ),
    Indicator(
        "mentors_15_19",
        "Доля обучающихся 15–19 лет в роли наставника",
        "Обучающиеся 15–19 лет (возраст в году начала учебного года) — наставники в парах,"
        " утверждённых приказом на отчётную дату, ÷ число обучающихся 15–19 лет"
        " по контингенту × 100",
        Population.STUDENTS,
        Unit.PERCENT,
    ),
    Indicator(
        "young_teachers_mentored",
        "Доля молодых педагогов (стаж 0–3 года), вовлечённых в наставничество",
        "Педагоги со стажем до 3 лет на отчётную дату и моложе 35 лет — наставляемые в парах,"
        " утверждённых приказом, ÷ число молодых педагогов по контингенту × 100",
        Population.TEACHERS,
        Unit.PERCENT,
        Frame.TEACHERS,
    ),
    Indicator(
        "partners_providing_mentors",
        "Доля организаций-партнёров, предоставивших наставников",
        "Организации-партнёры с соглашением со школой, действующим в учебном году, чьи сотрудники"
        " — наставники в парах, утверждённых приказом, ÷ все такие организации-партнёры × 100",
        Population.PARTNERS,
        Unit.PERCENT,
    ),
    Indicator(
        "mentee_satisfaction",
        "Удовлетворённость наставляемых",
        "Средняя оценка по шкале 1–10 из всех оценок наставляемых за окно мониторинга школы"
        " (по умолчанию 1 октября – 30 мая) до отчётной даты: оценки встреч (при записи"
        " встречи или в отзыве позже, по дате встречи) и каждый ответ со шкалой 1–10 в анкетах"
        " удовлетворённости наставляемого (по дате анкеты) программ учебного года",
        Population.PARTICIPANTS,
        Unit.MEAN,
    ),
    Indicator(
        "mentor_satisfaction",
        "Удовлетворённость наставников",
        "Средняя оценка по шкале 1–10 из всех оценок наставников за окно мониторинга школы"
        " (по умолчанию 1 октября – 30 мая) до отчётной даты: оценки встреч (при записи"
        " встречи или в отзыве позже, по дате встречи) и каждый ответ со шкалой 1–10 в анкетах"
        " удовлетворённости наставника (по дате анкеты) программ учебного года",
        Population.PARTICIPANTS,
        Unit.MEAN,
    ),
    Indicator(
        "individual_plan",
        "Доля наставляемых с индивидуальным планом",
        "Наставляемые, у пары которых составлен индивидуальный план (персонализированная"
        " программа), ÷ все наставляемые в парах, утверждённых приказом на отчётную дату, × 100",
        Population.PARTICIPANTS,
        Unit.PERCENT,
    ),
    Indicator(
        "positive_dynamics",
        "Доля наставляемых с положительной динамикой",
        "Наставляемые, у которых средний балл итоговой диагностики (последней до отчётной"
        " даты) выше среднего балла входной (первой), по вопросам со шкалой 1–10, ÷"
        " наставляемые, прошедшие и входную, и итоговую диагностику в программах учебного года"
        " до отчётной даты, × 100",
        Population.PARTICIPANTS,
        Unit.PERCENT,
    ),
    Indicator(
        "trained_mentors",
        "Число наставников, прошедших обучение",
        "Наставники школ области, прошедшие курс из региональной базы обучения на отчётную дату",
        Population.MENTORS,
        Unit.COUNT,
    ),
)

INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# What a target of each unit may be.
# The federal age bands (ages as counted above) of the indicators that have one; a region may
# set its own per school year (the registry's IndicatorTargets), within AGE_LIMITS.
FEDERAL_BANDS: dict[str, tuple[int, int]] = {"mentees_10_18": (10, 18), "mentors_15_19": (15, 19)}
AGE_LIMITS = (5, 25)

TARGET_RANGES = {Unit.PERCENT: (0.0, 100.0), Unit.MEAN: (1.0, 10.0), Unit.COUNT: (0.0, 1e9)}


SCHOOL_YEAR = re.compile(r"[0-9]{4}/[0-9]{2}")  # ASCII digits: `int` reads others too


def check_school_year(school_year: str) -> None:
    """ "2025/26" names the year from 1 September 2025; "2025/27" is no school year."""
    if (
        not SCHOOL_YEAR.fullmatch(school_year)
        or int(school_year[5:]) != (first_year(school_year) + 1) % 100
    ):
        raise InvalidInput(
            "bad_school_year",
            f"Неверный учебный год «{school_year}»: нужен вид 2025/26",
            field="school_year",
        )


def first_year(school_year: str) -> int:
    """2025 for "2025/26"."""
    return int(school_year[:4])


def year_start(school_year: str) -> date:
    return date(first_year(school_year), 9, 1)


def year_end(school_year: str) -> date:
    return date(first_year(school_year) + 1, 8, 31)


def default_window(school_year: str) -> tuple[date, date]:
    """The monitoring window a school has unless it sets its own: 1 October – 30 May (S0)."""
    year = first_year(school_year)
    return date(year, 10, 1), date(year + 1, 5, 30)


# Чек-лист самоаудита Положения о системе наставничества ОО (seed S1), items numbered 1–12.
SELF_AUDIT_ITEMS: dict[int, str] = {
    1: "Определены задачи системы наставничества (целевой модели)",
    2: "Определены категории наставляемых",
    3: "Определены разнообразные формы и виды наставничества",
    4: "Прописаны условия отбора кандидатур наставников; в ОО есть педагоги, прошедшие обучение"
    " на курсах повышения квалификации по наставничеству и вошедшие в единую региональную базу"
    " наставников",
    5: "Описаны условия, ресурсы, процессы, необходимые и достаточные для реализации"
    " персонализированных программ наставничества (внутренний контур)",
    6: "Представлено описание (модель) контактов с различными структурами по проблемам"
    " наставничества во внешнем контуре",
    7: "Описаны условия, ресурсы, процессы, необходимые и достаточные для успешной реализации"
    " персонализированных программ наставничества педагогических работников",
    8: "Описаны механизмы управления системой наставничества в ОО",
    9: "Наличие банка (персонифицированный учёт) наставников и наставляемых",
    10: "Наличие банка индивидуальных/групповых персонализированных программ наставничества",
    11: "Представлен мониторинг реализации системы (целевой модели) наставничества",
    12: "Представлена информация о реализации системы наставничества на сайте школы",
}
WEBSITE_ITEM = 12
