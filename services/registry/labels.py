"""The Russian words a school reads for the registry's values, keyed by the values' codes, and
the headers of a base's XLSX sheet.

Published beside the registry's event contracts: the domain names its values from here, and the
web and reporting read them without importing the registry's domain. A pure module: it imports
nothing."""

from __future__ import annotations

# OrganisationKind.
ORGANISATION_KIND_NAMES = {
    "region": "регион",
    "institute": "институт",
    "municipality": "муниципалитет",
    "school": "школа",
    "partner": "организация-партнёр",
}
# PersonKind: kinds of people in a school's bases.
PERSON_KIND_NAMES = {
    "student": "обучающийся",
    "teacher": "педагог",
    "parent": "родитель",
    "alumnus": "выпускник",
    "partner_employee": "сотрудник партнёра",
    "veteran": "ветеран",
}
# ConsentKind.
CONSENT_KIND_NAMES = {
    "personal_data": "на обработку персональных данных",
    "additional_duty": "на дополнительную работу (наставничество)",
}

# An import of a base from XLSX, as it goes.
IMPORT_STATUS_NAMES = {
    "reading": "читаем файл",
    "checking": "проверяем строки",
    "storing": "сохраняем",
    "done": "загружено",
    "rejected": "не загружено: в файле есть ошибки",
    "failed": "не загружено: сбой при загрузке",
}

# A base's XLSX sheet as schools keep it: its headers, by base.
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
SHEET_COLUMNS = {
    "mentees": (*COMMON_COLUMNS, "Категории", "Запрос", "Темы запроса"),
    "mentors": (*COMMON_COLUMNS, "Компетенции", "Интересы", "Число наставляемых"),
}
