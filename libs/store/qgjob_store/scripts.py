"""The Lua scripts that make every state change atomic.

Each script is ``lua/<name>.lua``: a header that names its KEYS, ARGV and reply, the
helpers it includes (``lua/includes/``), then its code; :mod:`qgjob_store.lua_source`
assembles what it ships as, and :mod:`qgjob_store.script_keys` reads its KEYS. A call passes
those KEYS, computed from its arguments by the header's declarations, and ``ARGV[1]``, the
key base; :class:`Scripts` does both for you. A packed argument (a dict or a list) goes as
its JSON, which the script reads with ``cjson`` (Redis and fakeredis both have it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript
from redis.exceptions import ResponseError

from qgjob_schemas import JobStatus, Priority, Target
from qgjob_store.keys import Keys
from qgjob_store.lua_source import Source, assemble, read_lua

SCRIPT_NAMES = (
    "submit",
    "join",
    "view",
    "lead",
    "dispatch",
    "acquire",
    "renew",
    "start",
    "finish",
    "log",
    "close",
    "release",
    "installed",
    "promote",
    "cancel",
    "requeue",
    "heartbeat",
    "slot",
    "build",
    "ratelimit",
    "preempt",
    "recover",
    "forget",
    "poison",
    "prune",
)


@dataclass(frozen=True)
class Retention:
    """How long finished records live and how long streams grow."""

    job_ttl_s: int = 7 * 24 * 3600
    group_ttl_s: int = 24 * 3600
    events_maxlen: int = 1_000_000
    dead_maxlen: int = 100_000


def _lua_set(name: str, values: Iterable[StrEnum]) -> str:
    """A Lua set of an enum's values, so scripts check stored fields against the models."""
    return f"local {name} = {{ " + ", ".join(f"['{v.value}'] = true" for v in values) + " }"


def generated(retention: Retention) -> dict[str, str]:
    """The Lua definitions a script gets when its code uses the name they define."""
    return {
        "JOB_TTL": f"local JOB_TTL = {int(retention.job_ttl_s)}",
        "GROUP_TTL": f"local GROUP_TTL = {int(retention.group_ttl_s)}",
        "EVENTS_MAXLEN": f"local EVENTS_MAXLEN = {int(retention.events_maxlen)}",
        "DEAD_MAXLEN": f"local DEAD_MAXLEN = {int(retention.dead_maxlen)}",
        "STATUSES": _lua_set("STATUSES", JobStatus),
        "TARGETS": _lua_set("TARGETS", Target),
        "PRIORITIES": _lua_set("PRIORITIES", Priority),
        "unpack": "local unpack = unpack or table.unpack",  # Lua 5.1 has it global, 5.2+ not
    }


@cache
def load_source(name: str, retention: Retention) -> Source:
    """Script ``name`` as it ships: header, generated definitions, includes, code."""
    return assemble(name, read_lua(name), generated(retention))


def build_source(name: str, retention: Retention) -> str:
    """The full Lua text of one script."""
    return load_source(name, retention).text


def compose(name: str, text: str, retention: Retention | None = None) -> Source:
    """A script that is not one of :data:`SCRIPT_NAMES` (a test's, a benchmark's) from its
    ``text``, written as the scripts are (header with KEYS, ``--- @include`` lines)."""
    return assemble(name, text, generated(retention or Retention()))


def packed(value: Any) -> Any:
    """An argument as sent: a dict or a list as its JSON (read with ``cjson.decode``)."""
    return orjson.dumps(value) if isinstance(value, dict | list) else value


def call_args(source: Source, keys: Keys, args: Sequence[Any]) -> tuple[list[str], list[Any]]:
    """The KEYS and ARGV of a call of ``source`` with ``args`` (``ARGV[2:]``)."""
    argv = [keys.base, *args]
    return source.keys.binder(keys)(argv), [keys.base, *map(packed, args)]


class Scripts:
    """The registered scripts of one client; call ``await scripts.run("submit", arg, ...)``."""

    def __init__(self, redis: Redis, keys: Keys, retention: Retention | None = None) -> None:
        self._keys = keys
        retention = retention or Retention()
        self._sources = {name: load_source(name, retention) for name in SCRIPT_NAMES}
        self._scripts: dict[str, AsyncScript] = {
            name: redis.register_script(src.text) for name, src in self._sources.items()
        }
        self._binders = {name: src.keys.binder(keys) for name, src in self._sources.items()}

    def script(self, name: str) -> AsyncScript:
        return self._scripts[name]

    def source(self, name: str) -> Source:
        return self._sources[name]

    def call(self, name: str, args: Sequence[Any]) -> tuple[list[str], list[Any]]:
        """The KEYS (declared in the script's header) and ARGV of calling ``name`` with
        ``args``: ``ARGV[1]`` is the key base, a dict or list argument goes as its JSON."""
        base = self._keys.base
        keys = self._binders[name]([base, *args])
        return keys, [base, *map(packed, args)]

    def explained(self, name: str, error: ResponseError) -> ResponseError:
        """``error`` of script ``name``, its message naming the script and the source line."""
        error.args = (self._sources[name].explain(str(error)), *error.args[1:])
        return error

    async def run(self, name: str, *args: Any, client: Pipeline | None = None) -> Any:
        """Run script ``name`` with ``args`` as ``ARGV[2:]`` and the KEYS its header declares
        (EVALSHA, EVAL on NOSCRIPT); with ``client``, queue it on that pipeline instead."""
        keys, argv = self.call(name, args)
        try:
            return await self._scripts[name](keys=keys, args=argv, client=client)
        except ResponseError as e:
            self.explained(name, e)
            raise
