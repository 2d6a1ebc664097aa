"""A file uploaded as the multipart field `data`, read by the route itself: after its permission
check (a stranger's upload costs no parsing), and with a 400 naming the field when the file is
missing (the framework's own extraction answers 500 to a form without a file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

from shared.kernel.errors import InvalidInput


async def uploaded_file(request: Request[Any, Any, Any], kinds: str) -> bytes:
    """The file's bytes; `kinds` names the files the route reads («XLSX», «DOCX или XLSX»)."""
    upload = (await request.form()).get("data")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("no_file", f"Приложите файл {kinds} (поле формы data)")
    return await upload.read()


@dataclass
class FileUpload(Operation):
    """The route reads its form itself, so its OpenAPI states it."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                RequestEncodingType.MULTI_PART: OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={
                            "data": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                        },
                        required=["data"],
                        additional_properties=False,  # the route reads no other field
                    )
                )
            },
        )
