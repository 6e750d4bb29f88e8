"""Reading ``redis+cluster://`` store URLs, the client made for one, and the clear error for
a bad one."""

from __future__ import annotations

import pytest
from redis.asyncio.connection import SSLConnection
from redis.exceptions import ClusterDownError, MovedError, ResponseError, SlotNotCoveredError
from redis.exceptions import ConnectionError as RedisConnectionError

from qgjob_core.retrying import STORE_ERRORS
from qgjob_store import StoreConfigError, connect
from qgjob_store.cluster import ClusterUnavailableError, StoreCluster, unavailable
from qgjob_store.cluster_url import ClusterUrlError, parse_cluster_url


def test_nodes_and_credentials() -> None:
    u = parse_cluster_url("redis+cluster://app:p%40ss@n1:7000,10.0.0.2:7001,[::1]:7002/")
    assert u.nodes == [("n1", 7000), ("10.0.0.2", 7001), ("::1", 7002)]
    assert (u.username, u.password, u.ssl, u.ssl_options) == ("app", "p@ss", False, {})
    assert parse_cluster_url("redis+cluster://:pw@n1:7000").password == "pw"
    assert parse_cluster_url("redis+cluster://n1:7000/0").nodes == [("n1", 7000)]


def test_tls_and_its_options() -> None:
    u = parse_cluster_url(
        "rediss+cluster://n1:7000?ssl_ca_certs=/etc/ca.pem&ssl_cert_reqs=optional"
    )
    assert u.ssl and u.ssl_options == {"ssl_ca_certs": "/etc/ca.pem", "ssl_cert_reqs": "optional"}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+cluster:///", "names no cluster node"),
        ("redis+cluster://n1/", "is not host:port"),
        ("redis+cluster://n1:0", "is not host:port"),
        ("redis+cluster://n1:7000/2", "database 0 only"),
        ("redis+cluster://n1:7000?db=0", "unknown option"),
        ("redis+cluster://n1:7000?ssl_ca_certs=/ca.pem", r"need rediss\+cluster"),
        ("rediss+cluster://n1:7000?ssl_cert_reqs=maybe", "ssl_cert_reqs must be"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ClusterUrlError, match=says):
        parse_cluster_url(url)
    with pytest.raises(StoreConfigError, match="QGJOB_REDIS_URL"):
        connect(url)  # what a service reports at start


def test_connect_makes_a_cluster_client_that_waits_for_blocking_reads() -> None:
    client = connect("redis+cluster://127.0.0.1:7000,127.0.0.1:7001", block_ms=2000)
    assert isinstance(client, StoreCluster)
    assert client.connection_kwargs["socket_timeout"] == 7.0  # outlasts BLOCK 2000 ms
    assert [n.port for n in client.startup_nodes] == [7000, 7001]


def test_a_tls_url_makes_a_tls_client() -> None:
    client = connect("rediss+cluster://:pw@127.0.0.1:7000?ssl_ca_certs=/etc/ca.pem")
    assert isinstance(client, StoreCluster)
    kwargs = client.connection_kwargs
    assert kwargs["connection_class"] is SSLConnection
    assert (kwargs["ssl_ca_certs"], kwargs["password"]) == ("/etc/ca.pem", "pw")


def test_unknown_scheme_names_the_cluster_form() -> None:
    with pytest.raises(StoreConfigError, match=r"redis\+cluster://"):
        connect("cluster://n1:7000")


@pytest.mark.parametrize(
    "exc",
    [
        ClusterDownError("The cluster is down"),
        SlotNotCoveredError("Slot 1 is not covered by the cluster."),
        MovedError("1234 127.0.0.1:7001"),
        ResponseError("Script attempted to access a non local key in a cluster node script: x"),
        ResponseError("UNBLOCKED the stream key no longer exists"),
        ResponseError("BUSY Redis is busy running a script. You can only call SCRIPT KILL"),
        ResponseError("Command # 1 (EVALSHA x 1 k) of pipeline caused error: ('BUSY Redis is')"),
    ],
)
def test_what_says_the_slot_is_not_served_now_is_a_store_outage(exc: Exception) -> None:
    translated = unavailable(exc)
    assert isinstance(translated, ClusterUnavailableError)
    assert isinstance(translated, STORE_ERRORS)  # 503 from the API, back off in the loops


@pytest.mark.parametrize(
    "exc",
    [
        ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"),
        ResponseError("BUSYGROUP Consumer Group name already exists"),  # ensure_group's cue
        RedisConnectionError("Connection refused"),  # already a store error, kept as it is
    ],
)
def test_other_errors_are_left_alone(exc: Exception) -> None:
    assert unavailable(exc) is None
