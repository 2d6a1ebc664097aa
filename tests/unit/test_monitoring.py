"""The region's indicator targets and a school's contingent: every refusal stores nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from services.registry.application import Contingent
from shared.kernel.errors import AppError
from shared.kernel.principal import Role

from .conftest import School, stored

YEAR = "2025/26"
GOOD = Contingent(students=100, students_10_18=60, students_15_19=30, teachers=20, young_teachers=3)


def targets_refusal(school: School, role: Role, region: str, targets: dict[str, Any]) -> str:
    officer = school.staff(role, path=school.region_path)
    organisation = school.region if region == "region" else school.municipality
    with pytest.raises(AppError) as refused:
        school.registry.set_indicator_targets(officer, organisation, YEAR, targets)
    return refused.value.code


@pytest.mark.parametrize(
    ("role", "region", "targets", "code"),
    [
        (Role.MUNICIPALITY_OFFICER, "region", {"mentees_10_18": 50}, "role_not_allowed"),
        (Role.REGION_OFFICER, "region", {"happiness": 50}, "unknown_indicator"),
        (Role.REGION_OFFICER, "region", {"mentees_10_18": 150}, "target_out_of_range"),
        (Role.REGION_OFFICER, "region", {"mentee_satisfaction": 0}, "target_out_of_range"),
        (Role.REGION_OFFICER, "region", {}, "no_targets"),
        (Role.REGION_OFFICER, "region", {"mentees_10_18": 40}, "targets_unchanged"),
        (Role.REGION_OFFICER, "municipality", {"mentees_10_18": 40}, "not_a_region"),
    ],
)
def test_targets_refusals_store_nothing(
    school: School, role: Role, region: str, targets: dict[str, Any], code: str
) -> None:
    officer = school.staff(Role.REGION_OFFICER, path=school.region_path)
    school.registry.set_indicator_targets(officer, school.region, YEAR, {"mentees_10_18": 40})
    before = stored(school)

    assert targets_refusal(school, role, region, targets) == code
    assert stored(school) == before


@pytest.mark.parametrize(
    ("role", "bands", "code"),
    [
        (Role.MUNICIPALITY_OFFICER, {"mentees_10_18": (11, 18)}, "role_not_allowed"),
        (Role.REGION_OFFICER, {"mentees_10_18": (18, 11)}, "band_reversed"),
        (Role.REGION_OFFICER, {"mentees_10_18": (3, 18)}, "band_out_of_range"),
        (Role.REGION_OFFICER, {"students_involved": (11, 18)}, "no_age_band"),
        (Role.REGION_OFFICER, {}, "no_bands"),
        (Role.REGION_OFFICER, {"mentees_10_18": (11, 18)}, "bands_unchanged"),
        (Role.REGION_OFFICER, {"mentors_15_19": (15, 19)}, "bands_unchanged"),  # the federal one
    ],
)
def test_band_refusals_store_nothing(
    school: School, role: Role, bands: dict[str, tuple[int, int]], code: str
) -> None:
    officer = school.staff(Role.REGION_OFFICER, path=school.region_path)
    school.registry.set_indicator_bands(officer, school.region, YEAR, {"mentees_10_18": (11, 18)})
    before = stored(school)

    with pytest.raises(AppError) as refused:
        school.registry.set_indicator_bands(
            school.staff(role, path=school.region_path), school.region, YEAR, bands
        )
    assert refused.value.code == code
    assert stored(school) == before


@pytest.mark.parametrize(
    ("role", "other", "changes", "code"),
    [
        (Role.SCHOOL_COORDINATOR, True, {}, "out_of_scope"),
        (Role.MUNICIPALITY_OFFICER, False, {}, "role_not_allowed"),
        (Role.SCHOOL_COORDINATOR, False, {"students_10_18": 101}, "band_exceeds_students"),
        (Role.SCHOOL_COORDINATOR, False, {"young_teachers": 21}, "young_exceed_teachers"),
        (
            Role.SCHOOL_COORDINATOR,
            False,
            {"monitoring_from": date(2026, 10, 1)},
            "window_outside_year",
        ),
    ],
)
def test_contingent_refusals_store_nothing(
    school: School, role: Role, other: bool, changes: dict[str, Any], code: str
) -> None:
    before = stored(school)

    with pytest.raises(AppError) as refused:
        school.registry.record_contingent(
            school.staff(role, other=other), school.id, YEAR, replace(GOOD, **changes)
        )

    assert refused.value.code == code
    assert stored(school) == before


def test_a_school_records_its_contingent(school: School) -> None:
    school.registry.record_contingent(school.staff(), school.id, YEAR, GOOD)
    again = replace(GOOD, students=120)

    assert school.registry.record_contingent(school.staff(), school.id, YEAR, again) > 0
