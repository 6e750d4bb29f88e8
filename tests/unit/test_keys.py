"""Key names share one hash tag; the scripts' Lua spells the same names."""

from __future__ import annotations

from qgjob_store.keys import Keys, lua_key_names


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


def test_lua_names_a_fixed_key_by_its_slot_and_builds_a_key_of_an_id() -> None:
    lines = lua_key_names(["stats", "job", "group_jobs"], {"stats": 2})
    assert lines == [
        "local K = {}",
        "K.group_jobs = function(a) return B .. 'group:' .. a .. ':jobs' end",
        "K.job = function(a) return B .. 'job:' .. a end",
        "K.stats = KEYS[2]",
    ]
