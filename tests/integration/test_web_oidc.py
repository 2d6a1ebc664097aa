"""Signing in through an OpenID Connect provider: a tiny real provider of the test's own on
loopback (tests/oidc_provider.py) issues RS256 ID tokens; the web interface runs the
authorization-code flow with PKCE and state, maps the claims to role and scope, and turns the
development login off."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from services.web.api import create_app
from services.web.backend import Backend
from tests.conftest import Api, World
from tests.e2e.test_processes import free_port
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, Served
from tests.web_support import WebClient

WEB = "http://testserver.local"


@pytest.fixture
def provider(world: World) -> Iterator[Provider]:
    port = free_port()
    found = Provider(
        url=f"http://127.0.0.1:{port}",
        claims={
            "sub": "ivanova-42",
            "name": "Иванова Мария Петровна",
            "nastavnik_role": "municipality_officer",
            "nastavnik_scope": world.paths["m1"],
        },
    )
    with Served(found, port):
        yield found


@pytest.fixture
async def oidc_web(api: Api, provider: Provider) -> AsyncIterator[WebClient]:
    settings = msgspec.structs.replace(
        api.settings,
        oidc_issuer=provider.url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        web_public_url=WEB,
    )
    backend = Backend(api.registry, api.programs, api.reporting)
    async with AsyncTestClient(create_app(settings, backend=backend), base_url=WEB) as client:
        yield WebClient(client, api)


async def _through_the_provider(web: WebClient, next_path: str) -> httpx.Response:
    """The browser's round trip: to the provider's authorization endpoint and back."""
    start = await web.get(f"/login/oidc?next={next_path}")
    assert start.status_code == 303, start.text
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(start.headers["location"])
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}" == WEB
    return await web.get(f"{back.path}?{back.query}")


async def test_a_person_signs_in_through_the_provider_with_their_role_and_scope(
    oidc_web: WebClient, provider: Provider, world: World
) -> None:
    login = await oidc_web.get("/login?next=/monitoring/schools")
    assert "Войти через единую систему авторизации" in login.text
    assert "Координатор школы № 1" not in login.text  # the development login is off
    start = await oidc_web.get("/login/oidc?next=/monitoring/schools")
    asked = parse_qs(urlsplit(start.headers["location"]).query)
    assert start.headers["location"].startswith(f"{provider.url}/authorize?")
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) == 43
    assert asked["redirect_uri"] == [f"{WEB}/login/oidc/callback"]

    back = await _through_the_provider(oidc_web, "/monitoring/schools")

    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/monitoring/schools"
    await world.api.caught_up(world.coordinator("s1"))
    page = await oidc_web.get("/monitoring/schools")
    assert page.status_code == 200
    assert "Иванова Мария Петровна" in page.text
    assert "Школа № 1" in page.text
    assert "Школа № 3" not in page.text  # another municipality's


async def test_the_development_login_is_refused_beside_a_provider(oidc_web: WebClient) -> None:
    await oidc_web.get("/login")  # no form on it: the CSRF token as a hand-made form sends it
    csrf = {"_csrf_token": oidc_web.client.cookies["nastavnik_csrf"], "next": "/"}

    demo = await oidc_web.client.post("/login/demo", data={**csrf, "role": "school_coordinator"})
    token = await oidc_web.client.post("/login/token", data={**csrf, "token": "x"})

    assert demo.status_code == 400
    assert token.status_code == 400
    assert "Вход по токену отключён" in token.text
    assert (await oidc_web.get("/")).status_code == 303  # still signed out


async def test_a_callback_with_a_forged_state_signs_nobody_in(oidc_web: WebClient) -> None:
    await oidc_web.get("/login/oidc?next=/")

    forged = await oidc_web.get("/login/oidc/callback?code=abc&state=not-the-one")

    assert forged.status_code == 400
    assert "Вход не завершён" in forged.text
    assert (await oidc_web.get("/")).status_code == 303


async def test_an_adult_mentor_signs_in_as_his_registry_record_to_his_own_page(
    oidc_web: WebClient, provider: Provider, world: World
) -> None:
    mentor = await world.person("s1", "Соколов Пётр Ильич", "mentor")
    provider.claims = {
        "sub": "sokolov-7",
        "name": "Соколов Пётр Ильич",
        "nastavnik_role": "mentor",
        "nastavnik_scope": world.paths["s1"],
        "nastavnik_person": mentor,
    }

    back = await _through_the_provider(oidc_web, "/my")
    assert back.status_code == 303, back.text
    await world.api.caught_up(world.coordinator("s1"))
    mine = await oidc_web.get("/my")
    assert mine.status_code == 200
    assert "Соколов Пётр Ильич" in mine.text
    assert (await oidc_web.get("/pairs")).status_code in (403, 404)  # no staff page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (  # a mentor without the person he is in the school's bases
            {"claims": {"sub": "x", "nastavnik_role": "mentor", "nastavnik_scope": "a" * 32}},
            "не назначены роль",
        ),
        ({"forged": True}, "Подпись входа не подтвердилась"),
        ({"claims": {"sub": "x", "nastavnik_role": "operator"}}, "не назначены роль"),
        ({"claims": {"sub": "x"}}, "не назначены роль"),
        (  # a school's role for a whole region
            {
                "claims": {
                    "sub": "x",
                    "nastavnik_role": "school_coordinator",
                    "nastavnik_scope": "a" * 32,
                }
            },
            "не назначены роль",
        ),
    ],
)
async def test_a_forged_token_or_a_person_without_a_role_is_not_signed_in(
    oidc_web: WebClient, provider: Provider, change: dict[str, object], message: str
) -> None:
    for name, value in change.items():
        setattr(provider, name, value)

    back = await _through_the_provider(oidc_web, "/")

    assert back.status_code == 400
    assert message in back.text
    assert "Traceback" not in back.text
    assert (await oidc_web.get("/")).status_code == 303
