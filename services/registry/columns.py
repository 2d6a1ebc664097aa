"""The columns of a school's two bases: ONE set for the import, the export and the blank template,
so that an exported base loads back as it is. Pure: no I/O, nothing but names."""

from __future__ import annotations

from enum import StrEnum


class Base(StrEnum):
    MENTEES = "mentees"
    MENTORS = "mentors"


COMMON_COLUMNS = (
    "ФИО",
    "Дата рождения",
    "Вид",
    "Класс",
    "Должность",
    "Начало педагогического стажа",
    "Контакты",
    "Согласие на обработку ПДн",
    "Законный представитель",
    "Степень родства",
)
COLUMNS = {
    Base.MENTEES: (*COMMON_COLUMNS, "Категории", "Запрос", "Темы запроса"),
    Base.MENTORS: (*COMMON_COLUMNS, "Компетенции", "Интересы", "Число наставляемых"),
}
REQUIRED_COLUMNS = ("ФИО", "Вид")
DATE_COLUMNS = frozenset(
    {"Дата рождения", "Начало педагогического стажа", "Согласие на обработку ПДн"}
)
SHEET_TITLES = {Base.MENTEES: "База наставляемых", Base.MENTORS: "База наставников"}
FILE_NAMES = {Base.MENTEES: "mentees.xlsx", Base.MENTORS: "mentors.xlsx"}
