"""Searching by name as people type names: case-blind and with «ё» read as «е» («Федоров»
finds «Фёдоров»), the typed «%» and «_» taken literally."""

from __future__ import annotations


def folded(text: str) -> str:
    return text.lower().replace("ё", "е")


def folded_sql(column: str) -> str:
    """The SQL of a column folded as `folded` folds the search."""
    return f"translate(lower({column}), 'ё', 'е')"


def name_pattern(search: str) -> str:
    """A LIKE pattern (escape `\\`) for names containing the search."""
    escaped = folded(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
