"""The municipality's and the institute's pages on a generated region whose true figures are
known: the schools of their scope side by side, sorted and filtered, a school's aggregates, the
self-audit reviewed with a recommendation, the regional base of mentors; and what they may not
open."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shared.kernel.principal import Role
from tests.conftest import Api, World
from tests.generated_region import SCHOOLS as SCHOOLS_OF_REGION
from tests.generated_region import YEAR, GeneratedRegion, generated_region
from tests.web_support import WebClient

END = date(2026, 8, 31)  # the school year is over: figures on its last day


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    built = await generated_region(api)
    await _self_audits(built.world)
    return built


async def _self_audits(world: World) -> None:
    """s1 answers every item achieved but the third; s2 answers nothing."""
    items = [{"item": n, "achieved": n != 3} for n in range(1, 13)]
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/self-audit",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"school_year": YEAR, "items": items, "page_url": "https://s1.example.ru/mentoring"},
        expect=200,
        method="PUT",
    )


async def _signed_in(web: WebClient, world: World, role: Role, key: str) -> None:
    await web.sign_in(world.token(role, key))


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "&nbsp;%"


def _school_rows(html: str) -> list[str]:
    """The school names of the comparison table, in order."""
    return re.findall(r'<td><a href="/monitoring/schools/[^"]+">([^<]+)</a>', html)


async def test_a_municipality_compares_its_own_schools_with_their_true_figures(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    response = await web.get(f"/monitoring/schools?year={YEAR}")

    assert response.status_code == 200, response.text
    assert _school_rows(response.text) == ["Школа № 1", "Школа № 2"]  # not № 3 of m2
    for school in ("s1", "s2"):
        coverage = region.expected({school}, END)["students_involved"][2]
        assert _percent(coverage) in response.text
    assert "Сравнение школ" in response.text


async def test_sorting_by_coverage_and_filtering_keep_each_other(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.REGION_OFFICER, "region")
    coverage = {
        name: region.expected({key}, END)["students_involved"][2]
        for key, name in (("s1", "Школа № 1"), ("s2", "Школа № 2"))
    }

    response = await web.get(f"/monitoring/schools?year={YEAR}&sort=coverage&desc=1")

    rows = _school_rows(response.text)
    with_value = [name for name in rows if name in coverage]
    assert with_value == sorted(coverage, key=lambda n: coverage[n], reverse=True)
    assert rows[-1] == "Школа № 3"  # no contingent: no coverage, always last
    low = min(coverage.values())
    filtered = await web.get(
        f"/monitoring/schools?year={YEAR}&sort=coverage&desc=1&min_coverage={low + 0.01:.2f}"
    )
    assert len(_school_rows(filtered.text)) == 1
    # the sort links keep the filter
    assert "min_coverage=" in re.search(
        r'href="(/monitoring/schools\?[^"]*sort=name[^"]*)"', filtered.text
    ).group(1)  # type: ignore[union-attr]


async def test_a_bad_filter_comes_back_beside_its_field_with_the_value_kept(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    response = await web.get(f"/monitoring/schools?year={YEAR}&min_coverage=много&max_coverage=150")

    assert response.status_code == 400
    assert 'value="много"' in response.text
    assert 'value="150"' in response.text
    assert response.text.count("Укажите число от 0 до 100") == 2
    assert _school_rows(response.text) == ["Школа № 1", "Школа № 2"]  # shown unfiltered


async def test_a_school_drill_down_shows_aggregates_and_no_names(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    response = await web.get(f"/monitoring/schools/{world.ids['s1']}?year={YEAR}")

    assert response.status_code == 200, response.text
    assert "Школа № 1" in response.text
    assert "Дорожная карта" in response.text
    completion = region.roadmap_completion({"s1"})
    assert completion is not None
    assert _percent(completion) in response.text
    assert "Доля обучающихся, вовлечённых в наставничество" in response.text
    for name in region.names:
        assert name not in response.text


async def test_another_municipality_s_school_answers_a_russian_404(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    for path in (
        f"/monitoring/schools/{world.ids['s3']}?year={YEAR}",
        f"/monitoring/self-audits/{world.ids['s3']}?year={YEAR}",
    ):
        response = await web.get(path)
        assert response.status_code == 404, path
        assert "Страница не найдена" in response.text
        assert "другой организации" in response.text
        assert "Школа № 3" not in response.text


async def test_pages_of_other_roles_answer_403(web: WebClient, region: GeneratedRegion) -> None:
    world = region.world
    await _signed_in(web, world, Role.SCHOOL_COORDINATOR, "s1")
    assert (await web.get("/monitoring/schools")).status_code == 403
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")
    refused = await web.get("/monitoring/register")
    assert refused.status_code == 403
    assert "Нет доступа" in refused.text


async def test_a_municipality_reviews_a_self_audit_item_with_a_recommendation(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")
    listing = await web.get(f"/monitoring/self-audits?year={YEAR}&gaps=yes")
    assert "Школа № 2" in listing.text  # answered nothing: twelve gaps
    assert "12 из 12" in listing.text
    page = await web.get(f"/monitoring/self-audits/{world.ids['s1']}?year={YEAR}")
    assert "https://s1.example.ru/mentoring" in page.text
    path = f"/monitoring/self-audits/{world.ids['s1']}/reviews"
    advice = "Опишите формы педагог – педагог"

    missing = await web.submit(path, {"year": YEAR, "item": "5", "recommendation": advice})

    assert missing.status_code == 400
    assert "Отметьте, выполнен ли пункт" in missing.text
    assert advice in missing.text  # kept
    done = await web.submit(
        path, {"year": YEAR, "item": "5", "achieved": "no", "recommendation": advice}
    )
    assert done.status_code == 303
    shown = await web.get(done.headers["location"])
    assert "Проверка пункта 5 сохранена" in shown.text
    item = shown.text.split('id="item-5"')[1].split("</li>")[0]
    assert advice in item
    assert "пробел" in item


async def test_a_too_long_recommendation_is_refused_beside_its_field(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.INSTITUTE_METHODOLOGIST, "region")
    await web.get(f"/monitoring/self-audits/{world.ids['s1']}?year={YEAR}")

    response = await web.submit(
        f"/monitoring/self-audits/{world.ids['s1']}/reviews",
        {"year": YEAR, "item": "2", "achieved": "yes", "recommendation": "я" * 4001},
    )

    assert response.status_code == 400
    assert "Рекомендация не длиннее 4000 символов" in response.text
    assert "Traceback" not in response.text


async def test_the_institute_browses_the_regional_base_and_its_courses(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    mentor = next(
        p for p in region.people if p.school == "s1" and p.kind == "teacher" and p.role == "mentor"
    )
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.command(
        "registry",
        f"/people/{mentor.id}/mentor-questionnaire",
        director,
        {"competences": ["математика"], "interests": [], "hours_per_month": 4, "capacity": 1},
        expect=200,
        method="PUT",
    )
    await world.api.command(
        "registry",
        f"/people/{mentor.id}/mentor-interview",
        director,
        {"held_on": "2025-09-20", "recommended": True},
        expect=200,
    )
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/mentor-registers",
        director,
        {
            "school_year": YEAR,
            "order_number": "7-о",
            "order_date": "2025-10-01",
            "mentor_ids": [mentor.id],
        },
    )
    await _signed_in(web, world, Role.INSTITUTE_METHODOLOGIST, "region")

    response = await web.get(f"/monitoring/register?q={mentor.name.split()[0]}")

    assert response.status_code == 200
    assert mentor.name in response.text
    assert "№ 7-о от 01.10.2025" in response.text
    assert "Школа наставника" in response.text  # the course list


async def test_the_region_sees_its_indicators_against_targets_as_tables_and_charts(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.REGION_OFFICER, "region")

    response = await web.get(f"/region/indicators?year={YEAR}&indicator=students_involved")

    assert response.status_code == 200, response.text
    html = response.text
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 3  # the region and its targets, by municipality, over the years
    by_municipality = charts[1]
    assert "Первый округ" in by_municipality
    assert "Второй округ" in by_municipality
    assert "Цель региона" in by_municipality
    assert "<li>Второй округ: Школа № 3</li>" in html  # never started: no contingent, no roadmap
    expected = region.expected(set(SCHOOLS_OF_REGION), END)["students_involved"][2]
    assert _percent(expected) in html
    assert f"{expected:.1f}".replace(".", ",") + " %" in charts[0]  # the bar's printed value
    assert "2025/26" in charts[2]
    for chart in charts:
        assert "<script" not in chart  # nothing fetched from the internet
        assert 'href="http' not in chart


def _by_giver(by_giver: dict[str, tuple[int, int, float | None]]) -> str:
    """How the pages say who gave a satisfaction indicator's ratings."""

    def mean(value: float | None) -> str:
        return "нет данных" if value is None else f"{value:.1f}".replace(".", ",")

    (_, own, own_mean), (_, staff, staff_mean) = by_giver["own"], by_giver["staff"]
    return (
        f"Оценки самих участников: {own}, средняя {mean(own_mean)}; внесены сотрудниками:"
        f" {staff}, средняя {mean(staff_mean)}"
    )


@pytest.mark.parametrize(
    ("role", "key", "page", "schools"),
    [
        (Role.REGION_OFFICER, "region", f"/region/indicators?year={YEAR}", set(SCHOOLS_OF_REGION)),
        (Role.MUNICIPALITY_OFFICER, "m1", "/monitoring/schools/{s1}?year=" + YEAR, {"s1"}),
    ],
)
async def test_satisfaction_shows_participants_own_scores_apart_from_staff_entered(
    web: WebClient, region: GeneratedRegion, role: Role, key: str, page: str, schools: set[str]
) -> None:
    world = region.world
    await _signed_in(web, world, role, key)

    response = await web.get(page.format(s1=world.ids["s1"]))

    assert response.status_code == 200, response.text
    for by_giver in region.satisfaction_by_giver(schools, END).values():
        assert _by_giver(by_giver) in response.text


async def test_a_bad_reference_date_is_said_beside_its_field(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    await _signed_in(web, world, Role.REGION_OFFICER, "region")

    for typed, message in (
        ("31.02.2026", "Укажите дату в формате ДД.ММ.ГГГГ"),
        ("01.01.2020", "вне учебного года"),
    ):
        response = await web.get(f"/region/indicators?year={YEAR}&on={typed}")
        assert response.status_code == 400
        assert message in response.text.split('id="e-on"')[1][:200]
        assert f'value="{typed}"' in response.text
    assert (await web.get(f"/region/indicators?year={YEAR}&on=20.05.2026")).status_code == 200
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")
    assert (await web.get("/region/indicators")).status_code == 403


async def test_the_self_audit_page_shows_the_year_asked_for(
    web: WebClient, region: GeneratedRegion
) -> None:
    world = region.world
    earlier = "2023/24"  # a year without programmes: not among the years offered by default
    await world.api.command(
        "registry",
        f"/schools/{world.ids['s1']}/self-audit",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {
            "school_year": earlier,
            "items": [{"item": 1, "achieved": True}],
            "page_url": "https://s1.example.ru/2023",
        },
        expect=200,
        method="PUT",
    )
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    page = await web.get(f"/monitoring/self-audits/{world.ids['s1']}?year={earlier}")

    assert page.status_code == 200
    assert "https://s1.example.ru/2023" in page.text
    assert "https://s1.example.ru/mentoring" not in page.text


async def test_the_first_page_above_the_school_shows_figures_and_who_needs_attention(
    web: WebClient, world: World
) -> None:
    await world.programme("s1")
    await world.person("s1", "Наставник Главной", "mentor")
    await _signed_in(web, world, Role.MUNICIPALITY_OFFICER, "m1")

    home = (await web.get("/?year=2025/26")).text

    assert "GraphQL" not in home
    assert "Школы: главное за 2025/26 учебный год" in home
    assert re.search(r"<dt>Школ</dt><dd>2</dd>", home)  # its own two, not the other округ's
    not_started = home.split('data-attention="Не приступили"')[1].split("</li>")[0]
    assert "Школа № 2" in not_started
    assert "Школа № 1" not in not_started
    assert "Школа № 3" not in home
    assert "Наставник Главной" not in home  # no names above the school

    await _signed_in(web, world, Role.AUDITOR, "region")
    audit = (await web.get("/?year=2025/26")).text
    assert "Программ наставничества в 2025/26 учебном году: <strong>1</strong>" in audit
    assert 'href="/audit/programmes?year=2025/26"' in audit
