"""Write load as a school's clients make it: meetings recorded through HAProxy, each command with
its own Idempotency-Key, sent again with the same key after a failure until it is acknowledged —
and every answer counted."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx

from shared.adapters.settings import region_today

PAUSE_AFTER_FAILURE = 0.2


@dataclass
class Figures:
    sent: int = 0  # distinct commands (Idempotency-Keys)
    acknowledged: dict[str, str] = field(default_factory=dict)  # key: the meeting's id
    positions: list[int] = field(default_factory=list)
    five_xx: list[int] = field(default_factory=list)  # 5xx answers the client saw (their codes)
    unreachable: list[str] = field(default_factory=list)  # requests with no answer: why
    conflicts: int = 0  # 409: another writer changed the pair first; sent again as a new command
    refused: list[str] = field(default_factory=list)  # 4xx: a command the load should not make
    first_failure: float | None = None
    last_failure: float | None = None

    def failed(self) -> None:
        now = time.monotonic()
        self.first_failure = self.first_failure or now
        self.last_failure = now

    def line(self, name: str) -> str:
        return (
            f"[{name}] commands sent {self.sent}, acknowledged {len(self.acknowledged)}, "
            f"5xx seen {len(self.five_xx)} {dict(Counter(self.five_xx)) if self.five_xx else ''}, "
            f"no answer {len(self.unreachable)}, "
            f"409 conflicts sent again {self.conflicts}, refused {len(self.refused)}"
        )


class MeetingLoad:
    """`writers` clients recording meetings on one pair until stopped."""

    def __init__(self, url: str, token: str, writers: int = 3) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.writers = writers
        self.figures = Figures()
        self.stopping = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> MeetingLoad:
        self.http = httpx.AsyncClient(timeout=60)
        self.tasks = [asyncio.create_task(self.write(n)) for n in range(self.writers)]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.stopping.set()
        await asyncio.gather(*self.tasks)
        await self.http.aclose()

    async def write(self, writer: int) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            await self.command(f"Нагрузка {writer}-{number}")

    async def command(self, topic: str) -> None:
        """One meeting, sent until acknowledged (the same key each time)."""
        key = str(uuid4())
        body = {
            "kind": "regular",
            "held_on": str(region_today()),
            "duration_minutes": 30,
            "topic": topic,  # each another meeting, not a repeat
        }
        self.figures.sent += 1
        while (response := await self.send(key, body)) is None:
            self.figures.failed()
            await asyncio.sleep(PAUSE_AFTER_FAILURE)
        if response.status_code == 409:  # refused, nothing stored: the client tries again
            self.figures.conflicts += 1
            return
        if response.status_code != 201:
            self.figures.refused.append(response.text)
            return
        answer = response.json()
        self.figures.acknowledged[key] = answer["id"]
        self.figures.positions.append(answer["position"])

    async def send(self, key: str, body: dict[str, Any]) -> httpx.Response | None:
        """The answer, or None when there was none worth keeping (to be sent again)."""
        try:
            response = await self.http.post(
                self.url, json=body, headers={**self.headers, "Idempotency-Key": key}
            )
        except httpx.HTTPError as error:
            self.figures.unreachable.append(repr(error))
            return None
        if response.status_code >= 500:
            self.figures.five_xx.append(response.status_code)
            return None
        return response

    async def until_acknowledged(self, count: int, seconds: float = 120) -> None:
        """Wait until `count` more commands than now are acknowledged."""
        target = len(self.figures.acknowledged) + count
        deadline = time.monotonic() + seconds
        while len(self.figures.acknowledged) < target:
            assert time.monotonic() < deadline, self.figures.line("stuck")
            await asyncio.sleep(0.1)


class Reads:
    """`readers` clients asking GraphQL `query` until stopped: each answer with errors, each 5xx
    and each request without an answer counted."""

    def __init__(
        self, url: str, token: str, query: str, variables: dict[str, str], readers: int = 1
    ) -> None:
        self.url = url
        self.body = {"query": query, "variables": variables}
        self.headers = {"Authorization": f"Bearer {token}"}
        self.readers = readers
        self.answered = 0
        self.failures: list[tuple[float, str]] = []  # 5xx, GraphQL errors, no answer: when, what
        self.stopping = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Reads:
        self.http = httpx.AsyncClient(timeout=60)
        self.tasks = [asyncio.create_task(self.read()) for _ in range(self.readers)]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.stopping.set()
        await asyncio.gather(*self.tasks)
        await self.http.aclose()

    async def read(self) -> None:
        while not self.stopping.is_set():
            try:
                response = await self.http.post(self.url, json=self.body, headers=self.headers)
            except httpx.HTTPError as error:
                self.failures.append((time.monotonic(), repr(error)))
                continue
            if response.status_code != 200 or "errors" in response.json():
                self.failures.append((time.monotonic(), f"{response.status_code} {response.text}"))
            else:
                self.answered += 1

    def line(self, name: str) -> str:
        return f"[{name}] GraphQL reads answered {self.answered}, failed {len(self.failures)}"
