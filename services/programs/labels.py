"""The Russian words a school reads for programs' values, keyed by the values' codes.

Published beside programs' event contracts: the domain names its values from here, and the web and
reporting read them without importing programs' domain. A pure module: it imports the
dictionaries' words only."""

from __future__ import annotations

from shared.dictionaries import FORM_NAMES, MentoringForm

# Stage (its number, 1–7).
STAGE_NAMES: dict[int, str] = {
    1: "подготовка условий для запуска программы",
    2: "формирование базы наставляемых",
    3: "формирование базы наставников",
    4: "отбор и обучение наставников",
    5: "формирование наставнических пар и групп",
    6: "организация работы наставнических пар и групп",
    7: "завершение программы наставничества",
}
# ResponsibilityPart: what a grant of responsibility covers.
RESPONSIBILITY_PART_NAMES = {
    "stage": "этап",
    "form": "форма наставничества",
    "block": "раздел дорожной карты",
    "pair": "пара или группа",
    "orders": "утверждение приказов",
}


def responsibility_part_name(kind: str, subject: str) -> str:
    """A part a grant covers in a person's words: «этап 3 «формирование базы наставников»»,
    «форма наставничества «учитель – ученик»», «раздел дорожной карты «7»» (a pair by no id)."""
    name = RESPONSIBILITY_PART_NAMES[kind]
    if kind == "stage":
        return f"{name} {subject} «{STAGE_NAMES[int(subject)]}»"
    if kind == "form":
        return f"{name} «{FORM_NAMES[MentoringForm(subject)]}»"
    if kind == "block":
        return f"{name} «{subject}»"
    return name


# ItemStatus: a roadmap item's.
ITEM_STATUS_NAMES = {
    "planned": "запланировано",
    "in_progress": "выполняется",
    "done": "выполнено",
    "cancelled": "отменено",
}
# DeadlineKind: how a roadmap writes an activity's deadline.
DEADLINE_KIND_NAMES = {
    "date": "дата",
    "month": "месяц",
    "months": "месяцы",
    "years": "годы",
    "yearly": "ежегодно",
    "through_year": "в течение года",
    "schedule": "по отдельному графику",
    "all_stages": "на всех этапах",
    "relative": "после другого события",
    "none": "без срока",
}
# FactKind: what fulfils a roadmap's activity, and the subjects each kind names.
FACT_KIND_NAMES = {
    "act": "издан акт",
    "stage": "программа перешла на этап",
    "base": "начата база",
    "survey": "проведено анкетирование",
    "event": "проведено мероприятие школы",
}
# SchoolEventKind: a school's own events.
SCHOOL_EVENT_KIND_NAMES = {
    "group_meeting": "групповая встреча наставников и наставляемых",
    "orientation_session": "установочная сессия наставников",
    "conference": "школьная конференция",
    "seminar": "семинар",
    "round_table": "итоговое мероприятие (круглый стол)",
    "mentor_course": "обучение наставников в школе",
    "publicity": "освещение итогов (публикация)",
}
# ActKind: the kinds of an organisation's acts (локальные и распорядительные акты).
ACT_KIND_NAMES = {
    "order": "приказ",
    "decree": "распоряжение",
    "regulation": "положение",
    "programme": "программа наставничества",
    "roadmap": "дорожная карта",
    "protocol": "протокол",
}
# The acts the platform itself issues, as the register of acts lists them.
ISSUED_ACT_NAMES = {
    "implementation_order": "приказ о внедрении целевой модели наставничества",
    "regulation_adopted": "положение о наставничестве",
    "pairs_order": "приказ об утверждении наставнических пар (групп)",
    "mentor_register": "приказ об утверждении реестра наставников",
}
# The acts that fulfil a roadmap activity: those the platform issues and every kind of the register
# (a regulation entered in the register fulfils as the platform's adopted regulation does).
FULFILLING_ACT_NAMES = ISSUED_ACT_NAMES | {
    kind: name for kind, name in ACT_KIND_NAMES.items() if kind != "regulation"
}


def fulfilling_act(kind: str) -> str:
    """The fulfilment an act of the register of this kind gives."""
    return "regulation_adopted" if kind == "regulation" else kind


# The bases an activity may be fulfilled by (the first person entered in them).
BASE_NAMES = {"mentee": "база наставляемых", "mentor": "база наставников"}


def fulfilment_words(fact: str | None, subject: str | None) -> str | None:
    """What fulfils an activity (a FactKind and its subject), as a school would say it."""
    if fact == "act":
        return FULFILLING_ACT_NAMES[subject or ""].capitalize()
    if fact == "stage":
        return f"Переход на этап «{STAGE_NAMES[int(subject or 0)]}»"
    if fact == "base":
        return f"Начата {BASE_NAMES[subject or '']}"
    if fact == "event":
        return f"Проведено: {SCHOOL_EVENT_KIND_NAMES[subject or '']}"
    return None if fact is None else "Анкетирование участников"


# Every fulfilment the platform knows, as (fact, subject).
FULFILMENTS = (
    *(("act", kind) for kind in FULFILLING_ACT_NAMES),
    *(("stage", str(stage)) for stage in STAGE_NAMES),
    *(("base", base) for base in BASE_NAMES),
    ("survey", ""),
    *(("event", kind) for kind in SCHOOL_EVENT_KIND_NAMES),
)
# MeetingKind, in the standard sequence of a pair's meetings.
MEETING_KIND_NAMES = {
    "introduction": "встреча-знакомство",
    "trial": "пробная рабочая встреча",
    "planning": "встреча-планирование",
    "regular": "рабочая встреча",
    "final": "итоговая встреча",
}
MEETING_FORMAT_NAMES = {"in_person": "очно", "online": "дистанционно"}
# Side: who gave a meeting's feedback, who ended a pair.
SIDE_NAMES = {"mentor": "наставник", "mentee": "наставляемый", "school": "школа"}
# Basis: how a pair came about in matching.
BASIS_NAMES = {
    "suggested": "по предложению подбора",
    "chosen": "выбор куратора",
    "directive": "директивное назначение",
}
# A pair's status as the pages show it.
PAIR_STATUS_NAMES = {
    "proposed": "ждёт приказа",
    "active": "работает",
    "ended": "завершена",
    "dissolved": "отозвана",
}
# Outcome: how a pair's work ended.
OUTCOME_NAMES = {"completed": "завершена", "ended_early": "прекращена досрочно"}
EARLY_END_REASON_NAMES = {
    "relocation": "переезд, смена школы",
    "health": "состояние здоровья",
    "no_time": "нехватка времени",
    "incompatibility": "несовместимость участников",
    "lost_interest": "утрата интереса",
    "other": "другое",
}
# Purpose: what a survey is for.
PURPOSE_NAMES = {
    "entry_diagnostics": "входная диагностика",
    "exit_diagnostics": "итоговая диагностика",
    "mentee_satisfaction": "удовлетворённость наставляемого",
    "mentor_satisfaction": "удовлетворённость наставника",
    "curator": "анкета куратора",
    "swot": "SWOT-анализ программы",
    "other": "другая анкета",
}
NOMINATION_NAMES = {
    "mentor_of_the_year": "Наставник года",
    "best_pair": "Лучшая наставническая пара",
    "best_practice": "Лучшая практика наставничества",
}
AWARD_RESULT_NAMES = {
    "winner": "победитель",
    "prize": "призёр",
    "participant": "участник",
}
# What each stored event means, by its type, for a programme's history.
EVENT_NAMES = {
    "PROGRAMME_OPENED": "Программа открыта",
    "PROGRAMME_MEETING_RULE_SET": "Установлено правило частоты встреч",
    "PROGRAMME_STAGE_CHANGED": "Программа перешла на этап",
    "PROGRAMME_DESCRIBED": "Описание программы: сроки, цели, кураторы",
    "PROGRAMME_SUGGESTION_REJECTED": "Куратор отклонил предложенного наставника",
    "PAIR_FORMED": "Сформирована пара (группа)",
    "PAIR_APPROVED": "Пара утверждена приказом",
    "PAIR_DISSOLVED": "Пара отозвана",
    "PAIR_PLAN_DRAWN_UP": "Составлен индивидуальный план",
    "PAIR_PLAN_TASK_COMPLETED": "Выполнена задача плана",
    "PAIR_MEETING_RECORDED": "Записана встреча",
    "PAIR_FEEDBACK_GIVEN": "Дан отзыв о встрече",
    "PAIR_ENDED": "Работа пары завершена",
    "PAIRS_ORDER_ISSUED": "Издан приказ об утверждении пар",
    "MENTOR_LOAD_STARTED": "Учёт нагрузки наставника начат",
    "MENTOR_LOAD_ASSIGNED": "Наставнику назначен наставляемый",
    "MENTOR_LOAD_RELEASED": "Наставник освобождён от наставляемого",
    "SURVEY_RESPONSE_SUBMITTED": "Заполнена анкета",
    "PRACTICE_CASE_PROPOSED": "Предложена практика для базы лучших практик",
    "PRACTICE_CASE_PUBLISHED": "Практика опубликована",
    "CANDIDACY_NOMINATED": "Выдвинута кандидатура на конкурс",
    "CANDIDACY_DECIDED": "Решение по кандидатуре",
    "MOVED_WITH_SCHOOL": "Школа перешла в другой муниципалитет",
    "ACT_RECORDED": "Внесён акт в реестр актов",
    "ACT_REGISTER_NUMBER_TAKEN": "Номер акта занят в журнале регистрации",
    "ACT_REGISTER_OPENED": "Открыт реестр актов организации",
    "STAGE_SCHEME_WRITTEN": "Утверждена схема этапов школы",
    "STAGE_SCHEME_REWRITTEN": "Схема этапов школы изменена",
    "SCHOOL_EVENT_RECORDED": "Записано мероприятие школы",
}
# MarkKind: an act's approval marks, in their legal order.
MARK_NAMES = {"accepted": "Принято", "agreed": "Согласовано", "approved": "Утверждено"}
# SourceLevel: whose act an external basis is.
SOURCE_LEVEL_NAMES = {
    "federal": "федеральный",
    "regional": "региональный",
    "municipal": "муниципальный",
    "own": "организации",
}
# PointKind: what a point of an act decides.
POINT_KIND_NAMES = {
    "text": "пункт",
    "project_group": "состав проектной (рабочей) группы",
    "curators": "назначение кураторов",
    "assignment": "поручение",
    "responsible": "ответственный за исполнение",
    "control": "контроль за исполнением",
    "pairs": "утверждение наставнических пар (групп)",
    "mentor_register": "утверждение реестра наставников",
}
# A group's roles beside its two sides.
SUPPORTING_TEACHER = "сопровождающий педагог"


def class_name(label: str) -> str:
    """A class as an order and a page write it: «7А» → «7 «А» класс» (a label without a
    letter, or not starting with a number, is written as it is, with «класс»)."""
    number = label.rstrip("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯабвгдежзиклмнопрстуфхцчшщэюя ")
    letter = label[len(number) :].strip().upper()
    if number.isdigit() and letter:
        return f"{number} «{letter}» класс"
    return f"{label} класс"
