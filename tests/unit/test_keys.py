"""Key names share one hash tag; the Lua prelude spells the same names."""

from __future__ import annotations

from qgjob_store.keys import TEMPLATES, Keys, lua_prelude_keys


def test_every_key_carries_the_hash_tag() -> None:
    k = Keys("acme")
    names = [
        k.job("j"),
        k.jobs_stream(),
        k.events(),
        k.dead(),
        k.assign("device"),
        k.worker_wake("device-1"),
        k.worker_groups("device-1"),
        k.dur_test(),
        k.group("g1"),
        k.group_jobs("g1"),
        k.idx_org("o"),
        k.stats(),
        k.heartbeat("w"),
    ]
    assert all(n.startswith("{acme}:") for n in names)
    assert len(set(names)) == len(names)


def test_lua_prelude_defines_each_template() -> None:
    prelude = lua_prelude_keys()
    for name in TEMPLATES:
        assert f"K.{name} = " in prelude
    assert "K.job = function(a) return B .. 'job:' .. a end" in prelude
    assert "K.group_jobs = function(a) return B .. 'group:' .. a .. ':jobs' end" in prelude
