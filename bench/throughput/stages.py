"""Which stage of the pipeline a Redis command belongs to, from the command itself: the Lua
script it runs (known by its SHA1), the stream it reads, or the key it touches."""

from __future__ import annotations

import hashlib

from qgjob_core.settings import StoreSettings
from qgjob_store.keys import Keys
from qgjob_store.scripts import SCRIPT_NAMES, build_source

HOT_STAGES = ("submit", "group", "dispatch", "start", "finish")
"""The hot path of a job, in order."""

SCRIPT_STAGE = {
    "submit": "submit",
    "join": "group",
    "view": "dispatch",
    "dispatch": "dispatch",
    "acquire": "start",
    "heartbeat": "start",
    "start": "start",
    "finish": "finish",
    "close": "finish",
    "installed": "finish",
    "renew": "background",
    "promote": "background",
    "release": "background",
    "log": "finish",
    "preempt": "dispatch",
    "recover": "background",
    "forget": "background",
    "ratelimit": "submit",
    "slot": "start",
    "build": "other",
    "cancel": "other",
    "requeue": "other",
}
"""``heartbeat`` counts as start: a worker beats when it is free for work."""

COMMAND_STAGE = {
    b"XAUTOCLAIM": "background",
    # a worker lists what it holds in its target's assignment stream, and waits to be woken
    b"XPENDING": "start",
    b"BLPOP": "start",
    b"HGETALL": "read",
    b"EXISTS": "read",
    b"GET": "read",
    **{
        name: "setup"
        for name in (b"HELLO", b"CLIENT", b"SELECT", b"PING", b"XGROUP", b"SCRIPT", b"INFO")
    },
}
"""Stages of commands sent outside scripts (``setup``: connection and consumer-group set-up,
script loading)."""

LOG_COMMANDS = {b"APPEND", b"STRLEN", b"GETRANGE", b"SET"}
"""Commands on a job's log: part of finishing a job."""


def script_names() -> dict[bytes, str]:
    """SHA1 (hex, as EVALSHA sends it) of each script as the services build it."""
    retention = StoreSettings().retention()
    return {
        hashlib.sha1(build_source(name, retention).encode()).hexdigest().encode(): name
        for name in SCRIPT_NAMES
    }


class StageOf:
    """``StageOf(keys)(command)`` is the stage a command belongs to."""

    def __init__(self, keys: Keys) -> None:
        self.scripts = script_names()
        self.jobs_stream = keys.jobs_stream().encode()
        self.assign_prefix = keys.assign("").encode()
        head, tail = keys.job_log("\0").split("\0")
        self.log_key = (head.encode(), tail.encode())

    def __call__(self, command: list[bytes]) -> str:
        name = command[0].upper()
        if name in (b"EVALSHA", b"EVAL"):
            return self._script_stage(command)
        if name == b"XREADGROUP":
            return self._read_stage(command)
        if name in LOG_COMMANDS and len(command) > 1 and self._is_log(command[1]):
            return "finish"
        return COMMAND_STAGE.get(name, "other")

    def _script_stage(self, command: list[bytes]) -> str:
        if command[0].upper() == b"EVAL":
            sha = hashlib.sha1(command[1]).hexdigest().encode()
        else:
            sha = command[1].lower()
        name = self.scripts.get(sha)
        return SCRIPT_STAGE.get(name, "other") if name else "unknown script"

    def _is_log(self, key: bytes) -> bool:
        head, tail = self.log_key
        return key.startswith(head) and key.endswith(tail)

    def _read_stage(self, command: list[bytes]) -> str:
        upper = [c.upper() for c in command]
        if b"STREAMS" not in upper:
            return "other"
        stream = command[upper.index(b"STREAMS") + 1]
        if stream == self.jobs_stream:
            return "group"
        if stream.startswith(self.assign_prefix):
            return "start"
        return "other"
