"""A roadmap entered as written on the in-memory store: blocks mapped to a stage or to none,
numbered activities keeping their deadline words, all stored or none; old events upcast."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from services.programs.deadlines import Point
from services.programs.domain import (
    Deadline,
    DeadlineKind,
    FactKind,
    Fulfilment,
    Implementation,
    ItemStatus,
    RoadmapBlock,
    RoadmapItem,
    Stage,
    WrittenRoadmap,
    parse_deadline,
    read_deadline,
)
from shared.kernel.errors import RuleViolated
from tests.roadmap_seeds import KOVROV, SeedRoadmap
from tests.unit.conftest import School, stored


def _issue_order(school: School, roadmap: SeedRoadmap) -> None:
    school.programs.issue_implementation_order(
        school.staff(), school.id, "234-а", roadmap.starts, roadmap.starts, roadmap.ends
    )


def _written(roadmap: SeedRoadmap) -> tuple[WrittenRoadmap, list[RoadmapItem]]:
    blocks = WrittenRoadmap(
        tuple(RoadmapBlock(n, t, None if s is None else Stage(s)) for n, t, s in roadmap.blocks),
        roadmap.title,
    )
    items = [
        RoadmapItem(
            stage=None,
            activity=activity,
            deadline=read_deadline(words, number),
            responsible=(responsible,) if responsible else (),
            expected_result=result,
            number=number,
            block=number.split(".")[0],
        )
        for number, activity, words, responsible, result in roadmap.rows
    ]
    return blocks, items


def test_the_kovrov_roadmap_goes_in_as_written(school: School) -> None:
    _issue_order(school, KOVROV)
    blocks, items = _written(KOVROV)

    school.programs.enter_roadmap(school.staff(), school.id, blocks, items)

    implementation = school.programs.load(Implementation, Implementation.id_for(school.id), "")
    kept = sorted(
        implementation.items.values(), key=lambda i: [int(n) for n in i.number.split(".")]
    )
    assert [(i.number, i.deadline.words) for i in kept] == [(r[0], r[2]) for r in KOVROV.rows]
    assert {i.block: i.stage for i in kept} == {
        "1": Stage.PREPARING_CONDITIONS,
        "2": Stage.MENTEE_BASE,
        "3": Stage.MENTOR_BASE,
        "4": Stage.FORMING_PAIRS,
        "5": Stage.WORK_OF_PAIRS,
        "6": Stage.MENTOR_SELECTION_AND_TRAINING,
        "7": Stage.COMPLETION,
        "8": None,
        "9": None,
    }
    assert implementation.blocks["9"].title == "Мониторинг и оценка результатов внедрения ЦМН"


def test_a_roadmap_is_stored_whole_or_not_at_all(school: School) -> None:
    _issue_order(school, KOVROV)
    blocks, items = _written(KOVROV)
    before = stored(school)

    with pytest.raises(RuleViolated) as no_block:
        school.programs.enter_roadmap(
            school.staff(), school.id, replace(blocks, blocks=blocks.blocks[:-1]), items
        )  # block 9 left out
    with pytest.raises(RuleViolated) as repeated:
        school.programs.enter_roadmap(school.staff(), school.id, blocks, [*items, items[0]])
    with pytest.raises(RuleViolated) as unread:
        read_deadline("когда-нибудь", "items[3].deadline")

    assert stored(school) == before
    assert (no_block.value.code, no_block.value.details["field"]) == (
        "block_not_found",
        f"items[{len(items) - 4}].block",
    )
    assert repeated.value.code == "item_number_repeated"
    assert unread.value.details["field"] == "items[3].deadline"
    assert "«когда-нибудь»" in unread.value.message
    school.programs.enter_roadmap(school.staff(), school.id, blocks, items)
    with pytest.raises(RuleViolated) as again:
        school.programs.enter_roadmap(school.staff(), school.id, blocks, items)
    assert again.value.code == "roadmap_not_empty"


def test_a_yearly_activity_reports_progress_per_school_year(school: School) -> None:
    _issue_order(school, KOVROV)
    blocks, items = _written(KOVROV)
    school.programs.enter_roadmap(school.staff(), school.id, blocks, items[:8])
    implementation = school.programs.load(Implementation, Implementation.id_for(school.id), "")
    by_number = {i.number: item_id for item_id, i in implementation.items.items()}

    with pytest.raises(RuleViolated) as no_year:
        school.programs.report_roadmap_progress(
            school.staff(),
            school.id,
            by_number["2.1"],
            ItemStatus.DONE,
            None,
            date(2021, 9, 20),
            "",
        )
    school.programs.report_roadmap_progress(
        school.staff(), school.id, by_number["1.1"], ItemStatus.DONE, None, date(2020, 10, 20), ""
    )
    settled = replace(items[0], deadline=read_deadline("Ноябрь 2020", "deadline"))
    school.programs.change_roadmap_item(school.staff(), school.id, by_number["1.1"], settled)
    changed = school.programs.load(Implementation, Implementation.id_for(school.id), "")

    assert no_year.value.code == "school_year_missing"
    assert changed.items[by_number["1.1"]].deadline.words == "Ноябрь 2020"
    assert changed.items[by_number["1.1"]].stage == Stage.PREPARING_CONDITIONS


def test_an_activity_names_the_fact_that_fulfils_it(school: School) -> None:
    _issue_order(school, KOVROV)
    blocks, items = _written(KOVROV)
    order = Fulfilment(FactKind.ACT, "implementation_order")
    known = [replace(items[0], fulfilled_by=order), *items[1:3]]
    unknown = replace(items[2], fulfilled_by=Fulfilment(FactKind.BASE, "parents"))
    before = stored(school)

    with pytest.raises(RuleViolated) as refused:
        school.programs.enter_roadmap(school.staff(), school.id, blocks, [*known[:2], unknown])
    assert stored(school) == before
    school.programs.enter_roadmap(school.staff(), school.id, blocks, known)
    implementation = school.programs.load(Implementation, Implementation.id_for(school.id), "")

    assert (refused.value.code, refused.value.details["field"]) == (
        "fulfilment_unknown",
        "items[2].fulfilled_by",
    )
    assert {i.number: i.fulfilled_by for i in implementation.items.values()} == {
        "1.1": order,
        "1.2": None,
        "1.3": None,
    }


def test_a_version_2_item_is_fulfilled_by_hand_alone() -> None:
    stored_v2 = {"item": _v1_item({}) | {"number": "1.1", "block": "1"}}

    Implementation.RoadmapItemAdded.upcast_v2_v3(stored_v2)

    assert stored_v2["item"]["fulfilled_by"] is None


def _v1_item(deadline: dict[str, Any]) -> dict[str, Any]:
    return {
        "stage": 2,
        "activity": "Сбор согласий",
        "deadline": {"on": None, "month": None, "day": None} | deadline,
        "responsible": [],
        "expected_result": "",
        "control_point": False,
    }


@pytest.mark.parametrize(
    "event", [Implementation.RoadmapItemAdded, Implementation.RoadmapItemChanged]
)
def test_old_roadmap_events_are_upcast(event: Any) -> None:
    """Version 1 stored a date or «day.month each school year», no number and no block."""
    dated, yearly = (
        {"item": _v1_item({"on": date(2024, 10, 15)})},
        {"item": _v1_item({"month": 9, "day": 30})},
    )
    event.upcast_v1_v2(dated)
    event.upcast_v1_v2(yearly)

    assert Deadline.from_dict(dated["item"]["deadline"]) == parse_deadline("15.10.2024")
    upcast = Deadline.from_dict(yearly["item"]["deadline"])
    assert (upcast.words, upcast.kind) == ("до 30.09 каждого учебного года", DeadlineKind.YEARLY)
    assert (upcast.last, dated["item"]["number"], dated["item"]["block"]) == (
        Point(None, 9, 30),
        "",
        "",
    )
