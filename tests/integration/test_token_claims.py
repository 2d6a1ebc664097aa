"""A signed token is not enough: its scope must be a path of the organisation tree, at the depth
its role works at. Anything else is refused where the token is read, by every service, and is
never issued."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from services.cli import main as cli
from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.errors import Unauthenticated
from shared.kernel.principal import Role, check_claims
from tests.conftest import World
from tests.web_support import WebClient

REGION = "a" * 32
MUNICIPALITY = f"{REGION}.{'b' * 32}"
SCHOOL = f"{MUNICIPALITY}.{'c' * 32}"
PERSON = f"{SCHOOL}.{'d' * 32}"
MALFORMED = ["*", "a.b;DROP TABLE x", f"{PERSON}.{'e' * 32}", "a..b", ".a", "а.б", 7, None]

ACCEPTED = {
    Role.OPERATOR: ["", REGION],
    Role.REGION_OFFICER: [REGION],
    Role.INSTITUTE_METHODOLOGIST: [REGION],
    Role.MUNICIPALITY_OFFICER: [MUNICIPALITY],
    Role.SCHOOL_DIRECTOR: [SCHOOL],
    Role.SCHOOL_COORDINATOR: [SCHOOL],
    Role.SCHOOL_CURATOR: [SCHOOL],
    Role.AUDITOR: [REGION, MUNICIPALITY, SCHOOL],
    Role.MENTOR: [PERSON],
    Role.MENTEE: [PERSON],
    Role.LEGAL_REPRESENTATIVE: [PERSON],
}


def forged(settings: Settings, role: str, scope: Any) -> str:
    """A token signed with the right secret whose claims no issuer of ours would write."""
    now = int(time.time())
    claims = {"sub": "forger", "role": role, "scope": scope, "iss": settings.jwt_issuer}
    return jwt.encode({**claims, "iat": now, "exp": now + 600}, settings.jwt_secret)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_accepted_at_its_own_depths_only(role: Role) -> None:
    for scope in ("", REGION, MUNICIPALITY, SCHOOL, PERSON, f"{SCHOOL}.not-a-person"):
        if scope in ACCEPTED[role]:
            assert check_claims(role, scope) == scope
        else:
            with pytest.raises(Unauthenticated) as refused:
                check_claims(role, scope)
            assert refused.value.code == "token_scope_mismatch"


@pytest.mark.parametrize("scope", MALFORMED)
def test_a_scope_that_is_no_tree_path_is_refused(scope: Any) -> None:
    with pytest.raises(Unauthenticated) as refused:
        check_claims(Role.AUDITOR, scope)
    assert refused.value.code == "token_scope_invalid"


def test_no_token_is_issued_for_a_role_at_the_wrong_depth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(Unauthenticated):
        issue_token(Settings(), Role.SCHOOL_COORDINATOR, REGION)
    with pytest.raises(SystemExit) as refused:
        cli(["token", "--role", "school_coordinator", "--scope", REGION])
    assert "не работает на уровне" in str(refused.value)
    assert capsys.readouterr().out == ""


async def test_every_service_refuses_a_malformed_or_mismatched_scope(
    world: World, settings: Settings, web: WebClient
) -> None:
    api = world.api
    tokens = [
        *(forged(settings, "school_coordinator", s) for s in MALFORMED if s is not None),
        forged(settings, "school_coordinator", world.paths["region"]),  # hole 8: a whole region
        forged(settings, "region_officer", ""),  # the empty scope is the whole platform
        forged(settings, "municipality_officer", world.paths["s1"]),
    ]
    person = {
        "school_id": str(world.ids["s1"]),
        "kind": "teacher",
        "full_name": "Пришедший С Чужим Токеном",
        "roles": ["mentor"],
    }
    programme = {
        "school_id": str(world.ids["s1"]),
        "school_year": "2025/26",
        "title": "Программа",
        "forms": ["teacher_student"],
    }
    for token in tokens:
        h = api.auth(token)
        answers = [
            await api.registry.post("/people", json=person, headers=h),
            await api.programs.post("/programmes", json=programme, headers=h),
            await api.reporting.get("/exports/mentees", headers=h),
            await api.reporting.get("/exports/indicators", headers=h),
            await api.reporting.post("/graphql", json={"query": "{ me { role } }"}, headers=h),
        ]
        for answer in answers:
            assert answer.status_code == 401, (token, answer.request.url, answer.text)
            body = answer.json()
            assert body["code"] in ("token_scope_invalid", "token_scope_mismatch"), body
            assert body["message"].startswith(("В токене", "Роль"))
        await web.get("/login")
        login = await web.submit("/login/token", {"token": token, "next": "/"})
        assert login.status_code == 400  # the login page again, with the reason
        assert "В токене неверная область видимости" in login.text or "не работает" in login.text
    listed = await api.graphql(
        world.coordinator("s1"), '{ people(search: "Пришедший") { totalCount } }'
    )
    assert listed["data"]["people"]["totalCount"] == 0
