"""Reading a server-sent event stream on a thread of its own, so that the reader of its
frames can wait with a deadline (a blocking read cannot be interrupted)."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Frame:
    """One event: ``id``, ``event`` (``message`` unless named) and ``data`` parsed as JSON."""

    id: str | None = None
    event: str = "message"
    data: Any = None


class StreamEnded(Exception):
    """The server closed the stream."""


def parse(lines: Iterable[str]) -> Iterator[Frame]:
    """Frames from the lines of an event stream; comments (keep-alives) and ``retry:`` are
    skipped, and so is a frame whose data is not JSON."""
    frame, data = Frame(), list[str]()
    for line in lines:
        if line == "":
            if data:
                try:
                    frame.data = json.loads("\n".join(data))
                except ValueError:
                    frame.data = None
                if frame.data is not None:
                    yield frame
            frame, data = Frame(), list[str]()
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id":
            frame.id = value
        elif name == "event":
            frame.event = value
        elif name == "data":
            data.append(value)


class FrameReader:
    """Puts the frames of ``response`` on a queue from a daemon thread; :meth:`get` waits
    for the next one up to a timeout. The thread ends with the stream."""

    def __init__(self, response: httpx.Response) -> None:
        self._queue: queue.Queue[Frame | BaseException] = queue.Queue()
        self._response = response
        self._thread = threading.Thread(target=self._run, name="qgjob-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for frame in parse(self._response.iter_lines()):
                self._queue.put(frame)
            self._queue.put(StreamEnded())
        except BaseException as exc:  # handed to the reader, who decides
            self._queue.put(exc)

    def get(self, timeout: float) -> Frame | None:
        """The next frame; ``None`` when none came in ``timeout`` seconds. Raises
        :class:`StreamEnded` at the end of the stream, or the error that broke it."""
        try:
            item = self._queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        if isinstance(item, BaseException):
            raise item
        return item
