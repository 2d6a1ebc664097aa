"""A person's personal fields as events carry them: encrypted with that person's own data key
(`shared.adapters.personal_data` seals and opens them)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Sealed:
    """Personal fields of one subject, encrypted with that subject's data key."""

    subject: UUID
    ciphertext: bytes
