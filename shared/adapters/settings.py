"""Settings from the environment: typed, validated, read in one place."""

from __future__ import annotations

import base64
import binascii
import os
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # shared/adapters/settings.py

# Development defaults. Production refuses to start with them (see `validate`).
DEV_JWT_SECRET = "nastavnik-development-secret-do-not-use-in-production"
DEV_MASTER_KEY = base64.b64encode(b"nastavnik-dev-master-key-32bytes").decode()


class SettingsError(ValueError):
    """The environment does not describe a runnable configuration."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    environment: Literal["development", "production"] = "development"
    # Administrator's URL of the PostgreSQL server: schema setup uses it as is, the services
    # derive their own less privileged roles from it. Unset: `make run`/`make test` start the
    # embedded server under `data_dir` and set it for the processes they start.
    database_url: str | None = None
    # Password of the service roles (empty where the server trusts local connections).
    db_role_password: str = ""
    data_dir: str = str(PROJECT_ROOT / ".data")
    host: str = "127.0.0.1"
    registry_port: int = 8001
    programs_port: int = 8002
    reporting_port: int = 8003
    web_port: int = 8000
    # Where the web interface reaches the three services (default: `host` and their ports).
    registry_url: str | None = None
    programs_url: str | None = None
    reporting_url: str | None = None
    # How people sign in to the web interface: "development" lists the demo users (never in
    # production); "oidc" is for an identity provider (not built yet: the login page says so).
    web_login: Literal["development", "oidc"] = "development"
    # The web interface's address as people open it (links in reminder mail; OIDC's callback
    # by default). Empty: http://HOST:WEB_PORT.
    web_public_url: str = ""
    # An OpenID Connect provider for `web_login = "oidc"`: the authorization-code flow with PKCE;
    # the ID token's claims `oidc_role_claim` and `oidc_scope_claim` give the role and scope.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_url: str = ""  # empty: WEB_PUBLIC_URL + /login/oidc/callback
    oidc_role_claim: str = "nastavnik_role"
    oidc_scope_claim: str = "nastavnik_scope"
    # An adult mentor or mentee (or a parent): their school in the scope claim, and in this
    # claim their person's id in the school's bases (the registry's record they sign in as).
    oidc_person_claim: str = "nastavnik_person"
    # Reminders by e-mail: a digest per school coordinator. Off while SMTP_HOST is empty; sent
    # by `python -m services send-reminders`, and by the web service on REMINDERS_SCHEDULE
    # ("mon-fri 07:30", "daily 08:00", "mon,thu 09:15") in REMINDERS_TIMEZONE.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = ""
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    reminders_schedule: str = ""
    reminders_timezone: str = "Europe/Moscow"
    # The regions (ids, comma-separated) whose schools get reminders: a token sees one subtree.
    reminders_regions: str = ""
    # The region's time zone: its date (`region_today`) is the one «today» of every rule, read
    # and page; the machine's date (UTC on servers) is a day behind from 21:00 UTC in Moscow.
    region_timezone: str = "Europe/Moscow"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_issuer: str = "nastavnik"
    # Master key (base64 of 32 bytes) that wraps every person's data key.
    master_key: str = DEV_MASTER_KEY
    # Earlier master keys, still accepted for unwrapping until `rotate-keys` re-wraps.
    previous_master_keys: str = ""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    db_pool_size: int = 5
    projection_batch_size: int = 500
    # Connections a rebuild and the worker on its own project a backlog on side by side, each
    # a PostgreSQL backend working while the process decodes (0: one per core of this host).
    projection_lanes: int = 0
    # Reporting runs the projection worker in its own process unless this is off (then run
    # `python -m services worker` beside it).
    projection_worker: bool = True
    # Rate limits, requests a minute (a burst of as many, then that many a minute; 0: none):
    # per bearer token, per client address (the web interface is one address for all its
    # users), and refused sign-ins (401) per address. Generous enough for the bench's load.
    rate_limit_per_token: int = 30_000
    rate_limit_per_address: int = 60_000
    rate_limit_failed_auth: int = 60
    # Origins whose pages may call the APIs from a browser (CORS), comma-separated; empty: none.
    cors_origins: str = ""

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def lanes(self) -> int:
        return self.projection_lanes if self.projection_lanes > 0 else max(os.cpu_count() or 1, 1)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def url_of(self, service: Literal["registry", "programs", "reporting"]) -> str:
        configured: str | None = getattr(self, f"{service}_url")
        port: int = getattr(self, f"{service}_port")
        return (configured or f"http://{self.host}:{port}").rstrip("/")

    @property
    def web_url(self) -> str:
        return (self.web_public_url or f"http://{self.host}:{self.web_port}").rstrip("/")

    @property
    def development_login(self) -> bool:
        """The demo users' login: in development only, and never beside an OIDC provider."""
        return self.web_login == "development" and not self.is_production and not self.oidc_login

    @property
    def oidc_login(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def oidc_callback_url(self) -> str:
        return self.oidc_redirect_url or f"{self.web_url}/login/oidc/callback"

    @property
    def master_key_bytes(self) -> bytes:
        return _decode_key(self.master_key, "MASTER_KEY")

    @property
    def previous_master_key_bytes(self) -> list[bytes]:
        keys = [k.strip() for k in self.previous_master_keys.split(",") if k.strip()]
        return [_decode_key(k, "PREVIOUS_MASTER_KEYS") for k in keys]

    def region_today(self, now: datetime | None = None) -> date:
        """The region's date (REGION_TIMEZONE) now, or at the moment `now`: the one «today» of
        every rule, read and page; the machine's own date may be a day behind or ahead."""
        return (now or datetime.now(self.region_zone)).astimezone(self.region_zone).date()

    @property
    def region_zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.region_timezone)
        except (ValueError, ZoneInfoNotFoundError):
            zone = self.region_timezone
            raise SettingsError(f"REGION_TIMEZONE: unknown time zone {zone!r}") from None

    def require_database_url(self) -> str:
        if not self.database_url:
            raise SettingsError(
                "DATABASE_URL is not set: start the services with `make run`, "
                "or point DATABASE_URL at a PostgreSQL server"
            )
        return self.database_url

    def validate(self) -> Settings:
        self.master_key_bytes  # noqa: B018 -- decoding is the check
        self.previous_master_key_bytes  # noqa: B018
        self.region_zone  # noqa: B018
        if self.web_login == "oidc" and not self.oidc_login:
            raise SettingsError("WEB_LOGIN=oidc needs OIDC_ISSUER and OIDC_CLIENT_ID")
        if self.smtp_host and not self.smtp_sender:
            raise SettingsError("SMTP_HOST is set: set SMTP_SENDER (the reminders' From address)")
        if self.is_production:
            if self.jwt_secret == DEV_JWT_SECRET:
                raise SettingsError("JWT_SECRET must be set in production")
            if self.master_key == DEV_MASTER_KEY:
                raise SettingsError("MASTER_KEY must be set in production")
        return self


def _decode_key(value: str, name: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SettingsError(f"{name} is not valid base64") from None
    if len(key) != 32:
        raise SettingsError(f"{name} must be 32 bytes (base64), got {len(key)}")
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables named after the fields in upper case."""
    source = os.environ if environ is None else environ
    fields = {f.name for f in msgspec.structs.fields(Settings)}
    raw = {name: source[name.upper()] for name in fields if name.upper() in source}
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise SettingsError(f"invalid setting: {error}") from None
    return settings.validate()


@cache
def get_settings() -> Settings:
    return load_settings()


def region_today() -> date:
    """The region's date by the process's settings: «today» for the read side and the pages,
    and the write applications' default (`services.bootstrap` hands them their settings')."""
    return get_settings().region_today()
