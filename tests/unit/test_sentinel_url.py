"""Reading ``redis+sentinel://`` store URLs, and the clear error for a bad one."""

from __future__ import annotations

import pytest

from qgjob_store import StoreConfigError, connect
from qgjob_store.sentinel_url import SentinelUrlError, parse_sentinel_url


def test_hosts_master_and_db() -> None:
    u = parse_sentinel_url("redis+sentinel://s1:26379,s2:26380,10.0.0.3:26379/mymaster/2")
    assert u.sentinels == [("s1", 26379), ("s2", 26380), ("10.0.0.3", 26379)]
    assert (u.master, u.db, u.password, u.ssl) == ("mymaster", 2, None, False)


def test_db_defaults_to_zero_and_credentials_are_the_masters() -> None:
    u = parse_sentinel_url("redis+sentinel://app:p%40ss@s1:26379/qgjob")
    assert (u.master, u.db, u.username, u.password) == ("qgjob", 0, "app", "p@ss")
    assert u.sentinel_options == {"ssl": False}


def test_sentinel_credentials_and_tls() -> None:
    u = parse_sentinel_url(
        "rediss+sentinel://:pw@s1:26379/qgjob?sentinel_password=spw&sentinel_ssl=false"
    )
    assert u.ssl and u.password == "pw" and u.username is None
    assert u.sentinel_options == {"ssl": False, "password": "spw"}
    assert parse_sentinel_url("rediss+sentinel://s1:1/q").sentinel_options == {"ssl": True}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+sentinel:///qgjob", "names no sentinel"),
        ("redis+sentinel://s1/qgjob", "is not host:port"),
        ("redis+sentinel://s1:99999/qgjob", "is not host:port"),
        ("redis+sentinel://s1:26379", "/<master-name>"),
        ("redis+sentinel://s1:26379/qgjob/x", "is not a number"),
        ("redis+sentinel://s1:26379/a/1/2", "/<master-name>"),
        ("redis+sentinel://s1:26379/qgjob?db=3", "unknown option"),
        ("redis+sentinel://s1:26379/qgjob?sentinel_ssl=maybe", "true or false"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(SentinelUrlError, match=says):
        parse_sentinel_url(url)
    with pytest.raises(StoreConfigError, match="QGJOB_REDIS_URL"):
        connect(url)  # what a service reports at start


def test_unknown_scheme_names_the_sentinel_form() -> None:
    with pytest.raises(StoreConfigError, match=r"redis\+sentinel://"):
        connect("sentinel://s1:26379/qgjob")
