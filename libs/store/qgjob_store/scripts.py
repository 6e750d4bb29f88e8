"""The Lua scripts that make every state change atomic.

Each script is ``lua/<name>.lua`` with a generated header (key names from
:mod:`qgjob_store.keys`, retention settings) and ``lua/prelude.lua`` in front. ``ARGV[1]``
of every call is the key base; :class:`Scripts` passes it for you.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript

from qgjob_schemas import JobStatus, Priority, Target
from qgjob_store.keys import Keys, lua_prelude_keys

SCRIPT_NAMES = (
    "submit",
    "join",
    "snapshot",
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


def _read(name: str) -> str:
    return resources.files("qgjob_store").joinpath("lua", f"{name}.lua").read_text("utf-8")


def _lua_set(name: str, values: Iterable[StrEnum]) -> str:
    """A Lua set of an enum's values, so scripts check stored fields against the models."""
    return f"local {name} = {{ " + ", ".join(f"['{v.value}'] = true" for v in values) + " }"


def build_source(name: str, retention: Retention) -> str:
    """The full Lua text of one script, header and prelude included."""
    return with_prelude(_read(name), retention)


def with_prelude(body: str, retention: Retention) -> str:
    """``body`` with the generated header and the prelude in front (its helpers in scope)."""
    header = "\n".join(
        [
            "local B = ARGV[1]",
            lua_prelude_keys(),
            f"local JOB_TTL = {int(retention.job_ttl_s)}",
            f"local GROUP_TTL = {int(retention.group_ttl_s)}",
            f"local EVENTS_MAXLEN = {int(retention.events_maxlen)}",
            f"local DEAD_MAXLEN = {int(retention.dead_maxlen)}",
            _lua_set("STATUSES", JobStatus),
            _lua_set("TARGETS", Target),
            _lua_set("PRIORITIES", Priority),
        ]
    )
    return "\n".join([header, _read("prelude"), body])


class Scripts:
    """The registered scripts of one client; call ``await scripts.run("submit", arg, ...)``."""

    def __init__(self, redis: Redis, keys: Keys, retention: Retention | None = None) -> None:
        self._keys = keys
        retention = retention or Retention()
        self._scripts: dict[str, AsyncScript] = {
            name: redis.register_script(build_source(name, retention)) for name in SCRIPT_NAMES
        }

    def script(self, name: str) -> AsyncScript:
        return self._scripts[name]

    async def run(self, name: str, *args: Any, client: Pipeline | None = None) -> Any:
        """Run script ``name`` with ``args`` as ``ARGV[2:]`` (EVALSHA, EVAL on NOSCRIPT);
        with ``client``, queue it on that pipeline instead."""
        # one key of the deployment's slot, so a cluster client routes the call to its node
        route = [self._keys.jobs_stream()]
        return await self._scripts[name](keys=route, args=[self._keys.base, *args], client=client)
