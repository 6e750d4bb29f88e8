"""Reading server-sent events in tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Frame:
    id: str | None = None
    event: str | None = None
    data: Any = None
    comments: list[str] = field(default_factory=list)
    retry: int | None = None


async def frames(response: httpx.Response) -> AsyncIterator[Frame]:
    """Frames of an event stream as they arrive (a frame ends at a blank line)."""
    current = Frame()
    async for line in response.aiter_lines():
        if line == "":
            yield current
            current = Frame()
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "":
            current.comments.append(value)
        elif name == "id":
            current.id = value
        elif name == "event":
            current.event = value
        elif name == "data":
            current.data = json.loads(value)
        elif name == "retry":
            current.retry = int(value)
