"""Every script's header names exactly the KEYS its calls pass, in order, and every
helper it uses is included, resolved and emitted once (embedded store: fakeredis + Lua)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from typing import Any

import orjson
import pytest

from qgjob_store import Store
from qgjob_store.fastpath import ScriptLine
from qgjob_store.keys import TEMPLATES, Keys
from qgjob_store.lua_source import GENERATED, ScriptSourceError, read_lua
from qgjob_store.script_keys import KeysHeaderError
from qgjob_store.scripts import SCRIPT_NAMES, Retention, compose, load_source
from tests.integration.test_repeatable_scripts import ROWS

_KEYS_LINE = re.compile(r"^-- KEYS\[(\d+)(?:\+(\d*)k)?\]\s+([a-z_]+)(?:\(([^)]*)\))?")
_INCLUDE = re.compile(r'^--- @include "([^"]+)"$')


def _header(name: str) -> list[str]:
    lines = read_lua(name).split("\n")
    return lines[: next(i for i, t in enumerate(lines) if not t.startswith("-- "))]


def _names_of(key: str, base: str) -> set[tuple[str, str | None]]:
    """Every (template, id) that spells ``key``."""
    out: set[tuple[str, str | None]] = set()
    rest = key[len(base) :] if key.startswith(base) else None
    for name, text in TEMPLATES.items():
        head, found, tail = text.partition("{}")
        if rest is None:
            continue
        if not found and rest == text:
            out.add((name, None))
        elif found and rest.startswith(head) and rest.endswith(tail) and len(rest) >= len(text) - 2:
            out.add((name, rest[len(head) : len(rest) - len(tail)]))
    return out


def _strings(value: Any) -> set[str]:
    """The strings an argument holds (a packed one: every string and number inside)."""
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        out = {value}
        try:
            return out | _strings(orjson.loads(value)) if value[:1] in "[{" else out
        except orjson.JSONDecodeError:
            return out
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return {str(value)}


def _check_call(name: str, keys: list[str], argv: list[Any], base: str) -> None:
    """The KEYS of one call against the KEYS lines of the script's header, as written."""
    lines = [m for m in map(_KEYS_LINE.match, _header(name)) if m]
    once = [m for m in lines if m[2] is None]
    each = [m for m in lines if m[2] is not None]
    assert [int(m[1]) for m in lines] == list(range(1, len(lines) + 1)), name
    assert len(keys) >= len(once) and (len(keys) - len(once)) % max(1, len(each)) == 0, name
    if not each:
        assert len(keys) == len(once), (name, keys)
    given = set().union(*(_strings(a) for a in argv[1:])) if argv[1:] else set()
    for i, key in enumerate(keys):
        line = once[i] if i < len(once) else each[(i - len(once)) % len(each)]
        ids = {ident for t, ident in _names_of(key, base) if t == line[3]}
        assert ids, f"{name}: KEYS[{i + 1}] is {key}, its header says {line[0]}"
        if line[4] is None:
            assert ids == {None}
            continue
        (ident,) = ids
        assert ident is not None
        plain = re.fullmatch(r"ARGV\[(\d+)\]", line[4])
        if plain:  # a plain argument: exactly it
            n = int(plain[1])
            assert ident == (str(argv[n - 1]) if n <= len(argv) else ""), (name, line[0])
        else:  # a field, an item, a repeat: one of the call's values
            assert all(part in given | {""} for part in ident.split("|")), (name, line[0], key)


@pytest.mark.parametrize("row", list(ROWS))
async def test_every_call_passes_the_keys_its_script_header_names(prefix: str, row: str) -> None:
    """Every script call of the row (its setup's too) on the embedded store, as sent; and
    the worker's own connection (ScriptLine) sends the same EVALSHA."""
    s = Store.open(f"memory://{prefix}", prefix=prefix)
    names = {s.scripts.script(n).sha: n for n in SCRIPT_NAMES}
    sent: list[tuple[str, list[str], list[Any]]] = []
    evalsha = s.redis.evalsha

    async def recording(sha: str, numkeys: int, *keys_and_args: Any) -> Any:
        keys, argv = list(keys_and_args[:numkeys]), list(keys_and_args[numkeys:])
        sent.append((names[sha], keys, argv))
        return await evalsha(sha, numkeys, *keys_and_args)  # type: ignore[no-untyped-call]

    s.redis.evalsha = recording  # type: ignore[method-assign]
    try:
        spec = ROWS[row]
        args = await spec.setup(s)
        await s.scripts.run(spec.script, *args)
        assert sent[-1][0] == spec.script
        for name, keys, argv in sent:
            _check_call(name, keys, argv, s.keys.base)
        command = ScriptLine(s).command(spec.script, tuple(args))
        _, keys, argv = sent[-1]
        assert command[2:] == (
            len(keys),
            *keys,
            *(a if isinstance(a, str | bytes) else repr(a) for a in argv),
        )
    finally:
        await s.close()


def test_every_script_is_covered_by_a_row() -> None:
    assert {r.script for r in ROWS.values()} == set(SCRIPT_NAMES)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_each_script_opens_with_its_keys_argv_and_reply(name: str) -> None:
    header = "\n".join(_header(name))
    assert re.search(r"^-- KEYS\[1[] +]", header, re.M), f"{name} names no KEYS"
    assert "ARGV[1]: the key base" in header and "Returns" in header, name
    src = load_source(name, Retention())
    assert src.text.startswith(f"-- qgjob script: {name}\n")
    assert len(src.keys.lines) == len([t for t in _header(name) if t.startswith("-- KEYS[")])


def _closure(path: str) -> set[str]:
    """The files ``path`` includes, and those they include (paths relative to the file)."""
    out: set[str] = set()
    todo = [path]
    while todo:
        here = todo.pop()
        for line in read_lua(here).split("\n"):
            m = _INCLUDE.match(line)
            target = m and posixpath.normpath(posixpath.join(posixpath.dirname(here), m[1]))
            if target and target not in out:
                out.add(target)
                todo.append(target)
    return out


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_each_include_a_script_uses_is_resolved_and_emitted_once(name: str) -> None:
    src = load_source(name, Retention())
    assert "@include" not in src.text
    assert len(set(src.includes)) == len(src.includes)
    assert set(src.includes) == _closure(name)
    origins = [o for o in src.origins if o[0] != GENERATED]
    assert max(Counter(origins).values()) == 1, "a source line emitted twice"
    for path in (name, *src.includes):
        lines = read_lua(path).rstrip("\n").split("\n")
        wanted = {(f"lua/{path}.lua", i) for i, t in enumerate(lines, 1) if not _INCLUDE.match(t)}
        assert wanted <= set(origins), f"{path} not emitted whole in {name}"
    assert {f for f, _ in origins} == {f"lua/{p}.lua" for p in (name, *src.includes)}
    # an include comes after the includes it uses
    first = {f: origins.index(next(o for o in origins if o[0] == f)) for f, _ in origins}
    for inc in src.includes:
        for dep in _closure(inc):
            assert first[f"lua/{dep}.lua"] < first[f"lua/{inc}.lua"], (inc, dep)


def test_renew_ships_as_its_own_size_and_what_it_uses() -> None:
    renew = load_source("renew", Retention())
    own = read_lua("renew").count("\n")
    assert renew.includes == ()
    assert renew.text.count("\n") <= own + 9  # the name line, B, K and five key names, a group


def test_a_script_error_names_the_script_and_its_source_line() -> None:
    src = load_source("requeue", Retention())
    line = next(i for i, t in enumerate(src.text.split("\n"), 1) if "'dead_entry'" in t)
    message = f"WRONGTYPE Operation against a key script: ab12, on @user_script:{line}."
    file_line = read_lua("requeue").split("\n").index(src.text.split("\n")[line - 1]) + 1
    assert src.explain(message) == f"{message} [qgjob script requeue, lua/requeue.lua:{file_line}]"
    inner = load_source("finish", Retention())
    at = next(i for i, o in enumerate(inner.origins, 1) if o[0].endswith("finish_job.lua"))
    assert "lua/includes/finish_job.lua:" in inner.explain(f"user_script:{at}: boom")


# --- what the loader refuses ------------------------------------------------------------------

HEAD = "-- A test script.\n-- KEYS[1] stats  the counters\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (HEAD + "redis.call('HINCRBY', K.stats, 'x', 1)\nreturn fmt(1)\n", "fmt without including"),
        (HEAD + '--- @include "includes/now"\nreturn redis.call("GET", K.stats)\n', "not use it"),
        ("-- A test script.\nreturn redis.call('GET', K.stats)\n", "stats without naming it"),
        (HEAD + "return 1\n", "declares KEYS stats"),
        (HEAD + '--- @include "includes/nothing"\nreturn K.stats\n', "no include"),
        (HEAD + "return K.nothing\n", "not in keys.py"),
        (
            HEAD + '--- @include "includes/fmt"\n--- @include "includes/fmt"\nreturn K.stats\n',
            "included twice",
        ),
    ],
)
def test_the_loader_refuses_what_a_script_gets_wrong(text: str, why: str) -> None:
    with pytest.raises(ScriptSourceError, match=why):
        compose("bad", text)


def test_the_loader_refuses_an_include_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "includes/a": '--- @include "b"\nlocal function a() return b() end\n',
        "includes/b": '--- @include "a"\nlocal function b() return a() end\n',
    }
    monkeypatch.setattr("qgjob_store.lua_source.read_lua", files.__getitem__)
    with pytest.raises(ScriptSourceError, match="includes itself"):
        compose("bad", '-- A test script.\n--- @include "includes/a"\nreturn a()\n')


@pytest.mark.parametrize(
    ("keys", "why"),
    [
        ("-- KEYS[1] nothing  x\n", "no key template"),
        ("-- KEYS[2] stats  x\n", "numbered 1, 2"),
        ("-- KEYS[1] job  x\n", "names its id"),
        ("-- KEYS[1] stats(ARGV[2])  x\n", "takes no id"),
        ("-- KEYS[1+k] job(ARGV[2])  x\n", "repeated argument"),
        ("-- KEYS[1+k] job(ARGV[2+k])  x\n-- KEYS[2] stats  x\n", "come after"),
        ("-- KEYS[1] job(KEYS[2])  x\n", "is not ARGV"),
    ],
)
def test_a_keys_line_that_does_not_say_what_it_must_is_refused(keys: str, why: str) -> None:
    with pytest.raises(KeysHeaderError, match=why):
        compose("bad", "-- A test script.\n" + keys + "return 1\n")


def test_a_header_names_each_key_from_the_argument_it_points_at() -> None:
    src = compose(
        "example",
        """-- An example.
-- KEYS[1] stats                         a fixed key
-- KEYS[2] group(ARGV[2])                an argument
-- KEYS[3] app_build(ARGV[2]|ARGV[3])    two, joined
-- KEYS[4] job(ARGV[4].job)              a field of a packed argument
-- KEYS[5] suite(ARGV[5][1].suite_id)    a field of its first item
-- KEYS[6+2k] job_log(ARGV[5][1+k].id)   each item's
-- KEYS[7+2k] job_events(ARGV[5][1+k].id)
return { K.stats, K.group, K.app_build, K.job, K.suite, K.job_log, K.job_events }
""",
    )
    bind = src.keys.binder(Keys("p"))
    items = [{"id": "a", "suite_id": "s"}, {"id": "b"}]
    want = ["{p}:stats", "{p}:group:g", "{p}:app:g|A:build", "{p}:job:j", "{p}:suite:s",
            "{p}:job:a:log", "{p}:job:a:events", "{p}:job:b:log", "{p}:job:b:events"]  # fmt: skip
    assert bind(["{p}:", "g", "A", {"job": "j"}, items]) == want
    as_json = ["{p}:", "g", "A", orjson.dumps({"job": "j"}).decode(), orjson.dumps(items)]
    assert bind(as_json) == want  # the JSON text of a packed argument reads the same
    # what is missing names the key with an empty id, so each key keeps its place
    assert bind(["{p}:", "g"]) == ["{p}:stats", "{p}:group:g", "{p}:app:g|:build", "{p}:job:",
                                   "{p}:suite:"]  # fmt: skip
    pairs = compose(
        "pairs",
        """-- Pairs.
-- KEYS[1+2k] group(ARGV[2+2k])
-- KEYS[2+2k] worker(ARGV[3+2k])
return { K.group, K.worker }
""",
    ).keys.binder(Keys("p"))
    assert pairs(["{p}:", "g1", "w1", "g2", "w2"]) == [
        "{p}:group:g1", "{p}:worker:w1", "{p}:group:g2", "{p}:worker:w2"]  # fmt: skip
    assert pairs(["{p}:", "g1", "w1", "g2"]) == [
        "{p}:group:g1", "{p}:worker:w1", "{p}:group:g2", "{p}:worker:"]  # fmt: skip
    assert pairs(["{p}:"]) == []
