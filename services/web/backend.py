"""The three services as the web interface calls them: GraphQL reads on reporting and commands on
registry and programs, always with the signed-in user's own token, so that tenancy and validation
stay in those services. A command returns once its events are stored; before answering, the client
waits for reporting to project them, so the page shown next already reads the write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from shared.adapters.logging import current_request_id
from shared.adapters.settings import Settings

Service = Literal["registry", "programs", "reporting"]
# GraphQL codes of errors that mean "not yours or not there" rather than a crash.
NOT_VISIBLE = {"out_of_scope", "not_found", "role_not_allowed", "forbidden"}


@dataclass
class Refused(Exception):
    """A service said no: its HTTP status, machine-readable code, Russian message, details."""

    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    @property
    def belongs_to_form(self) -> bool:
        """Bad values or a broken rule go back to the form; no access or no object does not."""
        return self.status in (400, 409, 422)


class SessionExpired(Exception):
    """A service no longer accepts the user's token: sign in again."""


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

    async def query(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        """Run a GraphQL query; an error of the caller's scope becomes `Refused`."""
        response = await self._send(
            token, "reporting", "POST", "/graphql", json={"query": query, "variables": variables}
        )
        body: dict[str, Any] = response.json()
        for error in body.get("errors") or []:
            extensions = error.get("extensions") or {}
            code = str(extensions.get("code", "graphql_error"))
            status = 404 if code in NOT_VISIBLE or code.endswith("_not_found") else 400
            raise Refused(status, code, str(error.get("message")), extensions.get("details") or {})
        data: dict[str, Any] = body["data"]
        return data

    async def command(
        self,
        token: str,
        service: Service,
        path: str,
        body: dict[str, Any] | None = None,
        method: str = "POST",
    ) -> dict[str, Any]:
        """Send a command and wait until reporting has projected what it stored."""
        response = await self._send(token, service, method, path, json=body)
        answer: dict[str, Any] = response.json()
        if "position" in answer and service != "reporting":
            await self.caught_up(token, service, int(answer["position"]))
        return answer

    async def upload(
        self, token: str, path: str, params: dict[str, str], name: str, content: bytes
    ) -> dict[str, Any]:
        response = await self._send(
            token,
            "registry",
            "POST",
            path,
            params=params,
            files={"data": (name, content, "application/octet-stream")},
        )
        answer: dict[str, Any] = response.json()
        return answer

    async def get(
        self, token: str, service: Service, path: str, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """A plain GET (a job's status, an exported file) with the user's token."""
        return await self._send(token, service, "GET", path, params=params)

    async def caught_up(self, token: str, service: Service, position: int) -> None:
        positions = {"registry": 0, "programs": 0} | {service: position}
        await self.query(
            token,
            "query($r: Int!, $p: Int!) { caughtUp(registry: $r, programs: $p, timeoutMs: 10000) }",
            r=positions["registry"],
            p=positions["programs"],
        )

    async def _send(
        self, token: str, service: Service, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        request_id = current_request_id()
        if request_id:  # the services log the page's request under the same id
            headers["X-Request-ID"] = request_id
        response = await self.clients[service].request(method, path, headers=headers, **kwargs)
        if response.status_code == 401:
            raise SessionExpired
        if response.status_code >= 400:
            raise _refusal(response)
        return response


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of a page of a GraphQL connection (`edges { node { … } }`)."""
    return [edge["node"] for edge in connection["edges"]]


def _refusal(response: httpx.Response) -> Refused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return Refused(
        response.status_code,
        str(body.get("code", "http_error")),
        str(body.get("message", "Сервис отказал в запросе")),
        body.get("details") or {},
    )
