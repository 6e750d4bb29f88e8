"""Every write script is safe to repeat: run twice with the same arguments (as a redis-py
retry after a lost reply, or the missing-script fallback, does), it leaves the store as one
run does, and answers the same. One table, one row per write script at least; a script
added without a row fails the coverage test. On a real redis-server."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pytest

from qgjob_schemas import JobPayload, JobResult, Outcome
from qgjob_store import JobStore, NewJob, Store, WorkerStore
from qgjob_store.scripts import SCRIPT_NAMES
from tests.integration.helpers import (
    give,
    group_all,
    raw_assignment,
    read_and_acquire,
    register,
    scheduler_reader,
)

LOG_MAX = 1 << 20
RESULT = JobResult(outcome=Outcome.PASSED).model_dump_json()


# --- the world each row starts from ---------------------------------------------------------


async def jobs(s: Store, n: int = 2, *, suite: str | None = None) -> None:
    store = JobStore(s)
    payload = JobPayload(org_id="org1", app_version_id="A", test_path="t.spec.js")
    await store.submit([NewJob(f"j{i + 1}", payload, 3, suite) for i in range(n)])


async def grouped(s: Store) -> None:
    await jobs(s)
    assert await group_all(s) == ["g1"]


async def given(s: Store) -> None:
    await grouped(s)
    await register(s, "w1")
    assert await give(s, "g1", "w1") == ["g1"]


async def held(s: Store) -> tuple[str, str]:
    """g1 acquired by w1: (epoch, entry id)."""
    await given(s)
    lease = await read_and_acquire(s, "w1")
    return lease.epoch, lease.entry_id


async def running(s: Store) -> tuple[str, str]:
    epoch, eid = await held(s)
    reply = await s.scripts.run("start", "g1", epoch, "j1", "w1")
    assert reply[0] == "ok"
    return epoch, eid


def finish_args(
    epoch: str, outcome: str = "passed", *, final: bool = False, next_job: str = ""
) -> list[Any]:
    """finish's arguments: its options packed, then the result, log tail and output."""
    options = {"group": "g1", "epoch": epoch, "job": "j1", "worker": "w1", "outcome": outcome,
               "error": "", "backoff": 0, "final": final, "alpha": 0.3, "log_bytes": LOG_MAX,
               "next": next_job}  # fmt: skip
    return [options, RESULT, "", "out\n"]


# --- rows: a setup that returns the script's arguments (after the key base) ----------------

Setup = Callable[[Store], Awaitable[list[Any]]]


@dataclass(frozen=True)
class Row:
    script: str
    setup: Setup
    same_reply: bool = True
    """Whether the repeat answers as the first call (False: only the state must match)."""


async def submit_args(s: Store) -> list[Any]:
    body = [
        {
            "id": "j1",
            "org_id": "org1",
            "target": "emulator",
            "suite_id": "",
            "fields": [
                "org_id",
                "org1",
                "app_version_id",
                "A",
                "test_path",
                "t",
                "priority",
                "normal",
                "target",
                "emulator",
                "max_attempts",
                3,
            ],
        }
    ]
    return [json.dumps(body), 0, 0, "", ""]


async def publish_args(s: Store) -> list[Any]:
    def body(i: int) -> str:
        return json.dumps([{"id": f"j{i}", "org_id": "org1", "target": "emulator",
                            "suite_id": "s1", "fields": ["org_id", "org1", "app_version_id",
                            "A", "test_path", "t", "priority", "normal", "target", "emulator",
                            "max_attempts", 3, "suite_id", "s1"]}])  # fmt: skip

    suite = json.dumps({"id": "s1", "fields": ["org_id", "org1", "total", 2]})
    assert (await s.scripts.run("submit", body(1), 0, 0, suite, "stage:1"))[0] == "staged"
    return [body(2), 0, 0, suite, "publish:2"]


async def stage_args(s: Store) -> list[Any]:
    return [(await publish_args(s))[0], 0, 0, json.dumps({"id": "s2", "fields": []}), "stage:1"]


async def join_args(s: Store) -> list[Any]:
    await jobs(s)
    await s.redis.set(s.keys.job("str"), "not a job")  # and a poison entry among them
    await s.redis.xadd(s.keys.jobs_stream(), {"job": "str"})
    reader = scheduler_reader(s)
    await reader.start()
    entries = await reader.read(block=False)
    args: list[Any] = [50, 60.0]
    for eid, f in entries:
        args += [eid, f["job"]]
    return args


async def view_args(s: Store) -> list[Any]:
    await grouped(s)
    await register(s, "w1")
    for jid in ("j1", "j2"):  # a waiting group left with nothing, as stored before
        await s.redis.hset(s.keys.job(jid), "status", "cancelled")
    await s.redis.hset(s.keys.group("g1"), "left", 0)
    return ["", "", 100, "waiting", "", "0"]


async def dispatch_args(s: Store) -> list[Any]:
    await grouped(s)
    await register(s, "w1")
    return ["plan1", "g1", "w1", ""]


async def acquire_args(s: Store) -> list[Any]:
    await given(s)
    ws = WorkerStore(s, "w1", "emulator")
    reader = ws.reader(s, block_ms=10)
    await reader.start()
    (entry,) = await reader.read(block=False)
    return ["g1", "w1", entry[0], "token1", "emulator"]


async def renew_args(s: Store) -> list[Any]:
    epoch, eid = await held(s)
    return ["g1", epoch, "w1", eid]


async def start_args(s: Store) -> list[Any]:
    epoch, _ = await held(s)
    return ["g1", epoch, "j1", "w1"]


async def finish_row(s: Store) -> list[Any]:
    epoch, _ = await running(s)
    return finish_args(epoch, next_job="j2")


async def finish_error_row(s: Store) -> list[Any]:
    epoch, _ = await running(s)
    return finish_args(epoch, "error")


async def log_args(s: Store) -> list[Any]:
    epoch, _ = await running(s)
    options = {"group": "g1", "epoch": epoch, "job": "j1", "worker": "w1", "chunk": 1,
               "max_bytes": LOG_MAX}  # fmt: skip
    return [options, "some output\n"]


async def close_args(s: Store) -> list[Any]:
    epoch, eid = await running(s)
    await s.scripts.run("finish", *finish_args(epoch, next_job="j2"))
    j2 = finish_args(epoch)
    j2[0]["job"] = "j2"
    await s.scripts.run("finish", *j2)
    return ["g1", epoch, "w1", eid, 2]


async def release_args(s: Store) -> list[Any]:
    epoch, eid = await held(s)
    return ["g1", epoch, "w1", eid, "yield"]


async def release_error_args(s: Store) -> list[Any]:
    epoch, eid = await held(s)
    return ["g1", epoch, "w1", eid, "error"]


async def release_unrecorded_args(s: Store) -> list[Any]:
    """The third time an error could not be recorded: the group's jobs end dead."""
    epoch, eid = await held(s)
    await s.redis.hset(s.keys.group("g1"), "unrecorded", 2)
    return ["g1", epoch, "w1", eid, "unrecorded"]


async def installed_args(s: Store) -> list[Any]:
    epoch, _ = await held(s)
    options = {"group": "g1", "epoch": epoch, "installed": "1", "seconds": "1.5", "alpha": 0.3,
               "worker": "w1", "versions": '["A"]'}  # fmt: skip
    return [options]


async def promote_args(s: Store) -> list[Any]:
    epoch, _ = await running(s)
    await s.scripts.run("finish", *finish_args(epoch, "error"))
    return [100]


async def cancel_waiting_args(s: Store) -> list[Any]:
    await grouped(s)
    return ["j1"]


async def cancel_running_args(s: Store) -> list[Any]:
    await running(s)
    return ["j1"]


async def requeue_args(s: Store) -> list[Any]:
    epoch, _ = await running(s)
    await s.scripts.run("finish", *finish_args(epoch, "error", final=True))
    return ["j1"]


def beat(state: str, detail: str = "") -> dict[str, Any]:
    return {"worker": "w1", "target": "emulator", "state": state, "ttl_ms": 60000,
            "capacity": 1, "versions": "[]", "lease_ms": 30000, "detail": detail}  # fmt: skip


async def heartbeat_args(s: Store) -> list[Any]:
    return [beat("idle")]


async def heartbeat_unhealthy_args(s: Store) -> list[Any]:
    await register(s, "w1")  # idle before: this beat starts unhealthy_since and the detail
    return [beat("unhealthy", "error: device 'x' not found")]


async def slot_take_args(s: Store) -> list[Any]:
    return ["take", "run1", 2, 60]


async def slot_give_args(s: Store) -> list[Any]:
    await s.scripts.run("slot", "take", "run1", 2, 60)
    return ["give", "run1", 0, 0]


async def build_args(s: Store) -> list[Any]:
    return ["org1", "A", '["sha256", "ab12", "size", "3"]']


async def ratelimit_args(s: Store) -> list[Any]:
    return ["org1", 10, 20, 1, "request1"]


async def lead_args(s: Store) -> list[Any]:
    return ["s1", 1000]


async def preempt_args(s: Store) -> list[Any]:
    await held(s)
    return ["g1"]


async def recover_args(s: Store) -> list[Any]:
    await given(s)
    await s.redis.delete(s.keys.heartbeat("w1"))  # w1 is gone before taking its group
    return [30000]


async def forget_args(s: Store) -> list[Any]:
    await register(s, "w1")
    await s.redis.delete(s.keys.heartbeat("w1"))
    await s.redis.hset(s.keys.worker("w1"), "heartbeat", "1000.000000")
    return [60, "0"]


async def prune_args(s: Store) -> list[Any]:
    await jobs(s, 1)
    holding = scheduler_reader(s, "s1")  # holds an entry: it stays
    await holding.start()
    assert len(await holding.read(block=False)) == 1
    assert await scheduler_reader(s, "s2").read(block=False) == []  # holds nothing: it goes
    return [-1, "", "-"]  # any idle time is long enough; the jobs stream's consumers


async def prune_target_args(s: Store) -> list[Any]:
    await jobs(s, 1)
    (gid,) = await group_all(s)
    await register(s, "w1")
    await give(s, gid, "w1")
    await s.redis.delete(s.keys.group(gid))  # its entry is now one of no group: settled
    return [-1, "emulator", "-"]


async def poison_jobs_args(s: Store) -> list[Any]:
    await jobs(s, 1)
    reader = scheduler_reader(s)
    await reader.start()
    ((eid, f),) = await reader.read(block=False)
    return ["jobs", "", "", eid, f["job"], 11]


async def poison_assignment_args(s: Store) -> list[Any]:
    _, eid = await held(s)
    return ["assign", "w1", "emulator", eid, "g1", 11]


async def poison_stray_assignment_args(s: Store) -> list[Any]:
    """An entry in w1's list that is no group's: dead-lettered once, and acked."""
    await given(s)
    eid = await raw_assignment(s, {"group": "g1"})
    return ["assign", "w1", "emulator", eid, "g1", 11]


ROWS: dict[str, Row] = {
    "submit": Row("submit", submit_args, same_reply=False),
    "submit, suite staged": Row("submit", stage_args),
    "submit, suite published": Row("submit", publish_args, same_reply=False),
    "join": Row("join", join_args, same_reply=False),
    "view": Row("view", view_args, same_reply=False),
    "lead": Row("lead", lead_args),
    "dispatch": Row("dispatch", dispatch_args),
    "acquire": Row("acquire", acquire_args),
    "renew": Row("renew", renew_args),
    "start": Row("start", start_args),
    "finish": Row("finish", finish_row),
    "finish, error to retry": Row("finish", finish_error_row),
    "log": Row("log", log_args),
    "close": Row("close", close_args),
    "release": Row("release", release_args),
    "release, after an error": Row("release", release_error_args),
    "release, unrecorded error struck out": Row("release", release_unrecorded_args),
    "installed": Row("installed", installed_args),
    "promote": Row("promote", promote_args, same_reply=False),
    "cancel, waiting job": Row("cancel", cancel_waiting_args, same_reply=False),
    "cancel, running job": Row("cancel", cancel_running_args),
    "requeue": Row("requeue", requeue_args, same_reply=False),
    "heartbeat": Row("heartbeat", heartbeat_args, same_reply=False),
    "heartbeat, unhealthy": Row("heartbeat", heartbeat_unhealthy_args, same_reply=False),
    "slot, take": Row("slot", slot_take_args),
    "slot, give": Row("slot", slot_give_args),
    "build": Row("build", build_args, same_reply=False),
    "ratelimit": Row("ratelimit", ratelimit_args),
    "preempt": Row("preempt", preempt_args),
    "recover": Row("recover", recover_args, same_reply=False),
    "forget": Row("forget", forget_args, same_reply=False),
    "prune": Row("prune", prune_args, same_reply=False),
    "prune, a target's assignments": Row("prune", prune_target_args, same_reply=False),
    "poison, jobs stream": Row("poison", poison_jobs_args, same_reply=False),
    "poison, assignment": Row("poison", poison_assignment_args, same_reply=False),
    "poison, stray assignment": Row("poison", poison_stray_assignment_args, same_reply=False),
}
"""``same_reply=False`` where the repeat's answer says "nothing (more) to do" (a count of 0,
``conflict`` for a job already cancelled or requeued, ``exists`` for a build, a new time):
the state is what must not change."""

READ_ONLY: frozenset[str] = frozenset()
"""Scripts that write nothing (none so far: even the snapshot drops stale index entries)."""


def test_every_script_has_a_row() -> None:
    files = {
        p.name[: -len(".lua")]
        for p in resources.files("qgjob_store").joinpath("lua").iterdir()
        if p.name.endswith(".lua")
    }
    assert files == set(SCRIPT_NAMES), "every script file is registered, and only those"
    assert {row.script for row in ROWS.values()} == set(SCRIPT_NAMES) - READ_ONLY


# --- comparing the state of two prefixes ----------------------------------------------------

_MASKS = [
    (re.compile(r"\d{10}\.\d{6}"), "<time>"),  # store times (fmt(now()))
    (re.compile(r"\b\d{13}-\d+\b"), "<entry>"),  # stream entry ids
    (re.compile(r"\b[0-9a-f]{32}\b"), "<token>"),  # acquire tokens made per call
    (re.compile(r"tput:\d+"), "tput:<minute>"),
]


_DURATION = re.compile(r"\d+\.\d{6}")


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        for pattern, repl in _MASKS:
            value = pattern.sub(repl, value)
        return value
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {_mask(k): _mask(v) for k, v in value.items()}
    return value


async def _state(s: Store) -> dict[str, Any]:
    """Every key of the prefix: its type, value and whether it expires (times masked)."""
    r, base = s.redis, s.keys.base
    out: dict[str, Any] = {}
    async for key in r.scan_iter(match=base + "*", count=1000):
        kind = await r.type(key)
        if kind == "hash":
            value: Any = await r.hgetall(key)
        elif kind == "string":
            value = await r.get(key)
        elif kind == "list":
            value = await r.lrange(key, 0, -1)
        elif kind == "set":
            value = sorted(await r.smembers(key))
        elif kind == "zset":
            value = [(m, round(sc) if sc < 1e9 else "<time>")
                     for m, sc in await r.zrange(key, 0, -1, withscores=True)]  # fmt: skip
        else:  # stream: its entries' fields, and what each group and consumer has pending
            groups = await r.xinfo_groups(key)
            value = {
                "entries": [f for _, f in await r.xrange(key)],
                "groups": [(g["name"], g["pending"]) for g in groups],
                "consumers": [
                    (g["name"], c["name"], c["pending"])
                    for g in groups
                    for c in await r.xinfo_consumers(key, g["name"])
                ],
            }
        name = _mask(key[len(base) :])
        if key == s.keys.sched_log():
            # what it names, not how often: a repeated call may name again what it wrote (the
            # scheduler's view reads those again, which changes nothing)
            value = sorted({tuple(sorted(f.items())) for f in value["entries"]})
        if name.startswith(("waits", "durations")):  # measured times, not state to compare
            value = _DURATION.sub("<seconds>", json.dumps(value))
        out[name] = (kind, _mask(value), await r.ttl(key) > 0)
    return out


async def check_row(url: str, row: str) -> None:
    """Run ``row``'s script once under one prefix and twice under another; compare."""
    spec = ROWS[row]
    name = row.replace(" ", "").replace(",", "-") + uuid.uuid4().hex[:8]
    once = Store.open(url, prefix="once" + name)
    twice = Store.open(url, prefix="twice" + name)
    try:
        first = await once.scripts.run(spec.script, *await spec.setup(once))
        args = await spec.setup(twice)
        reply = await twice.scripts.run(spec.script, *args)
        again = await twice.scripts.run(spec.script, *args)
        assert _mask(reply) == _mask(first)
        if spec.same_reply:
            assert _mask(again) == _mask(reply)
        assert await _state(twice) == await _state(once)
    finally:
        for s in (once, twice):
            keys = [k async for k in s.redis.scan_iter(match=s.keys.base + "*")]
            if keys:
                await s.redis.delete(*keys)
            await s.close()


@pytest.mark.parametrize("row", list(ROWS))
async def test_a_write_script_run_twice_leaves_what_one_run_leaves(
    redis_url: str, row: str
) -> None:
    await check_row(redis_url, row)
