"""The patterns request parameters are checked against, each with the message a client gets
when a value does not match it (request validation only says which pattern failed)."""

from __future__ import annotations

from qgjob_schemas import ID_MESSAGE, ID_PATTERN, PACKAGE_PATTERN, SHA256_PATTERN

SHA256 = SHA256_PATTERN
PACKAGE = PACKAGE_PATTERN
IDEMPOTENCY_KEY = r"^[\x21-\x7e]+$"
STREAM_ID = r"^\d{1,20}-\d{1,20}$"
CURSOR = r"^\d{1,15}$"

MESSAGES = {
    ID_PATTERN: ID_MESSAGE,
    SHA256: "must be a SHA-256: 64 hexadecimal digits",
    PACKAGE: "must be an Android package name like com.acme.app",
    IDEMPOTENCY_KEY: "must be 1-255 printable ASCII characters, without spaces",
    STREAM_ID: "must be a stream entry id like 1732795200000-0",
    CURSOR: "must be a cursor as given in next_cursor",
}


def pattern_message(pattern: str) -> str:
    return MESSAGES.get(pattern, f"must match {pattern}")
