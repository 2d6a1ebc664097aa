"""The web interface's door: the login, the session cookie, CSRF on every form, the error pages."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from services.web.api import create_app
from services.web.backend import Backend
from shared.adapters.auth import issue_token
from shared.kernel.principal import Role
from tests.conftest import Api, World
from tests.web_support import WebClient


async def test_a_page_without_a_session_sends_to_the_login_and_back(web: WebClient) -> None:
    response = await web.get("/?search=Ив")

    assert response.status_code == 303
    assert unquote(response.headers["location"]) == "/login?next=/?search=Ив"


async def test_the_development_login_lists_the_demo_users_of_every_role(web: WebClient) -> None:
    page = (await web.get("/login")).text

    for name in ("Координатор школы № 1", "Куратор школы № 1", "Директор школы № 1"):
        assert name in page
    for role in ("специалист муниципалитета", "методист ИРО", "аудитор"):
        assert role in page


async def test_signing_in_sets_an_http_only_same_site_cookie_and_opens_the_page_asked_for(
    web: WebClient, world: World
) -> None:
    response = await web.sign_in(world.coordinator("s1"), next_path="/")

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    home = await web.get("/")
    assert home.status_code == 200
    assert "Что требует внимания" in home.text


async def test_a_form_without_its_csrf_token_is_refused_with_a_russian_page(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))

    response = await web.client.post("/logout", data={}, follow_redirects=False)

    assert response.status_code == 403
    assert "Форма устарела" in response.text
    assert "CSRF" not in response.text
    assert (await web.get("/")).status_code == 200  # still signed in


async def test_logout_ends_the_session(web: WebClient, world: World) -> None:
    await web.sign_in(world.coordinator("s1"))
    await web.get("/")

    await web.submit("/logout")

    assert (await web.get("/")).status_code == 303


async def test_an_expired_session_sends_to_the_login_and_back(web: WebClient, world: World) -> None:
    short = issue_token(
        world.api.settings, Role.SCHOOL_COORDINATOR, world.paths["s1"], ttl_seconds=2
    )
    await web.sign_in(short)
    assert (await web.get("/")).status_code == 200
    await asyncio.sleep(2.5)

    response = await web.get("/people/mentees?search=Ив")

    assert response.status_code == 303
    assert unquote(response.headers["location"]) == "/login?next=/people/mentees?search=Ив"


async def test_an_expired_token_is_refused_at_the_login(web: WebClient, world: World) -> None:
    expired = issue_token(
        world.api.settings, Role.SCHOOL_COORDINATOR, world.paths["s1"], ttl_seconds=-10
    )
    await web.get("/login")

    refused = await web.submit("/login/token", {"token": expired, "next": "/"})

    assert refused.status_code == 400
    assert "Срок действия токена истёк" in refused.text


async def test_an_unknown_page_answers_a_russian_404_without_details(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))

    response = await web.get("/no/such/page")

    assert response.status_code == 404
    assert "Страница не найдена" in response.text
    assert "Traceback" not in response.text


async def test_a_school_page_for_another_role_answers_a_russian_403(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    home = await web.get("/")
    assert home.status_code == 200
    assert "Что требует внимания" in home.text  # the municipality's own first page
    assert "Наставляемые" not in home.text  # the school's menu

    response = await web.get("/people/mentees")

    assert response.status_code == 403
    assert "Нет доступа" in response.text


async def test_a_crash_answers_a_russian_500_page_without_details(api: Api, world: World) -> None:
    """Reporting unreachable: the page says so in Russian; the traceback goes to the log only."""
    unreachable = httpx.AsyncClient(base_url="http://127.0.0.1:9")
    backend = Backend(api.registry, api.programs, unreachable)
    async with AsyncTestClient(create_app(api.settings, backend=backend)) as client:
        web = WebClient(client, api)
        await web.sign_in(world.coordinator("s1"))

        response = await web.get("/")

    await unreachable.aclose()
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.text
    for leak in ("Traceback", "httpx", "ConnectError", "/work/", ".py"):
        assert leak not in response.text


async def test_the_login_never_redirects_to_another_site(web: WebClient) -> None:
    await web.get("/login?next=//elsewhere.example/phish")

    response = await web.submit(
        "/login/demo", {"role": "school_coordinator", "next": "//elsewhere.example/phish"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_with_oidc_configured_the_development_login_is_off(api: Api) -> None:
    settings = msgspec.structs.replace(api.settings, web_login="oidc")
    backend = Backend(api.registry, api.programs, api.reporting)
    async with AsyncTestClient(create_app(settings, backend=backend)) as client:
        web = WebClient(client, api)
        page = await web.get("/login")
        assert "Координатор школы № 1" not in page.text
        assert "не настроен" in page.text

        # no form on the page: the CSRF token as the cookie holds it
        refused = await client.post(
            "/login/demo",
            data={"_csrf_token": client.cookies["nastavnik_csrf"], "role": "school_coordinator"},
            follow_redirects=False,
        )

        assert refused.status_code == 400
        assert (await web.get("/")).status_code == 303
