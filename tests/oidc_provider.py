"""A tiny OpenID Connect provider of the tests' own, served on loopback: discovery, an
authorization endpoint that signs in one configured person at once (no login form), a token
endpoint that checks the client, the code and its PKCE verifier, and the JWKS of a test RSA key
that signs the ID tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from litestar import Litestar, Request, get, post
from litestar.exceptions import HTTPException
from litestar.response import Redirect

CLIENT_ID, CLIENT_SECRET = "nastavnik-web", "test-client-secret"


@dataclass
class Provider:
    url: str
    claims: dict[str, Any] = field(default_factory=dict)  # the person who signs in
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    # a forger: ID tokens signed with another key than the one the JWKS publishes
    forged: bool = False

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if self.forged
            else self.key
        )
        return jwt.encode({**claims, **self.claims}, key, "RS256", headers={"kid": "test"})

    def app(self) -> Litestar:
        @get("/.well-known/openid-configuration", sync_to_thread=False)
        def discovery() -> dict[str, str]:
            return {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
            }

        @get("/authorize", sync_to_thread=False)
        def authorize(request: Request[Any, Any, Any]) -> Redirect:
            asked = dict(request.query_params)
            if asked.get("client_id") != CLIENT_ID or asked.get("code_challenge_method") != "S256":
                raise HTTPException(status_code=400, detail="bad authorization request")
            code = secrets.token_urlsafe(16)
            self.codes[code] = asked
            back = {"code": code, "state": asked["state"]}
            return Redirect(path=f"{asked['redirect_uri']}?{urlencode(back)}", status_code=302)

        @post("/token")
        async def token(request: Request[Any, Any, Any]) -> dict[str, str]:
            form = await request.form()
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            asked = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", "")).encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if (
                request.headers.get("authorization") != f"Basic {expected}"
                or asked is None
                or challenge.decode() != asked["code_challenge"]
                or form.get("redirect_uri") != asked["redirect_uri"]
            ):
                raise HTTPException(status_code=400, detail="invalid_grant")
            return {"id_token": self.id_token(asked["nonce"]), "token_type": "Bearer"}

        @get("/jwks", sync_to_thread=False)
        def jwks() -> dict[str, Any]:
            key = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return {"keys": [{**key, "kid": "test", "use": "sig", "alg": "RS256"}]}

        return Litestar([discovery, authorize, token, jwks], openapi_config=None)


class Served:
    """The provider's app under uvicorn on a thread, for as long as the test needs it."""

    def __init__(self, provider: Provider, port: int) -> None:
        config = uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test OIDC provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
