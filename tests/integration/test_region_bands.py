"""A region's own age band for pupils as mentees instead of the federal 10–18 changes that
region's «доля обучающихся 10–18 лет» (the known answers of `tests/generated_region.py` with the
band) and no other region's. The generated region's youngest mentees are 12 and 13, so 11–18
would count the same ones as 10–18: the band here is 14–18."""

from __future__ import annotations

from typing import Any

from shared.kernel.principal import Role
from tests.conftest import Api
from tests.generated_region import ON, SCHOOLS, YEAR, GeneratedRegion, generated_region

MENTEES = """query($year: String!, $on: Date) { indicators(schoolYear: $year, on: $on) {
  rows { code numerator denominator value } } }"""
BAND = (14, 18)


async def _mentees_share(region: GeneratedRegion) -> tuple[Any, Any, Any]:
    officer = region.world.token(Role.REGION_OFFICER, "region")
    answer = await region.world.api.graphql(officer, MENTEES, year=YEAR, on=str(ON))
    [row] = [r for r in answer["data"]["indicators"]["rows"] if r["code"] == "mentees_10_18"]
    return row["numerator"], row["denominator"], row["value"]


async def test_a_region_s_own_band_changes_its_region_s_share_and_no_other(api: Api) -> None:
    banded, other = await generated_region(api), await generated_region(api)
    federal = banded.expected(set(SCHOOLS))["mentees_10_18"]
    own = banded.expected(set(SCHOOLS), bands={"mentees_10_18": BAND})["mentees_10_18"]
    assert own[0] < federal[0]  # mentees aged 12–13 exist: the band matters
    assert await _mentees_share(banded) == (federal[0], federal[1], federal[2])

    await api.command(
        "registry",
        f"/regions/{banded.world.ids['region']}/indicator-bands",
        banded.world.token(Role.REGION_OFFICER, "region"),
        {"school_year": YEAR, "bands": {"mentees_10_18": {"age_from": BAND[0], "age_to": BAND[1]}}},
        expect=200,
        method="PUT",
    )

    numerator, denominator, value = await _mentees_share(banded)
    assert (numerator, denominator) == own[:2]
    assert value == round(own[2], 2)
    unchanged = other.expected(set(SCHOOLS))["mentees_10_18"]
    assert (await _mentees_share(other))[:2] == unchanged[:2]
