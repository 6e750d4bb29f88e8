"""A lean follower of one suite's event stream: raw asyncio streams speaking HTTP/1.1 (an
httpx stream per watcher costs the load generator several times the CPU the API spends per
frame, on the same two cores).

It follows as ``qgjob submit --wait`` does (cli/qgjob_cli/follow.py): ``GET
/v1/suites/{id}/events`` without a cursor first (a snapshot frame, then the live events),
and when the stream ends or breaks before every job's terminal event came, again with
``Last-Event-ID`` set to the last event id it received."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import orjson

from qgjob_schemas import TERMINAL_STATUSES

TERMINAL = {s.value for s in TERMINAL_STATUSES}
MAX_CONNECTS = 20
TRANSIENT = {b"502", b"503", b"504"}
BACKOFF_S = (0.5, 1.0, 2.0)
"""As the CLI (cli/qgjob_cli/follow.py): an API briefly unavailable is tried again."""


class Unavailable(Exception):
    """502, 503 or 504: tried again after a pause."""


class StreamError(Exception):
    """The API answered something other than an event stream."""


@dataclass
class Followed:
    """What one watcher saw of one suite."""

    suite_id: str
    job_ids: list[str]
    submitted_at: float
    snapshot_at: float = 0.0
    """When the first connection's snapshot frame arrived (this clock: events written in
    Redis after it must come as frames; earlier ones are in the snapshot)."""
    ids: list[str] = field(default_factory=list)
    """Every event id received, in order (a duplicate appears twice)."""
    received_at: list[float] = field(default_factory=list)
    terminal: list[bool] = field(default_factory=list)
    connects: int = 0
    unavailable: int = 0
    """Answers 502/503/504 (the API had no store connection free, ...), each tried again."""
    finished_first: bool = False
    """The snapshot already showed the suite finished (the watcher came late): its events
    were all before the snapshot, and none comes as a frame."""
    read_to_end: bool = False
    """The stream ended before every terminal frame; a read of the suite said it was
    finished (its other terminal events came before the snapshot)."""
    done: bool = False
    error: str = ""


@dataclass
class Endpoint:
    host: str
    port: int
    token: str

    @classmethod
    def of(cls, url: str, token: str) -> Endpoint:
        u = urlsplit(url)
        return cls(u.hostname or "127.0.0.1", u.port or 80, token)


async def follow(api: Endpoint, f: Followed, deadline: float) -> Followed:
    """Follow the suite until every one of its jobs' terminal events came, the stream ended
    after it, or ``deadline`` (monotonic)."""
    finished: set[str] = set()
    while f.connects < MAX_CONNECTS:
        f.connects += 1
        cursor = f.ids[-1] if f.ids else None
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            await asyncio.wait_for(_connection(api, f, cursor, finished), remaining)
        except TimeoutError:  # before OSError: it is one
            f.error = "timed out"
            return f
        except (OSError, asyncio.IncompleteReadError) as exc:
            f.error = f"{type(exc).__name__}: {exc}"  # reconnect, as the CLI does
            continue
        except Unavailable as exc:
            f.error = str(exc)
            pause = BACKOFF_S[min(f.unavailable, len(BACKOFF_S) - 1)]
            f.unavailable += 1
            await asyncio.sleep(pause)  # the CLI's backoff, not a wait for anything
            continue
        except StreamError as exc:
            f.error = str(exc)
            return f
        if len(finished) == len(f.job_ids) or f.finished_first:
            f.done, f.error = True, ""
            return f
        # ended before every job's terminal frame came (some came before the snapshot): as
        # the CLI, read the suite before following it again
        if await _finished(api, f.suite_id):
            f.done, f.error, f.read_to_end = True, "", True
            return f
    return f


async def _finished(api: Endpoint, suite_id: str) -> bool:
    """``GET /v1/suites/{id}``: whether every job of the suite is finished (``False`` when
    it cannot be read: the stream is followed again)."""
    try:
        return await _read_finished(api, suite_id)
    except (OSError, asyncio.IncompleteReadError, StreamError):
        return False


async def _read_finished(api: Endpoint, suite_id: str) -> bool:
    reader, writer = await asyncio.open_connection(api.host, api.port)
    try:
        writer.write(
            (
                f"GET /v1/suites/{suite_id} HTTP/1.1\r\nHost: {api.host}:{api.port}\r\n"
                f"Authorization: Bearer {api.token}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status in TRANSIENT:
            return False
        if status != b"200":
            raise StreamError(f"GET suite: HTTP {status.decode()}")
        return bool(orjson.loads(await reader.read()).get("finished"))
    finally:
        writer.close()


async def _connection(api: Endpoint, f: Followed, cursor: str | None, finished: set[str]) -> None:
    """One connection: its frames recorded until the server ends the stream."""
    reader, writer = await asyncio.open_connection(api.host, api.port)
    try:
        resume = f"Last-Event-ID: {cursor}\r\n" if cursor else ""
        writer.write(
            (
                f"GET /v1/suites/{f.suite_id}/events HTTP/1.1\r\n"
                f"Host: {api.host}:{api.port}\r\n"
                f"Authorization: Bearer {api.token}\r\n"
                f"Accept: text/event-stream\r\n{resume}\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status in TRANSIENT:
            raise Unavailable(f"HTTP {status.decode()}")
        if status != b"200" or b"text/event-stream" not in head.lower():
            raise StreamError(f"HTTP {status.decode()}: {head[:200]!r}")
        buf = b""
        while True:
            size = int((await reader.readline()).split(b";", 1)[0], 16)
            if size == 0:
                await reader.readline()
                return
            buf += await reader.readexactly(size + 2)
            now = time.time()
            buf = buf[:-2]  # the chunk's own CRLF
            *frames, buf = buf.split(b"\n\n")
            for frame in frames:
                _take(f, frame, now, finished)
    finally:
        writer.close()


def _take(f: Followed, frame: bytes, now: float, finished: set[str]) -> None:
    event_id = data = b""
    snapshot = False
    for line in frame.split(b"\n"):
        if line.startswith(b"id: "):
            event_id = line[4:]
        elif line.startswith(b"data: "):
            data = line[6:]
        elif line == b"event: snapshot":
            snapshot = True
    if snapshot:
        if not f.snapshot_at:
            f.snapshot_at = now
            f.finished_first = bool(orjson.loads(data).get("finished"))
        return
    if not event_id:
        return  # retry: or a keep-alive comment
    event = orjson.loads(data)
    terminal = event["status"] in TERMINAL
    if terminal:
        finished.add(event["job_id"])
    f.ids.append(event_id.decode())
    f.received_at.append(now)
    f.terminal.append(terminal)
