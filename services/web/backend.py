"""The three services as the web interface calls them: GraphQL reads on reporting and commands on
registry and programs, always with the signed-in user's own token, so that tenancy and validation
stay in those services. A command returns once its events are stored; before answering, the client
waits for reporting to project them, so the page shown next already reads the write.

Typed both ways: a command's body is a msgspec Struct (`commands.py`), its answer `Stored`, and a
GraphQL read is decoded into the Struct its page declares; the web imports no service's code."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import httpx
import msgspec

from shared.adapters.logging import current_request_id
from shared.adapters.settings import Settings

Service = Literal["registry", "programs", "reporting"]
# GraphQL codes of errors that mean "not yours or not there" rather than a crash.
NOT_VISIBLE = {"out_of_scope", "not_found", "role_not_allowed", "forbidden"}
T = TypeVar("T")


class Problem(msgspec.Struct):
    """One field a service's validation refused (`details.problems` of `invalid_payload`), or
    one answer of a survey (its question and message)."""

    field: str | None = None
    problem: str = ""
    question: str | None = None
    message: str = ""


class Details(msgspec.Struct):
    """What a refusal tells beyond its message, as far as the pages use it."""

    problems: list[Problem] = msgspec.field(default_factory=list)
    question: str | None = None  # the survey question a refused answer belongs to
    person_id: str | None = None  # the person a refused order is about
    field: str | None = None  # the field a broken rule names («items[3].deadline»)
    number: str | None = None  # the item of a monitoring form a refused answer belongs to


class ErrorBody(msgspec.Struct):
    """The services' error shape: a machine-readable code, a Russian message, details."""

    code: str = "http_error"
    message: str = "Сервис отказал в запросе"
    details: msgspec.Raw = msgspec.Raw(b"{}")


class Stored(msgspec.Struct):
    """A command's answer: what it created, and the position of its last event."""

    id: str | None = None
    position: int | None = None


class RowProblem(msgspec.Struct):
    """A row of an imported sheet the registry refused, and why (in Russian)."""

    row: int | None = None
    column: str | None = None
    message: str = ""
    warning: bool = False  # worth a look, but the row loads


class ImportJob(msgspec.Struct):
    """An import's progress as the registry reports it."""

    id: str
    base: str
    status: str
    total: int | None = None
    processed: int | None = None
    position: int | None = None
    problems: list[RowProblem] | None = None
    problem_count: int = 0  # all of them: `problems` holds the first ones only


class GraphQLErrorExtensions(msgspec.Struct):
    code: str = "graphql_error"
    details: msgspec.Raw = msgspec.Raw(b"{}")


class GraphQLError(msgspec.Struct):
    message: str = ""
    extensions: GraphQLErrorExtensions | None = None


class GraphQLAnswer(msgspec.Struct, Generic[T]):
    data: T | None = None
    errors: list[GraphQLError] | None = None


class OpenedLink(msgspec.Struct):
    """A personal link opened: a short-lived token for its holder."""

    token: str
    role: str
    expires_in: int


class IssuedLink(msgspec.Struct):
    """A personal link as the registry shows it this once (it keeps only its hash)."""

    link: str
    position: int


class CaughtUp(msgspec.Struct):
    caughtUp: bool


@dataclass
class Refused(Exception):
    """A service said no: its HTTP status, machine-readable code, Russian message, details."""

    status: int
    code: str
    message: str
    details: Details = field(default_factory=Details)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    @property
    def belongs_to_form(self) -> bool:
        """Bad values or a broken rule go back to the form; no access or no object does not."""
        return self.status in (400, 409, 422)


class SessionExpired(Exception):
    """A service no longer accepts the user's token: sign in again."""


# The key the page put in the form being handled (`FORM_KEY_FIELD`): each command the form
# sends carries it, numbered in order, as its `Idempotency-Key`, so a form sent twice (a double
# click, a retry over a bad connection) stores once.
FORM_KEY_FIELD = "_command_key"
_form_key: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "form_key", default=None
)


def handling_form(key: str | None) -> None:
    """The form this request handles carries `key` (None: no key)."""
    _form_key.set([key, 0] if key else None)


def _idempotency_key() -> dict[str, str]:
    """The next command's key within the form being handled, if it carries one."""
    form = _form_key.get()
    if form is None:
        return {}
    form[1] += 1
    return {"Idempotency-Key": f"{form[0]}.{form[1]}"}


class Backend:
    def __init__(
        self,
        registry: httpx.AsyncClient,
        programs: httpx.AsyncClient,
        reporting: httpx.AsyncClient,
    ) -> None:
        self.clients: dict[Service, httpx.AsyncClient] = {
            "registry": registry,
            "programs": programs,
            "reporting": reporting,
        }

    @classmethod
    def from_settings(cls, settings: Settings) -> Backend:
        def client(service: Service) -> httpx.AsyncClient:
            return httpx.AsyncClient(base_url=settings.url_of(service), timeout=60)

        return cls(client("registry"), client("programs"), client("reporting"))

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def query(self, token: str, query: str, into: type[T], **variables: Any) -> T:
        """Run a GraphQL query and decode its data into `into`; an error of the caller's scope
        becomes `Refused`."""
        response = await self._send(
            token,
            "reporting",
            "POST",
            "/graphql",
            content=msgspec.json.encode({"query": query, "variables": variables}),
            headers={"Content-Type": "application/json"},
        )
        shape: type[GraphQLAnswer[T]] = GraphQLAnswer[into]  # type: ignore[valid-type]
        answer = msgspec.json.decode(response.content, type=shape)
        for error in answer.errors or []:
            extensions = error.extensions or GraphQLErrorExtensions()
            code = extensions.code
            status = 404 if code in NOT_VISIBLE or code.endswith("_not_found") else 400
            raise Refused(status, code, error.message, _details(extensions.details))
        if answer.data is None:
            raise Refused(502, "no_data", "Сервис отчётов не ответил")
        return answer.data

    async def command(
        self,
        token: str,
        service: Service,
        path: str,
        body: msgspec.Struct | None = None,
        method: str = "POST",
    ) -> Stored:
        """Send a command and wait until reporting has projected what it stored."""
        response = await self._send(
            token,
            service,
            method,
            path,
            content=None if body is None else msgspec.json.encode(body),
            headers={"Content-Type": "application/json", **_idempotency_key()},
        )
        answer = msgspec.json.decode(response.content, type=Stored)
        if answer.position is not None and service != "reporting":
            await self.caught_up(token, service, answer.position)
        return answer

    async def open_link(self, link: str) -> OpenedLink:
        """A personal link as its holder's short-lived token (the link is the credential)."""
        response = await self._send(
            "",
            "registry",
            "POST",
            "/personal-links/opening",
            content=msgspec.json.encode({"link": link}),
            headers={"Content-Type": "application/json"},
        )
        return msgspec.json.decode(response.content, type=OpenedLink)

    async def issue_link(self, token: str, person_id: str, body: msgspec.Struct) -> str:
        """A new personal link for the person (once projected, like any command)."""
        response = await self._send(
            token,
            "registry",
            "POST",
            f"/people/{person_id}/links",
            content=msgspec.json.encode(body),
            headers={"Content-Type": "application/json"},
        )
        issued = msgspec.json.decode(response.content, type=IssuedLink)
        await self.caught_up(token, "registry", issued.position)
        return issued.link

    async def upload(
        self,
        token: str,
        service: Service,
        path: str,
        params: dict[str, str],
        name: str,
        content: bytes,
        into: type[T],
    ) -> T:
        """Send a file; its answer decoded into `into` (a started job, a draft to review)."""
        response = await self._send(
            token,
            service,
            "POST",
            path,
            params=params,
            files={"data": (name, content, "application/octet-stream")},
        )
        return msgspec.json.decode(response.content, type=into)

    async def import_job(self, token: str, import_id: str) -> ImportJob:
        response = await self._send(token, "registry", "GET", f"/imports/{import_id}")
        return msgspec.json.decode(response.content, type=ImportJob)

    async def get(
        self, token: str, service: Service, path: str, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """A plain GET (an exported file) with the user's token."""
        return await self._send(token, service, "GET", path, params=params)

    async def caught_up(self, token: str, service: Service, position: int) -> None:
        positions = {"registry": 0, "programs": 0} | {service: position}
        await self.query(
            token,
            "query($r: Int!, $p: Int!) { caughtUp(registry: $r, programs: $p, timeoutMs: 10000) }",
            CaughtUp,
            r=positions["registry"],
            p=positions["programs"],
        )

    async def _send(
        self,
        token: str,
        service: Service,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        # No token: a personal link's opening, where the link itself is the credential.
        sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        request_id = current_request_id()
        if request_id:  # the services log the page's request under the same id
            sent["X-Request-ID"] = request_id
        response = await self.clients[service].request(method, path, headers=sent, **kwargs)
        if response.status_code == 401:
            raise SessionExpired
        if response.status_code >= 400:
            raise refusal_of(response)
        return response


def refusal_of(response: httpx.Response) -> Refused:
    try:
        body = msgspec.json.decode(response.content, type=ErrorBody)
    except msgspec.DecodeError:  # not the services' shape: a proxy's page, a crash
        body = ErrorBody()
    return Refused(response.status_code, body.code, body.message, _details(body.details))


def _details(raw: msgspec.Raw) -> Details:
    """A refusal's details as far as the pages use them; any other shape keeps its message."""
    try:
        return msgspec.json.decode(raw, type=Details)
    except msgspec.DecodeError:
        return Details()
