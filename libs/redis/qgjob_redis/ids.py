"""Time-ordered ids: a job id sorts after every id made before it (ULID layout)."""

from __future__ import annotations

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
