"""Every problem of a payload at once (shared/adapters/validation.py), in memory."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from shared.adapters.validation import every_problem


class Task(msgspec.Struct):
    title: str
    due_on: date


class Plan(msgspec.Struct):
    hours: Annotated[int, msgspec.Meta(ge=1)]
    starts_on: date
    tasks: list[Task] = []
    mentor: Task | None = None


def test_every_field_that_does_not_fit_is_named_with_its_path() -> None:
    raw = {
        "hours": 0,
        "tasks": [{"title": "Экзамен", "due_on": "2026-05-20"}, {"title": "Итог", "due_on": "май"}],
        "mentor": {"due_on": "2026-01-01"},
    }

    problems = every_problem(raw, Plan)

    assert [p["field"] for p in problems] == [
        "hours",
        "starts_on",
        "tasks[1].due_on",
        "mentor.title",
    ]
    assert "missing required field" in str(problems[1]["problem"])


def test_a_payload_that_fits_has_no_problems() -> None:
    assert every_problem({"hours": 3, "starts_on": "2026-09-01"}, Plan) == []
    assert every_problem("не объект", Plan) == [
        {"field": None, "problem": "Expected `object`, got `str`"}
    ]
