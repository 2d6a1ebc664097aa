"""Forms: what a person typed, turned into a command's payload, and a refusal turned back into
messages beside the fields. The services validate; this module only translates their answers
(msgspec's English problems, the codes of the domain's rules) into Russian and places them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar.datastructures import FormMultiDict

from .backend import FORM_KEY_FIELD, Refused

FORM_LEVEL = ""  # the key of messages shown above the form rather than beside a field


@dataclass
class Form:
    """The values as typed (to show them again) and the messages by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: FormMultiDict, lists: tuple[str, ...] = ()) -> Form:
        hidden = ("_csrf_token", FORM_KEY_FIELD)
        values: dict[str, Any] = {k: str(v).strip() for k, v in data.items() if k not in hidden}
        for name in lists:
            values[name] = [str(v) for v in data.getall(name, [])]
        return cls(values=values)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return str(value) if value else None

    def number(self, name: str) -> int | str | None:
        """An integer when it is one; otherwise as typed, for the service to name the field."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return value

    def day(self, name: str) -> str | None:
        """ISO dates as a date field sends them; «дд.мм.гггг» typed where it is a text field."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return datetime.strptime(value, "%d.%m.%Y").date().isoformat()
        except ValueError:
            return value

    def words(self, name: str) -> list[str]:
        """A comma-separated list typed into one field."""
        return [
            w.strip() for w in (self.text(name) or "").replace(";", ",").split(",") if w.strip()
        ]

    def lines(self, name: str) -> list[str]:
        """A list typed one item a line into a text area."""
        return [line.strip() for line in (self.text(name) or "").splitlines() if line.strip()]

    def choices(self, name: str) -> list[str]:
        value = self.values.get(name) or []
        return list(value) if isinstance(value, list) else [str(value)]

    def require(self, *names: str) -> bool:
        """Required fields left empty get their message here, before any command is sent."""
        for name in names:
            if not self.values.get(name):
                self.errors[name] = "Заполните поле"
        return not self.errors

    def refused(
        self,
        refusal: Refused,
        fields: Mapping[str, str] | None = None,
        codes: Mapping[str, str] | None = None,
    ) -> Form:
        """Place a service's refusal: payload paths by `fields`, rule codes by `codes`; the
        rest above the form."""
        self.errors.update(field_errors(refusal, fields or {}, codes or {}))
        return self


def field_errors(
    refusal: Refused, fields: Mapping[str, str], codes: Mapping[str, str]
) -> dict[str, str]:
    problems = refusal.details.problems if refusal.code == "invalid_payload" else None
    if not problems:
        return {codes.get(refusal.code, FORM_LEVEL): refusal.message}
    errors: dict[str, str] = {}
    for problem in problems:
        path = problem.field or ""
        item = _ITEM.match(path)  # `tasks[1].due_on`: the second line of the field `tasks`
        root = item.group(1) if item else path.split(".")[0]
        name = fields.get(path, fields.get(root, FORM_LEVEL))
        message = russian(problem.problem)
        if item:
            message = f"Строка {int(item.group(2)) + 1}: {message[0].lower()}{message[1:]}"
        errors.setdefault(name, message)
    return errors


_ITEM = re.compile(r"^(\w+)\[(\d+)\]")


_BOUND = re.compile(r"`(?:int|float)` (>=|<=|>|<) (-?\d+)")
_LENGTH = re.compile(r"of length (>=|<=) (\d+)")


def russian(problem: str) -> str:
    """msgspec's validation message in the words of a form."""
    if "missing required field" in problem:
        return "Заполните поле"
    if "date" in problem:
        return "Укажите дату в формате ДД.ММ.ГГГГ"
    if bound := _BOUND.search(problem):
        sign, number = bound.groups()
        return f"Не меньше {number}" if sign.startswith(">") else f"Не больше {number}"
    if "Expected `int`" in problem or "Expected `float`" in problem:
        return "Укажите число"
    if "`array` of length >= 1" in problem:
        return "Выберите хотя бы одно значение"
    if length := _LENGTH.search(problem):
        sign, number = length.groups()
        if sign == ">=":
            return "Заполните поле" if number == "1" else f"Не короче {number} символов"
        return f"Не длиннее {number} символов"
    if "Invalid enum value" in problem or "uuid" in problem.lower():
        return "Выберите значение из списка"
    return "Неверное значение"
