"""An import's upload (issue 16, hole 6): the caller is checked before the form is read, and a
malformed upload is a 400 with the error shape, never a 500."""

from __future__ import annotations

from typing import Any

from tests.conftest import World


async def post_import(
    world: World, school: str, token: str, content_type: str | None = None, **request: Any
) -> Any:
    headers = world.api.auth(token) | ({"Content-Type": content_type} if content_type else {})
    return await world.api.registry.post(
        f"/schools/{world.ids[school]}/imports",
        params={"base": "mentees"},
        headers=headers,
        **request,
    )


async def test_an_upload_without_a_file_part_is_a_400_another_format_a_415(world: World) -> None:
    coordinator = world.coordinator("s1")
    without_file = await post_import(world, "s1", coordinator, files={"note": (None, "x")})
    not_a_form = await post_import(world, "s1", coordinator, json={"data": "x"})
    no_boundary = await post_import(
        world,
        "s1",
        coordinator,
        content=b"--x\r\n",
        content_type="multipart/form-data",
    )
    text_not_file = await post_import(world, "s1", coordinator, data={"data": "not a file"})
    assert without_file.status_code == 400, without_file.text
    assert without_file.json()["code"] == "no_file"
    assert without_file.json()["message"] == "Приложите файл XLSX (поле формы data)"
    for response in (not_a_form, text_not_file):  # not a multipart form at all
        assert response.status_code == 415, response.text
        assert response.json()["code"] == "unsupported_media_type"
        assert "multipart/form-data" in response.json()["message"]
    assert no_boundary.status_code == 400, no_boundary.text
    assert set(no_boundary.json()) == {"code", "message", "details"}


async def test_a_stranger_is_refused_before_the_form_is_read(world: World) -> None:
    """A coordinator of another school meets the permission check, whatever they send."""
    stranger = world.coordinator("s3")
    answers = [
        await post_import(world, "s1", stranger, files={"note": (None, "x")}),
        await post_import(
            world, "s1", stranger, content=b"junk", content_type="multipart/form-data"
        ),
        await post_import(world, "s1", stranger, files={"data": ("a.xlsx", b"PK", "text/plain")}),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403], [a.text for a in answers]
    assert all(a.json()["code"] == answers[0].json()["code"] for a in answers)


async def test_a_roadmap_upload_without_a_file_is_a_400_naming_the_field(world: World) -> None:
    """The roadmap's import reads its form as the base's does (the framework's own extraction
    answered a form without a file with a 500)."""
    response = await world.api.programs.post(
        f"/schools/{world.ids['s1']}/roadmap/import",
        headers=world.api.auth(world.coordinator("s1")),
        files={"note": (None, "x")},
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "no_file"
    assert response.json()["message"] == "Приложите файл DOCX или XLSX (поле формы data)"
