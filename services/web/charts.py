"""Charts of the indicators as SVG drawn on the server by pygal: inline in the page, with no
script and no file from the internet (pygal links its tooltip script from a CDN unless told
not to), so they show on a closed network and in a screenshot alike."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pygal
from pygal.style import Style

STYLE = Style(
    font_family="'PT Sans', 'Noto Sans', 'DejaVu Sans', sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#d9dee5",
    colors=("#1c5d99", "#e0a030", "#1d6b3a", "#a61b1b"),
    title_font_size=17,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    tooltip_font_size=12,
)
# pygal always writes its tooltip script's settings into the chart; without the script they do
# nothing, so the page carries no script at all.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
VALUE = "Значение"
TARGET = "Цель региона"


def _number(unit: str) -> Any:
    """«12,5 %» for shares, «7,8» for mean scores, «14» for counts."""

    def format_value(value: float | None) -> str:
        if value is None:
            return ""
        if unit == "человек":
            return f"{value:.0f}"
        text = f"{value:.1f}".replace(".", ",")
        return f"{text} %" if unit == "%" else text

    return format_value


def _axis(unit: str) -> Any:
    """Whole numbers on the axis: «20 %», «4»."""

    def format_tick(value: float) -> str:
        return f"{value:.0f} %" if unit == "%" else f"{value:.0f}"

    return format_tick


def _ticks(unit: str) -> list[int] | None:
    if unit == "%":
        return list(range(0, 101, 20))
    return None if unit == "человек" else list(range(0, 11, 2))


def _options(title: str, unit: str, labels: Sequence[str]) -> dict[str, Any]:
    return {
        "title": title,
        "x_labels": list(labels),
        "style": STYLE,
        "js": [],  # no tooltip script: it would come from the internet
        "disable_xml_declaration": True,  # inline in the page
        "width": 900,
        "height": 380,
        "legend_at_bottom": True,
        "print_values": True,
        "print_values_position": "top",
        "formatter": _number(unit),  # the values printed on the chart
        "value_formatter": _axis(unit),
        "y_labels": _ticks(unit),
        "range": (0, 100) if unit == "%" else (0, 10) if unit != "человек" else None,
        "margin_right": 50,
        "include_x_axis": True,
        "truncate_label": 40,
        "x_label_rotation": 20 if len(labels) > 4 else 0,
        "no_data_text": "Нет данных",
    }


def against_target(
    title: str,
    unit: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[float | None],
    horizontal: bool = False,
) -> str:
    """Bars of each value beside its target (план / факт); horizontal for long labels."""
    options = _options(title, unit, labels)
    if horizontal:
        options |= {"x_label_rotation": 0, "height": 110 + 60 * len(labels), "truncate_label": 60}
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(**options)
    chart.add(VALUE, list(values))
    if any(t is not None for t in targets):
        chart.add(TARGET, list(targets))
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def trend(
    title: str,
    unit: str,
    years: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[float | None],
) -> str:
    """A line over school years, with the target of each year where the region set one."""
    chart = pygal.Line(**_options(title, unit, years), dots_size=5)
    chart.add(VALUE, list(values))
    if any(t is not None for t in targets):
        chart.add(TARGET, list(targets), stroke_style={"dasharray": "6, 4"})
    return _SCRIPT.sub("", chart.render(is_unicode=True))
