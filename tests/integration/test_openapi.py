"""The registry's and programs' OpenAPI documents every refusal a route answers, with the one
error body (issue 16, "Also found" 2); the fuzz in tests/test_fuzz.py checks the answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

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
