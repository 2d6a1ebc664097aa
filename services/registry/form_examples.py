"""Ready forms a region, institute or municipality may start from: the self-audit checklist of
the regulation (seed S1, twelve items), a list of the documents a school must have with
sub-requirements (as the Kuzbass monitoring asks them, 1.1–1.5), and a school's form of links,
numbers and values the platform computes. Plain data in the shape `draft_form` takes."""

from __future__ import annotations

from typing import Any

from shared.indicators import SELF_AUDIT_ITEMS, WEBSITE_ITEM


def _item(number: str, text: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"number": number, "text": text, "kind": kind, **more}


S1_CHECKLIST: dict[str, Any] = {
    "title": "Чек-лист самоаудита Положения о системе наставничества ОО",
    "sections": [
        {
            "number": "1",
            "title": "Положение о системе наставничества",
            "items": [
                _item(str(n), text, "link" if n == WEBSITE_ITEM else "yes_no")
                for n, text in SELF_AUDIT_ITEMS.items()
            ],
        }
    ],
}

DOCUMENT_LIST: dict[str, Any] = {
    "title": "Перечень документов по внедрению целевой модели наставничества в ОО",
    "sections": [
        {
            "number": "1",
            "title": "Нормативные документы образовательной организации",
            "items": [
                _item("1.1", "Приказ о внедрении целевой модели наставничества", "link"),
                _item("1.2", "Положение о системе наставничества в ОО", "link"),
                _item("1.3", "Дорожная карта внедрения целевой модели наставничества", "link"),
                _item("1.4", "Приказ о назначении куратора внедрения целевой модели", "link"),
                _item(
                    "1.5",
                    "Программа наставничества ОО",
                    "yes_no",
                    requirements=[
                        {"number": "1.5.1", "text": "Указаны формы наставничества"},
                        {"number": "1.5.2", "text": "Описаны ожидаемые результаты"},
                        {"number": "1.5.3", "text": "Определены показатели мониторинга"},
                        {"number": "1.5.4", "text": "Приложены персонализированные программы"},
                    ],
                ),
            ],
        }
    ],
}

SCHOOL_FORM: dict[str, Any] = {
    "title": "Мониторинг реализации целевой модели наставничества в ОО",
    "sections": [
        {
            "number": "1",
            "title": "Документы на сайте ОО",
            "items": [
                _item("1", "Ссылка на раздел «Наставничество» сайта ОО", "link"),
                _item("2", "Ссылка на приказ об утверждении программы наставничества", "link"),
            ],
        },
        {
            "number": "2",
            "title": "Участники",
            "items": [
                _item("3", "Число наставников в утверждённых парах", "computed", source="mentors"),
                _item("4", "Число наставляемых в утверждённых парах", "computed", source="mentees"),
                _item(
                    "5",
                    "Доля обучающихся, вовлечённых в наставничество, %",
                    "computed",
                    source="students_involved",
                ),
                _item("6", "Число наставников из организаций-партнёров", "number"),
            ],
        },
        {
            "number": "3",
            "title": "Реализация",
            "items": [
                _item(
                    "7",
                    "Издан приказ о внедрении целевой модели",
                    "computed",
                    source="implementation_order",
                ),
                _item("8", "Выполнение дорожной карты, %", "computed", source="roadmap_completion"),
                _item(
                    "9",
                    "Формат наставничества, преобладающий в ОО",
                    "choice",
                    options=["очный", "дистанционный", "смешанный"],
                ),
                _item("10", "Дата последнего заседания совета наставников", "date"),
                _item("11", "Трудности и предложения", "text", required=False),
            ],
        },
    ],
}

EXAMPLES = {"s1": S1_CHECKLIST, "documents": DOCUMENT_LIST, "school": SCHOOL_FORM}
