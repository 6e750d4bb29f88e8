"""The id of the request being served, for logs and error bodies."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id(given: str | None) -> str:
    """The caller's id when it is a sane token, else a fresh one."""
    if given and _VALID.match(given):
        return given
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()
