"""The field's dictionaries that every service speaks (see DOMAIN.md): kept separate, as the
methodology keeps them. Values are stable codes; Russian names are for people."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec


class MentoringForm(StrEnum):
    """Форма наставничества: who mentors whom."""

    STUDENT_STUDENT = "student_student"
    TEACHER_STUDENT = "teacher_student"
    UNIVERSITY_STUDENT_STUDENT = "university_student_student"
    EMPLOYER_STUDENT = "employer_student"
    EMPLOYER_UNIVERSITY_STUDENT = "employer_university_student"
    TEACHER_YOUNG_SPECIALIST = "teacher_young_specialist"
    TEACHER_TEACHER = "teacher_teacher"
    DIRECTOR_TEACHER = "director_teacher"


FORM_NAMES = {
    MentoringForm.STUDENT_STUDENT: "ученик – ученик",
    MentoringForm.TEACHER_STUDENT: "учитель – ученик",
    MentoringForm.UNIVERSITY_STUDENT_STUDENT: "студент – ученик",
    MentoringForm.EMPLOYER_STUDENT: "работодатель – ученик",
    MentoringForm.EMPLOYER_UNIVERSITY_STUDENT: "работодатель – студент",
    MentoringForm.TEACHER_YOUNG_SPECIALIST: "педагог – молодой специалист",
    MentoringForm.TEACHER_TEACHER: "педагог – педагог",
    MentoringForm.DIRECTOR_TEACHER: "руководитель ОО – педагог",
}


class MenteeCategory(StrEnum):
    # students
    OUTSTANDING_ABILITIES = "outstanding_abilities"
    LOW_RESULTS = "low_results"
    DISABILITIES = "disabilities"
    DIFFICULT_SITUATION = "difficult_situation"
    BEHAVIOUR_PROBLEMS = "behaviour_problems"
    DETACHED = "detached"
    ON_REGISTER = "on_register"
    # teachers ("молодой специалист" is derived from the career start, never typed in)
    AFTER_BREAK = "after_break"
    NEW_WORKPLACE = "new_workplace"
    GROWTH_DIRECTION = "growth_direction"
    ICT_SKILLS = "ict_skills"
    BURNOUT = "burnout"
    OTHER_DEFICITS = "other_deficits"
    TRAINEE = "trainee"


CATEGORY_NAMES = {
    MenteeCategory.OUTSTANDING_ABILITIES: "проявляющий выдающиеся способности",
    MenteeCategory.LOW_RESULTS: "с низкими образовательными результатами",
    MenteeCategory.DISABILITIES: "с ОВЗ",
    MenteeCategory.DIFFICULT_SITUATION: "в трудной жизненной ситуации",
    MenteeCategory.BEHAVIOUR_PROBLEMS: "с проблемами поведения",
    MenteeCategory.DETACHED: "отстранённый от коллектива",
    MenteeCategory.ON_REGISTER: "состоящий на учёте",
    MenteeCategory.AFTER_BREAK: "после длительного перерыва в работе",
    MenteeCategory.NEW_WORKPLACE: "на новом месте работы",
    MenteeCategory.GROWTH_DIRECTION: "желающий развиваться в направлении",
    MenteeCategory.ICT_SKILLS: "желающий овладеть ИКТ",
    MenteeCategory.BURNOUT: "в состоянии эмоционального выгорания",
    MenteeCategory.OTHER_DEFICITS: "с иными профессиональными дефицитами",
    MenteeCategory.TRAINEE: "стажёр",
}


# A school year runs 1 September – 31 August and is named "2025/26".
SchoolYear = Annotated[str, msgspec.Meta(pattern=r"^\d{4}/\d{2}$", examples=["2025/26"])]
SCHOOL_YEAR_STARTS_MONTH = 9

# The months as a date is written in words: «30 августа 2023 г.».
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def school_year_of(day: date) -> str:
    """«2025/26» for any day from 1 September 2025 to 31 August 2026."""
    start = day.year if day.month >= SCHOOL_YEAR_STARTS_MONTH else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"
