"""The registry's and programs' OpenAPI documents every refusal a route answers, with the one
error body (issue 16, "Also found" 2); the fuzz in tests/test_fuzz.py checks the answers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.reporting.documents import DOCX
from shared.kernel.principal import Role
from shared.sheets import XLSX
from tests.conftest import Api, World

ERROR = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.mark.parametrize("service", ["registry", "programs"])
async def test_every_operation_documents_its_refusals_with_the_error_body(
    api: Api, service: str
) -> None:
    client = api.registry if service == "registry" else api.programs
    document: dict[str, Any] = (await client.get("/schema/openapi.json")).json()
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"code", "message", "details"}
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 10
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"503"} if path == "/health" else {"400", "401", "403", "404", "503"}
        if method != "get" and path != "/health":
            expected |= {"409", "413", "422"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == ERROR, (method, path, status)


def operations_of(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def served(api: Api, service: str) -> dict[str, Any]:
    client = {"registry": api.registry, "programs": api.programs, "reporting": api.reporting}
    document: dict[str, Any] = (await client[service].get("/schema/openapi.json")).json()
    return document


@pytest.mark.parametrize("service", ["registry", "programs", "reporting"])
async def test_every_operation_is_named_described_and_asks_for_the_bearer_token(
    api: Api, service: str
) -> None:
    """What a generated client is made of (issue 24, point 3): the bearer scheme, short camelCase
    operation ids, a summary and description from the handler's docstring, described parameters."""
    document = await served(api, service)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A token for a role and a scope (the caller's tenant path).",
    }
    assert document["security"] == [{"bearer": []}]
    ids = []
    for method, path, operation in operations_of(document):
        ids.append(operation["operationId"])
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", operation["operationId"]), path
        assert operation["summary"], (method, path)
        assert operation["description"], (method, path)
        assert operation.get("security") == ([{}] if path == "/health" else None), path
        for parameter in operation.get("parameters", []):
            assert parameter["description"], (method, path, parameter["name"])
    assert len(ids) == len(set(ids))


async def test_operation_ids_are_the_handlers_names(api: Api) -> None:
    ids = {
        (method, path): operation["operationId"]
        for service in ("registry", "programs", "reporting")
        for method, path, operation in operations_of(await served(api, service))
    }
    assert ids[("post", "/people")] == "registerPerson"
    assert ids[("post", "/organisations")] == "registerOrganisation"
    assert ids[("post", "/pairs/{pair_id}/meetings")] == "recordMeeting"
    assert ids[("post", "/graphql")] == "query"


async def test_downloads_are_binary_files_of_their_media_type(api: Api) -> None:
    document = await served(api, "reporting")
    downloads = {
        path: operation["responses"]["200"]["content"]
        for _, path, operation in operations_of(document)
        if path.startswith(("/exports", "/orders", "/programmes", "/reports"))
    }
    assert len(downloads) == 8
    for path, content in downloads.items():
        (media_type,) = content
        assert media_type == (XLSX if path.startswith("/exports") else DOCX), path
        assert content[media_type]["schema"] == {"type": "string", "format": "binary"}, path


async def test_graphql_states_its_request_body_and_its_example_runs(world: World) -> None:
    operation = (await served(world.api, "reporting"))["paths"]["/graphql"]["post"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["required"] == ["query"]
    token = world.token(Role.REGION_OFFICER, "region")
    answer = await world.api.graphql(
        token, body["example"]["query"], **body["example"]["variables"]
    )
    assert "errors" not in answer
    assert answer["data"]["organisations"]["totalCount"] > 0
