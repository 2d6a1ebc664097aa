"""The web interface's door: the login, the session cookie, CSRF on every form, the error pages."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from shared.auth import Role, issue_token
from tests.conftest import World
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
