"""What the OpenAPI documents tell an integrator beyond the shapes (issue 24): a description on
every property of a model, and an example for every JSON request body that is valid against the
body's own schema, so that an example cannot drift from its model. A file upload (multipart
`data`) is a file, not JSON: it has no example."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from services.published import HTTP_SERVICES, HttpService, openapi

JSON = "application/json"
# The document's own URI for the validator's registry: a body's `#/components/schemas/…`
# reference resolves within it.
DOCUMENT = "urn:nastavnik:openapi"


def undescribed_properties(document: dict[str, Any]) -> list[str]:
    return [
        f"{name}.{field}"
        for name, model in document["components"]["schemas"].items()
        for field, schema in model.get("properties", {}).items()
        if "description" not in schema
    ]


def json_bodies(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each JSON request body's media object by its operation, `POST /people`."""
    return {
        f"{method.upper()} {path}": operation["requestBody"]["content"][JSON]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if JSON in (operation.get("requestBody") or {}).get("content", {})
    }


def bodies_without_example(document: dict[str, Any]) -> set[str]:
    return {
        operation
        for operation, media in json_bodies(document).items()
        if "example" not in media and "examples" not in media
    }


def invalid_examples(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each body's example checked against its schema, `$ref`s resolved within the document and
    formats (date, uuid) checked: what is wrong with it, where, by operation."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT, DRAFT202012.create_resource(document)
    )
    invalid = {}
    for operation, media in json_bodies(document).items():
        schema = media["schema"]
        if "$ref" in schema:
            schema = {"$ref": DOCUMENT + schema["$ref"]}
        validator = Draft202012Validator(
            schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        examples = [media["example"]] if "example" in media else []
        examples += [example["value"] for example in media.get("examples", {}).values()]
        errors = [
            f"{error.json_path}: {error.message}"
            for example in examples
            for error in validator.iter_errors(example)
        ]
        if errors:
            invalid[operation] = errors
    return invalid


@pytest.fixture(scope="module", params=HTTP_SERVICES)
def service(request: pytest.FixtureRequest) -> tuple[HttpService, dict[str, Any]]:
    return request.param, openapi(request.param)


def test_every_property_of_every_model_is_described(
    service: tuple[HttpService, dict[str, Any]],
) -> None:
    _, document = service

    assert undescribed_properties(document) == []


def test_every_json_request_body_has_an_example(
    service: tuple[HttpService, dict[str, Any]],
) -> None:
    _, document = service

    assert bodies_without_example(document) == set()


def test_every_request_bodys_example_is_valid_against_its_schema(
    service: tuple[HttpService, dict[str, Any]],
) -> None:
    _, document = service

    assert json_bodies(document)
    assert invalid_examples(document) == {}


def test_an_example_that_drifted_from_its_model_is_found() -> None:
    document = openapi("registry")
    body = json_bodies(document)["POST /people"]
    body["example"] = {**body["example"], "kind": "pupil", "school_id": "12"}

    errors = invalid_examples(document)

    assert list(errors) == ["POST /people"]
    assert sorted(error.split(": ")[0] for error in errors["POST /people"]) == [
        "$.kind",
        "$.school_id",
    ]
