"""Every command Redis ran, with its time, from the slow log: ``slowlog-log-slower-than 0``
logs each one, and a thread reads and resets the log (one MULTI, so nothing falls between
the read and the reset). Redis 7.0 logs each command a script calls as well (a snapshot at
5,000 workers calls some 20,000), so the log is on in samples: ``on_s`` of every
``every_s``, the figures being those of the calls in the samples; and a logged script runs
slower than it would (each command it calls is copied into the log). An ``EVALSHA`` is
named by its script through qgjob_store's script registry (the SHA1 of each script's
text)."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import redis

from bench.throughput.loadgen import percentile
from qgjob_store.keys import Keys
from qgjob_store.scripts import SCRIPT_NAMES, Scripts

MAX_LEN = 2_000_000
"""Entries the log keeps between two reads (well above what a read interval brings)."""
OWN = {"slowlog", "multi", "exec"}
"""The collector's own commands, left out of the figures."""


def script_names() -> dict[str, str]:
    """SHA1 → script name, as the services register them (default retention)."""
    scripts = Scripts(redis.asyncio.Redis(), Keys("x"))
    return {scripts.script(n).sha: n for n in SCRIPT_NAMES}


class SlowlogCollector:
    def __init__(self, url: str, every_s: float, on_s: float) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=False, socket_timeout=60)
        self.every_s, self.on_s = every_s, on_s
        self.paused = False
        self.names = script_names()
        self.times_us: dict[str, list[int]] = defaultdict(list)
        """Execution time of every call, by command (scripts by name: ``script:finish``)."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> SlowlogCollector:
        self.client.config_set("slowlog-max-len", MAX_LEN)
        self.client.slowlog_reset()
        self._thread = threading.Thread(target=self._loop, name="slowlog", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                on = not self.paused
                if on:
                    self.client.config_set("slowlog-log-slower-than", 0)
            if self._stop.wait(self.on_s):
                break
            with self._lock:
                self.client.config_set("slowlog-log-slower-than", -1)
            self.drain()
            self._stop.wait(self.every_s - self.on_s)

    def drain(self) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.execute_command("SLOWLOG", "GET", "-1")  # type: ignore[no-untyped-call]
        pipe.execute_command("SLOWLOG", "RESET")  # type: ignore[no-untyped-call]
        with self._lock:
            entries, _ = pipe.execute()
            for e in entries:
                self._add(e)

    def _add(self, entry: Any) -> None:
        # raw entry: id, start time, duration µs, args, (client address, client name)
        duration, args = int(entry[2]), entry[3]
        cmd = args[0].decode(errors="replace").lower() if args else "?"
        if cmd in OWN:
            return
        if cmd in ("evalsha", "evalsha_ro") and len(args) > 1:
            cmd = "script:" + self.names.get(args[1].decode(errors="replace"), "unknown")
        elif cmd == "eval":
            cmd = "script:eval"
        self.times_us[cmd].append(duration)

    def pause(self) -> None:
        """No sample until :meth:`resume` (a window that must not pay for the log)."""
        with self._lock:
            self.paused = True
            self.client.config_set("slowlog-log-slower-than", -1)
        self.drain()

    def resume(self) -> None:
        # on at once: waiting for the sampler's next turn could miss a short phase whole
        with self._lock:
            self.paused = False
            self.client.config_set("slowlog-log-slower-than", 0)

    def take(self) -> dict[str, list[int]]:
        """The times gathered since the last take (a phase's), after a last read."""
        self.drain()
        with self._lock:
            out, self.times_us = dict(self.times_us), defaultdict(list)
        return out

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        try:
            self.client.config_set("slowlog-log-slower-than", 10_000)
            self.client.slowlog_reset()
        except redis.RedisError:
            pass  # the server is gone already
        self.client.close()


def summary(times_us: dict[str, list[int]]) -> dict[str, dict[str, float]]:
    """Per command: calls, p50, p99 and max in ms."""
    return {
        name: {
            "calls": len(ts),
            "p50_ms": round(percentile([float(t) for t in ts], 50) / 1000, 3),
            "p99_ms": round(percentile([float(t) for t in ts], 99) / 1000, 3),
            "max_ms": round(max(ts) / 1000, 3),
        }
        for name, ts in times_us.items()
        if ts
    }


def merged(*phases: dict[str, list[int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for phase in phases:
        for name, ts in phase.items():
            out[name] += ts
    return dict(out)
