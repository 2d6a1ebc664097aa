"""An integrator's generated client: openapi-python-client makes a Python client from each
service's OpenAPI as the running service serves it (`/schema/openapi.json`), into a temporary
folder and with no hand edits, and the README's worked example runs through those clients
against the services `make run` starts (`site` of `tests/web_support.py`); a refused command
comes back as the typed error model, `ErrorBody` ({code, message, details}).

The generator's configuration is its own documented options only: a package name per service,
no formatter run over the code (speed), and the DOCX and XLSX media types read as binary
(`content_type_overrides`: it knows only JSON, text and `application/octet-stream` by name)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import docx
import pytest

from services.demo_users import demo_id, demo_token
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
BINARY = "application/octet-stream"
DOWNLOADS = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def generated(service: str, port: int, into: Path) -> ModuleType:
    """The client package `<service>_client`, generated from the served document and imported."""
    config = into / f"{service}.json"
    config.write_text(
        json.dumps(
            {
                "package_name_override": f"{service}_client",
                "post_hooks": [],
                "content_type_overrides": dict.fromkeys(DOWNLOADS, BINARY),
            }
        )
    )
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--url",
            f"http://127.0.0.1:{port}/schema/openapi.json",
            "--output-path",
            str(into / f"{service}_client"),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The generator leaves out, with a warning, whatever it cannot make a typed call of.
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    return importlib.import_module(f"{service}_client")


class Clients:
    """The three generated packages and a client of each for a token."""

    def __init__(self, site: Settings, into: Path) -> None:
        self.site = site
        self.packages = {
            service: generated(service, getattr(site, f"{service}_port"), into)
            for service in ("registry", "programs", "reporting")
        }

    def of(self, service: str, role: Role) -> Any:
        package = self.packages[service]
        return package.AuthenticatedClient(
            base_url=f"http://127.0.0.1:{getattr(self.site, f'{service}_port')}",
            token=demo_token(self.site, role),
        )

    def call(self, service: str, operation: str) -> Any:
        """`registry`, `people.register_person` → the generated module's `sync_detailed`."""
        package = self.packages[service].__name__
        return importlib.import_module(f"{package}.api.{operation}").sync_detailed

    def model(self, service: str, name: str) -> Any:
        return getattr(importlib.import_module(f"{self.packages[service].__name__}.models"), name)


@pytest.fixture(scope="module")
def clients(site: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clients]:
    into = tmp_path_factory.mktemp("generated")
    sys.path.insert(0, str(into))
    try:
        yield Clients(site, into)
    finally:
        sys.path.remove(str(into))
        for name in [m for m in sys.modules if m.split(".")[0].endswith("_client")]:
            del sys.modules[name]


def test_the_worked_example_runs_through_the_generated_clients(clients: Clients) -> None:
    today = region_today()  # the demo's programme is this school year's, as in the README
    school, programme = demo_id("school-1"), demo_id("school-1-programme")
    coordinator = {s: clients.of(s, Role.SCHOOL_COORDINATOR) for s in clients.packages}
    person = clients.model("registry", "PersonIn")
    consent = clients.model("registry", "ConsentIn")
    register = clients.call("registry", "people.register_person")

    mentor = register(
        client=coordinator["registry"],
        body=person.from_dict(
            {
                "school_id": str(school),
                "kind": "teacher",
                "full_name": "Соколова Марина Андреевна",
                "birth_date": "1980-04-12",
                "roles": ["mentor"],
                "consent": {"signed_on": today.isoformat()},
            }
        ),
    )
    mentee = register(
        client=coordinator["registry"],
        body=person.from_dict(
            {
                "school_id": str(school),
                "kind": "student",
                "full_name": "Соколов Артём Олегович",
                "birth_date": "2012-10-03",
                "grade": "7А",
                "roles": ["mentee"],
                "consent": {
                    "signed_on": today.isoformat(),
                    "representative_name": "Соколова Ольга Викторовна",
                    "relation": "мать",
                },
            }
        ),
    )
    assert (mentor.status_code, mentee.status_code) == (201, 201)
    assert isinstance(mentor.parsed.id, UUID)

    pair = clients.call("programs", "pairs_and_groups.form_pair")(
        programme,
        client=coordinator["programs"],
        body=clients.model("programs", "PairIn").from_dict(
            {
                "form": "teacher_student",
                "mentor_id": str(mentor.parsed.id),
                "mentee_ids": [str(mentee.parsed.id)],
            }
        ),
    )
    assert pair.status_code == 201, pair.content
    duty = clients.call("registry", "people.sign_consent")(
        mentor.parsed.id,
        client=coordinator["registry"],
        body=consent.from_dict({"kind": "additional_duty", "signed_on": today.isoformat()}),
    )
    assert duty.status_code == 201, duty.content
    order = clients.call("programs", "pairs_and_groups.approve_pairs")(
        programme,
        client=clients.of("programs", Role.SCHOOL_DIRECTOR),
        body=clients.model("programs", "OrderIn").from_dict(
            {"number": "121-о", "order_date": today.isoformat(), "pair_ids": [str(pair.parsed.id)]}
        ),
    )
    assert order.status_code == 201, order.content
    record_meeting = clients.call("programs", "pairs_and_groups.record_meeting")
    introduction = clients.model("programs", "MeetingIn").from_dict(
        {
            "kind": "introduction",
            "held_on": today.isoformat(),
            "duration_minutes": 40,
            "topic": "Знакомство",
            "mentor_feedback": {"rating": 9, "comment": "Хороший старт"},
            "mentee_feedback": {"rating": 8},
        }
    )
    key = str(uuid4())
    meeting = record_meeting(
        pair.parsed.id, client=coordinator["programs"], body=introduction, idempotency_key=key
    )
    assert meeting.status_code == 201, meeting.content
    # The client's own argument for the header: a retry over a bad connection stores once.
    retried = record_meeting(
        pair.parsed.id, client=coordinator["programs"], body=introduction, idempotency_key=key
    )
    assert (retried.status_code, retried.content) == (201, meeting.content)
    assert retried.headers["idempotent-replayed"] == "true"

    caught_up = clients.call("reporting", "default.query")(
        client=coordinator["reporting"],
        body=clients.model("reporting", "QueryBody").from_dict(
            {"query": f"{{ caughtUp(programs: {meeting.parsed.position}) }}"}
        ),
    )
    assert caught_up.status_code == 200, caught_up.content
    assert isinstance(caught_up.parsed, clients.model("reporting", "GraphQLResource"))
    assert caught_up.parsed.data.to_dict() == {"caughtUp": True}
    document = clients.call("reporting", "default.download_pairs_order")(
        order.parsed.id, client=coordinator["reporting"]
    )
    assert document.status_code == 200
    text = "".join(
        cell.text
        for table in docx.Document(BytesIO(document.parsed.payload.read())).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Соколова Марина Андреевна" in text
    assert "Соколов Артём Олегович" in text


def test_a_refused_command_comes_back_as_the_typed_error(clients: Clients) -> None:
    """The README's refusal: a pair whose mentee has no consent."""
    school = str(demo_id("school-1"))
    registry = clients.of("registry", Role.SCHOOL_COORDINATOR)
    person = clients.model("registry", "PersonIn")
    register = clients.call("registry", "people.register_person")
    mentor = register(
        client=registry,
        body=person.from_dict(
            {
                "school_id": school,
                "kind": "teacher",
                "full_name": "Отказова Вера Павловна",
                "birth_date": "1979-02-11",
                "roles": ["mentor"],
                "consent": {"signed_on": "2025-09-01"},
            }
        ),
    )
    mentee = register(
        client=registry,
        body=person.from_dict(
            {
                "school_id": school,
                "kind": "student",
                "full_name": "Отказов Илья Сергеевич",
                "birth_date": "2012-07-23",
                "grade": "7Б",
                "roles": ["mentee"],
            }
        ),
    )
    assert (mentor.status_code, mentee.status_code) == (201, 201)

    refused = clients.call("programs", "pairs_and_groups.form_pair")(
        demo_id("school-1-programme"),
        client=clients.of("programs", Role.SCHOOL_COORDINATOR),
        body=clients.model("programs", "PairIn").from_dict(
            {
                "form": "teacher_student",
                "mentor_id": str(mentor.parsed.id),
                "mentee_ids": [str(mentee.parsed.id)],
            }
        ),
    )

    assert 400 <= refused.status_code < 500, refused.content
    assert isinstance(refused.parsed, clients.model("programs", "ErrorBody"))
    assert refused.parsed.code == "consent_missing"
    assert refused.parsed.message.startswith("Наставляемый")
    assert refused.parsed.details.to_dict() == {"person_id": str(mentee.parsed.id)}


def test_an_unknown_pair_is_a_typed_404(clients: Clients) -> None:
    missing = clients.call("programs", "pairs_and_groups.record_meeting")(
        demo_id("no-such-pair"),
        client=clients.of("programs", Role.SCHOOL_COORDINATOR),
        body=clients.model("programs", "MeetingIn").from_dict(
            {"kind": "introduction", "held_on": "2025-09-15", "duration_minutes": 40}
        ),
    )

    assert missing.status_code == 404
    assert isinstance(missing.parsed, clients.model("programs", "ErrorBody"))
    assert missing.parsed.code


def test_a_stale_if_match_is_a_typed_412(clients: Clients) -> None:
    coordinator = clients.of("registry", Role.SCHOOL_COORDINATOR)
    person = clients.call("registry", "people.register_person")(
        client=coordinator,
        body=clients.model("registry", "PersonIn").from_dict(
            {
                "school_id": str(demo_id("school-1")),
                "kind": "teacher",
                "full_name": "Версиева Нина Олеговна",
                "birth_date": "1981-03-14",
                "roles": ["mentor"],
                "consent": {"signed_on": "2025-09-01"},
            }
        ),
    )
    reminders = clients.call("registry", "people.set_mail_reminders")
    model = clients.model("registry", "MailRemindersIn")

    first = reminders(person.parsed.id, client=coordinator, body=model(by_mail=False))
    reminders(
        person.parsed.id,
        client=coordinator,
        body=model(by_mail=True),
        if_match=first.headers["etag"],
    )
    stale = reminders(
        person.parsed.id,
        client=coordinator,
        body=model(by_mail=False),
        if_match=first.headers["etag"],
    )

    assert first.status_code < 300, first.content
    assert stale.status_code == 412
    assert isinstance(stale.parsed, clients.model("registry", "ErrorBody"))
    assert stale.parsed.code == "version_mismatch"
