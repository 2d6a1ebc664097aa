"""Crypto-shredding of personal data (152-ФЗ).

Every data subject has a data key of their own. Events carry a person's personal fields only as
`Sealed` values encrypted with that key (AES-GCM, the subject's id as associated data, so a sealed
value cannot be passed off as another person's). Data keys are stored wrapped by the master key
from the settings; erasure deletes the key, and every sealed value of that person then reads as
«данные удалены» — history keeps its shape, ids, dates and scores.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.kernel.sealed import Sealed

ERASED = "данные удалены"
_NONCE_BYTES = 12


class MasterKeyMismatch(RuntimeError):
    """The configured master key does not unwrap the stored data keys."""


def master_key_id(master_key: bytes) -> str:
    return hashlib.sha256(master_key).hexdigest()[:16]


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(master_key: bytes, data_key: bytes, subject: UUID) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(master_key).encrypt(nonce, data_key, subject.bytes)


def unwrap_key(master_keys: dict[str, bytes], key_id: str, wrapped: bytes, subject: UUID) -> bytes:
    master = master_keys.get(key_id)
    if master is None:
        raise MasterKeyMismatch(
            f"data key of {subject} is wrapped by master key {key_id}, which is not configured "
            "(set MASTER_KEY, or list the old key in PREVIOUS_MASTER_KEYS)"
        )
    try:
        return AESGCM(master).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], subject.bytes)
    except InvalidTag:
        raise MasterKeyMismatch(
            f"master key {key_id} does not unwrap the key of {subject}"
        ) from None


def seal(data_key: bytes, subject: UUID, fields: dict[str, Any]) -> Sealed:
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = msgspec.json.encode(fields)
    return Sealed(subject, nonce + AESGCM(data_key).encrypt(nonce, plaintext, subject.bytes))


def unseal(data_key: bytes | None, sealed: Sealed) -> dict[str, Any] | None:
    """The sealed fields, or None once the subject's key has been erased."""
    if data_key is None:
        return None
    raw = sealed.ciphertext
    plaintext = AESGCM(data_key).decrypt(
        raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], sealed.subject.bytes
    )
    fields: dict[str, Any] = msgspec.json.decode(plaintext)
    return fields


def encode_sealed(sealed: Sealed) -> dict[str, str]:
    return {"subject": sealed.subject.hex, "data": base64.b64encode(sealed.ciphertext).decode()}


def decode_sealed(data: dict[str, str]) -> Sealed:
    return Sealed(UUID(data["subject"]), base64.b64decode(data["data"]))


class MasterKeys:
    """The current master key and the previous ones still accepted for unwrapping."""

    def __init__(self, current: bytes, previous: list[bytes] | None = None) -> None:
        self.current = current
        self.current_id = master_key_id(current)
        self.by_id = {master_key_id(k): k for k in [*(previous or []), current]}

    def wrap(self, data_key: bytes, subject: UUID) -> tuple[str, bytes]:
        return self.current_id, wrap_key(self.current, data_key, subject)

    def unwrap(self, key_id: str, wrapped: bytes, subject: UUID) -> bytes:
        return unwrap_key(self.by_id, key_id, wrapped, subject)
