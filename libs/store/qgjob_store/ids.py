"""Time-ordered ids: a job id sorts after every id made before it (ULID layout)."""

from __future__ import annotations

import hashlib
import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _encode(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        out.append(_ALPHABET[rem])
    return "".join(reversed(out))


def new_id(now: float | None = None) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits, Crockford base32."""
    ms = int((time.time() if now is None else now) * 1000)
    return _encode(ms, 10) + _encode(int.from_bytes(os.urandom(10), "big"), 16)


def id_floor(at: float) -> str:
    """The smallest id made at ``at`` seconds: every id made before it sorts below."""
    return _encode(int(at * 1000), 10) + "0" * 16


def derived_id(ms: int, seed: str) -> str:
    """An id laid out like :func:`new_id` whose parts come from ``ms`` and a hash of ``seed``:
    the same inputs give the same id (a retried request re-creates the same records)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return _encode(ms, 10) + _encode(int.from_bytes(digest[:10], "big"), 16)
