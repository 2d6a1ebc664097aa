"""XLSX import of a school's base: answered at once with the job's id, run in the background."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import anyio
import structlog
from litestar import Controller, Request, get, post
from litestar.datastructures import State

from services.registry.imports import Imports
from services.registry.spreadsheet import Base
from shared.adapters.idempotency import detached
from shared.adapters.uploads import FileUpload, uploaded_file
from shared.kernel.errors import AppError
from shared.kernel.principal import Principal

# A school's base of ten thousand people is about 1 MB as XLSX.
MAX_FILE_BYTES = 8 * 1024 * 1024
# The framework's own limit stays above ours (a multipart body is a little larger than its
# file), so that the answer a caller gets is this route's, with its code and message.
MAX_BODY_BYTES = MAX_FILE_BYTES + 256 * 1024


class FileTooLarge(AppError):
    status = 413


def _too_large() -> FileTooLarge:
    return FileTooLarge(
        "file_too_large", f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ: это не база школы"
    )


async def refuse_large_body(request: Request[Any, Any, Any]) -> None:
    """Refuse from the declared length, before the body is read and parsed."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()


def imports_of(state: State) -> Imports:
    imports: Imports = state.imports
    return imports


class ImportController(Controller):
    tags = ["import"]

    @post(
        "/schools/{school_id:uuid}/imports",
        status_code=202,
        before_request=refuse_large_body,
        request_max_body_size=MAX_BODY_BYTES,
        operation_class=FileUpload,
        content_type="multipart/form-data",
    )
    async def start_import(
        self, request: Request[Principal, Any, Any], state: State, school_id: UUID, base: Base
    ) -> dict[str, str]:
        """Import a school's base of mentees or mentors from an XLSX file (загрузка базы).

        Answers 202 with the job's id and where to follow it.

        The file (multipart field `data`) is read only once the caller may import into the
        school: a stranger's upload costs no parsing."""
        imports = imports_of(state)
        await anyio.to_thread.run_sync(imports.registry.open_school_for, request.user, school_id)
        content = await uploaded_file(request, "XLSX")
        if len(content) > MAX_FILE_BYTES:
            raise _too_large()
        import_id = await anyio.to_thread.run_sync(imports.start, request.user, school_id, base)
        task = asyncio.create_task(
            _run(imports, request.user, import_id, content), context=detached()
        )
        state.import_tasks.add(task)
        task.add_done_callback(state.import_tasks.discard)
        return {"id": str(import_id), "status_url": f"/imports/{import_id}"}

    @get("/imports/{import_id:uuid}", sync_to_thread=True)
    def import_status(
        self, request: Request[Principal, Any, Any], state: State, import_id: UUID
    ) -> dict[str, object]:
        """The state of an import job: its rows read, stored and refused, with the reasons."""
        return imports_of(state).status(request.user, import_id)


async def _run(imports: Imports, principal: Principal, import_id: UUID, content: bytes) -> None:
    try:
        await anyio.to_thread.run_sync(imports.run, principal, import_id, content)
    except Exception as error:
        structlog.get_logger().exception("import_failed", import_id=str(import_id))
        message = getattr(error, "message", "Внутренняя ошибка при загрузке; попробуйте ещё раз")
        await anyio.to_thread.run_sync(imports.fail, import_id, message)
