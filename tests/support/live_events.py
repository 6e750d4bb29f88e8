"""A client following an org's events live through the API, as a browser's EventSource does:
when the stream drops (the API lost the store, a failover) it connects again with the id of
the last event it saw as ``Last-Event-ID``."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import httpx

RECONNECT_S = 0.2
"""How long the client waits before connecting again (EventSource's ``retry``)."""


@dataclass
class Seen:
    """What the follower saw of one job, in order."""

    statuses: list[str] = field(default_factory=list)


class EventFollower:
    def __init__(self, api_url: str, headers: dict[str, str], org_id: str) -> None:
        self.url = f"{api_url}/v1/events"
        self.headers, self.org_id = headers, org_id
        self.jobs: dict[str, Seen] = {}
        self.last_id: str | None = None
        self.reconnects = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="event-follower", daemon=True)

    def start(self) -> EventFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)
        assert not self._thread.is_alive(), "the event follower did not stop"

    def latest(self) -> dict[str, str]:
        """Each job's latest status as this client saw it."""
        with self._lock:
            return {j: s.statuses[-1] for j, s in self.jobs.items() if s.statuses}

    def seen(self, job_id: str) -> list[str]:
        with self._lock:
            return list(self.jobs.get(job_id, Seen()).statuses)

    def _run(self) -> None:
        timeout = httpx.Timeout(5.0, read=3.0)  # the API sends a keep-alive comment each second
        while not self._stop.is_set():
            headers = dict(self.headers)
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                with (
                    httpx.Client(timeout=timeout) as client,
                    client.stream(
                        "GET", self.url, params={"org_id": self.org_id}, headers=headers
                    ) as response,
                ):
                    if response.status_code == 200:
                        self._read(response)
            except httpx.HTTPError:
                pass
            if not self._stop.is_set():
                self.reconnects += 1
                self._stop.wait(RECONNECT_S)

    def _read(self, response: httpx.Response) -> None:
        event_id, data = None, None
        for line in response.iter_lines():
            if self._stop.is_set():
                return
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data = json.loads(line[5:])
            elif line == "" and data is not None:
                with self._lock:
                    self.jobs.setdefault(data["job_id"], Seen()).statuses.append(data["status"])
                    self.last_id = event_id or self.last_id
                event_id, data = None, None
