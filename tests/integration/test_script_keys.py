"""Each script call passes in KEYS every key it can name before it runs, and every key the
store holds shares their slot. Watched with ``MONITOR`` on a real redis-server: each
``EVALSHA`` is followed by the commands its script ran, so every key a script touched is
seen next to the KEYS it declared."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import orjson
import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from qgjob_store import Store
from qgjob_store.keys import TEMPLATES
from qgjob_store.scripts import SCRIPT_NAMES
from tests.integration.test_repeatable_scripts import ROWS
from tests.support.inprocess import Pipeline, payload

_ARG = re.compile(rb'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"a": b"\a", b"b": b"\b"}


def _unquote(text: bytes) -> bytes:
    """One argument as MONITOR prints it (``sdscatrepr``) back to its bytes."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i : i + 1] == b"\\":
            nxt = text[i + 1 : i + 2]
            if nxt == b"x":
                out.append(int(text[i + 2 : i + 4], 16))
                i += 4
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return bytes(out)


@dataclass
class Call:
    """One script call and the keys its commands named."""

    name: str
    keys: list[str]
    argv: list[str]
    touched: set[str] = field(default_factory=set)


@dataclass
class Watch:
    base: str
    lines: list[tuple[bool, list[str]]] = field(default_factory=list)
    """(run by a script, arguments) of every command seen."""

    def calls(self, names: dict[str, str]) -> list[Call]:
        out: list[Call] = []
        for by_script, args in self.lines:
            if by_script:
                if out:
                    out[-1].touched |= {a for a in args[1:] if a.startswith(self.base)}
                continue
            command = args[0].upper()
            if command not in ("EVALSHA", "EVAL"):
                out.append(Call("", [], []))  # commands of no script end the one before
                continue
            sha = args[1] if command == "EVALSHA" else hashlib.sha1(args[1].encode()).hexdigest()
            n = int(args[2])
            out.append(Call(names.get(sha, "?"), args[3 : 3 + n], args[3 + n :]))
        return [c for c in out if c.name and c.argv[:1] == [self.base]]


@asynccontextmanager
async def watching(url: str, base: str) -> AsyncIterator[Watch]:
    """Every command the server runs meanwhile (the scripts' own too)."""
    watch = Watch(base)
    client = Redis.from_url(url, protocol=2)
    marker = f"end of watch {uuid.uuid4().hex}"
    done = asyncio.Event()

    async def read() -> None:
        async with client.monitor() as m:
            started.set()
            while True:
                raw: bytes = await m.connection.read_response()  # type: ignore[assignment]
                head, _, rest = raw.partition(b"] ")
                args = [_unquote(a).decode("utf-8", "replace") for a in _ARG.findall(rest)]
                if args[:2] == ["ECHO", marker]:
                    done.set()
                    return
                watch.lines.append((head.endswith(b" lua"), args))

    started = asyncio.Event()
    task = asyncio.create_task(read())
    await asyncio.wait_for(started.wait(), 10)
    probe = Redis.from_url(url)
    try:
        await probe.ping()  # MONITOR is on once a command of another client shows
        yield watch
        await probe.echo(marker)
        await asyncio.wait_for(done.wait(), 30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await probe.aclose()
        await client.aclose()


def _ids(key: str, base: str) -> list[str | None]:
    """The id of each template that spells ``key`` (None: a fixed key)."""
    rest = key[len(base) :]
    out: list[str | None] = []
    for text in TEMPLATES.values():
        head, found, tail = text.partition("{}")
        if not found and rest == text:
            out.append(None)
        elif found and rest.startswith(head) and rest.endswith(tail) and len(rest) > len(text) - 2:
            out.append(rest[len(head) : len(rest) - len(tail)])
    return out


def _values(arg: str) -> set[str]:
    """An argument and, packed, every string and number it holds."""
    out = {arg}
    try:
        data = orjson.loads(arg) if arg[:1] in "[{" else None
    except orjson.JSONDecodeError:
        data = None
    todo = [data]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            todo += v.values()
        elif isinstance(v, list):
            todo += v
        elif v is not None:
            out.add(str(v))
    return out


def check(store: Store, calls: list[Call]) -> set[str]:
    """Each call's KEYS are its header's; every key it touched shares their slot and, when
    it is a fixed key or one of an id among the call's arguments, is one of them. Returns
    the names of the scripts seen."""
    base = store.keys.base
    slot = key_slot(store.keys.stats().encode())
    assert calls and any(c.touched for c in calls), "the watch saw no script at work"
    for call in calls:
        source = store.scripts.source(call.name)
        assert call.keys == source.keys.binder(store.keys)(call.argv), call.name
        assert {key_slot(k.encode()) for k in call.keys} <= {slot}, call.name
        given = set().union(*(_values(a) for a in call.argv[1:])) - {""}
        for key in call.touched:
            assert key_slot(key.encode()) == slot, (call.name, key)
            ids = _ids(key, base)
            nameable = any(i is None or set(i.split("|")) <= given for i in ids)
            assert key in call.keys or not nameable, f"{call.name} touched {key} not in KEYS"
    return {c.name for c in calls}


async def test_every_script_passes_every_key_it_can_name(redis_url: str, prefix: str) -> None:
    """Each write script of the repeatable-scripts table, setup included."""
    seen: set[str] = set()
    for n, row in enumerate(ROWS.values()):
        s = Store.open(redis_url, prefix=f"{prefix}-{n}")
        try:
            names = {s.scripts.script(x).sha: x for x in SCRIPT_NAMES}
            async with watching(redis_url, s.keys.base) as watch:
                await s.scripts.run(row.script, *await row.setup(s))
            seen |= check(s, watch.calls(names))
        finally:
            keys = [k async for k in s.redis.scan_iter(match=s.keys.base + "*")]
            if keys:
                await s.redis.delete(*keys)
            await s.close()
    assert seen == set(SCRIPT_NAMES)


async def test_a_whole_run_keeps_every_key_in_the_slot_of_the_keys_passed(
    redis_url: str, prefix: str
) -> None:
    """Submit, schedule, run and finish (scheduler and worker in this process, the worker's
    own connection for its hot path): every call passes what it names, and every key left
    in the store is in the slot of the KEYS the calls passed."""
    pipe = Pipeline(redis_url, prefix)
    store = pipe.store
    names = {store.scripts.script(x).sha: x for x in SCRIPT_NAMES}
    try:
        async with watching(redis_url, store.keys.base) as watch:
            pipe.start_scheduler()
            pipe.start_worker("w1")
            jobs = await pipe.submit([payload(f"tests/t{i}.spec.js") for i in range(5)])
            for job in jobs:
                await pipe.wait_status(job.id, "passed")
            await pipe.close()
        calls = watch.calls(names)
        seen = check(store, calls)
        assert {"submit", "join", "dispatch", "acquire", "start", "finish", "close"} <= seen
        declared = {k for c in calls for k in c.keys}
        held = [k async for k in store.redis.scan_iter(match=store.keys.base + "*")]
        assert held and declared
        assert {key_slot(k.encode()) for k in held} == {key_slot(k.encode()) for k in declared}
        assert len({key_slot(k.encode()) for k in declared}) == 1
    finally:
        s = Store.open(redis_url, prefix=prefix)
        keys = [k async for k in s.redis.scan_iter(match=s.keys.base + "*")]
        if keys:
            await s.redis.delete(*keys)
        await s.close()


async def test_the_check_sees_a_script_touch_a_key_it_did_not_get(
    redis_url: str, prefix: str
) -> None:
    """The checks above can fail: a fixed key touched and not passed, a key of another slot."""
    s = Store.open(redis_url, prefix=prefix)
    other = Store.open(redis_url, prefix=prefix + "-other")
    try:
        names = {s.scripts.script(x).sha: x for x in SCRIPT_NAMES}
        async with watching(redis_url, s.keys.base) as watch:
            await s.scripts.run("lead", "s1", 1000)
        (call,) = watch.calls(names)
        assert call.touched == set(call.keys)  # the lock
        check(s, [call])
        call.touched.add(s.keys.stats())
        with pytest.raises(AssertionError, match=r"touched .*stats not in KEYS"):
            check(s, [call])
        call.touched = {other.keys.stats()}
        with pytest.raises(AssertionError):
            check(s, [call])
    finally:
        keys = [k async for k in s.redis.scan_iter(match=s.keys.base + "*")]
        if keys:
            await s.redis.delete(*keys)
        await other.close()
        await s.close()
