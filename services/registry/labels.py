"""The Russian words a school reads for the registry's values, keyed by the values' codes (the
headers of a base's XLSX sheet are published beside, in `columns.py`).

Published beside the registry's event contracts: the domain names its values from here, and the
web and reporting read them without importing the registry's domain. A pure module: it imports
nothing."""

from __future__ import annotations

# OrganisationKind.
ORGANISATION_KIND_NAMES = {
    "region": "регион",
    "institute": "институт",
    "municipality": "муниципалитет",
    "regional": "организации регионального подчинения",
    "school": "школа",
    "partner": "организация-партнёр",
}


def group_name(kind: str, name: str) -> str:
    """How a view names a group of schools under the region: a municipality by its name, the
    region's own node by its kind (it is no municipality, whatever it was called)."""
    return ORGANISATION_KIND_NAMES["regional"].capitalize() if kind == "regional" else name


# EducationKind: what an organisation of kind «school» is; the names every view shows.
EDUCATION_KIND_NAMES = {
    "preschool": "детский сад (ДОО)",
    "school": "школа",
    "additional": "организация дополнительного образования",
    "college": "колледж (СПО)",
}
# PersonKind: kinds of people in a school's bases.
PERSON_KIND_NAMES = {
    "student": "обучающийся",
    "teacher": "педагог",
    "parent": "родитель",
    "alumnus": "выпускник",
    "partner_employee": "сотрудник партнёра",
    "veteran": "ветеран",
    "entrepreneur": "предприниматель",
    "public_figure": "общественный деятель",
    "psychologist": "педагог-психолог",
    "social_pedagogue": "социальный педагог",
    "administrator": "администрация школы",
    "class_teacher": "классный руководитель",
}
# The kinds of the school's own employees: its staff list shows them, in neither base or both.
STAFF_KIND_CODES = ("teacher", "psychologist", "social_pedagogue", "administrator", "class_teacher")
# StaffRole: a school employee's part in the programme.
STAFF_ROLE_NAMES = {
    "director": "руководитель ОО",
    "coordinator": "координатор",
    "curator": "куратор",
    "working_group_member": "член рабочей группы",
    "mentor_council_member": "член совета наставников",
}
# InformationSource: who told about a mentee's request.
INFORMATION_SOURCE_NAMES = {
    "class_teacher": "классный руководитель",
    "psychologist": "педагог-психолог",
    "social_worker": "социальный педагог",
    "parent": "родитель",
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

# Monitoring campaigns (`domain/campaigns.py`).
# ItemKind: what kind of answer a form's item takes.
CAMPAIGN_ITEM_KIND_NAMES = {
    "yes_no": "да / нет с подтверждением",
    "link": "ссылка на документ",
    "number": "число",
    "date": "дата",
    "choice": "выбор из вариантов",
    "text": "текст",
    "file": "ссылка на файл",
    "computed": "значение платформы",
}
# What the platform computes for a computed item, on the campaign's reference date.
COMPUTED_SOURCE_NAMES = {
    "mentors": "число наставников в утверждённых парах",
    "mentees": "число наставляемых в утверждённых парах",
    "pairs": "число утверждённых пар",
    "trained_mentors": "число наставников, прошедших обучение",
    "students_involved": "доля обучающихся, вовлечённых в наставничество, %",
    "individual_plan": "доля наставляемых с индивидуальным планом, %",
    "implementation_order": "издан приказ о внедрении целевой модели",
    "roadmap_completion": "выполнение дорожной карты, %",
}
# Whether a fix a municipality ordered on a campaign's results was made, by the next campaign.
FIX_STATUS_NAMES = {
    "fixed": "исправлено",
    "not_fixed": "не исправлено",
    "pending": "ждёт ответа в следующем мониторинге",
}
# SubmissionStatus.
SUBMISSION_STATUS_NAMES = {
    "not_started": "не приступили",
    "draft": "черновик",
    "submitted": "отправлен",
    "returned": "возвращён на доработку",
    "accepted": "принят",
}
# Verdict: a reviewer's word on one item.
VERDICT_NAMES = {
    "accepted": "принято",
    "not_accepted": "не принято",
    "partly": "принято частично",
}
