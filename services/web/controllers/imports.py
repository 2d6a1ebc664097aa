"""A base from XLSX (the registry checks every row and stores all or none) and back to XLSX."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from services.registry.columns import COLUMNS, FILE_NAMES, SHEET_TITLES
from services.registry.columns import Base as SheetBase
from services.registry.labels import IMPORT_STATUS_NAMES

from ..backend import Backend, Refused, Stored
from ..forms import Form
from ..pages import form_page, page
from ..session import WebUser
from .common import done, passed_on, school_of
from .people import BASE_TITLES, Base

FINISHED = {"done", "rejected", "failed"}


class ImportController(Controller):
    @get("/people/{base:str}/import")
    async def form(self, user: WebUser, base: Base) -> Template:
        school_of(user)
        return self._form(user, base, Form())

    # Above the registry's own limit (8 MB), so that its message is the one a person reads.
    @post("/people/{base:str}/import", request_max_body_size=16 * 1024 * 1024)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        base: Base,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template | Redirect:
        school = school_of(user)
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._form(user, base, Form(errors={"file": "Выберите файл .xlsx"}))
        try:
            started = await backend.upload(
                user.token,
                "registry",
                f"/schools/{school}/imports",
                {"base": str(base)},
                upload.filename,
                await upload.read(),
                Stored,
            )
        except Refused as refusal:
            if not refusal.belongs_to_form and refusal.status != 413:  # 413: the file is too large
                raise
            return self._form(user, base, Form(errors={"file": refusal.message}))
        return done(request, f"/imports/{started.id}", "Файл получен, идёт проверка")

    @get("/people/{base:str}/import/template")
    async def template(self, user: WebUser, base: Base) -> Response[bytes]:
        """A blank base to fill in: the header row the import reads, nothing else."""
        from shared.sheets import XLSX, table_workbook  # openpyxl only when a blank is asked for

        school_of(user)
        sheet = SheetBase(str(base))
        name = FILE_NAMES[sheet].replace(".xlsx", "-template.xlsx")
        return Response(
            table_workbook(SHEET_TITLES[sheet], COLUMNS[sheet], []),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/imports/{import_id:uuid}")
    async def status(self, user: WebUser, backend: Backend, import_id: UUID) -> Template:
        job = await backend.import_job(user.token, str(import_id))
        base = Base(job.base)
        if job.status == "done" and job.position:
            await backend.caught_up(user.token, "registry", job.position)
        return page(
            "people/import_status.html",
            user,
            job=job,
            base=base,
            title=BASE_TITLES[base],
            finished=job.status in FINISHED,
            status_name=IMPORT_STATUS_NAMES.get(job.status, job.status),
        )

    @get("/people/{base:str}/export")
    async def export(self, user: WebUser, backend: Backend, base: Base) -> Response[bytes]:
        """The reporting service's XLSX, fetched with the user's token and passed on."""
        school_of(user)
        return passed_on(await backend.get(user.token, "reporting", f"/exports/{base}"))

    @staticmethod
    def _form(user: WebUser, base: Base, form: Form) -> Template:
        return form_page(
            "people/import.html",
            user,
            form,
            base=base,
            title=BASE_TITLES[base],
            columns=COLUMNS[SheetBase(str(base))],
        )
