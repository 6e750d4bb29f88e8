"""The test servers' ports: picked below the kernel's range for outgoing connections, and a
port taken between its pick and the server's start picked again (a cluster node failed so,
"Address already in use"), unless other processes know the port already."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.redis_nodes import Node
from tests.support.redis_server import PortTakenError, RedisServer, free_port


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port()))
        s.listen()
        yield int(s.getsockname()[1])


def test_ports_are_picked_below_the_range_of_outgoing_connections() -> None:
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [free_port(10000) for _ in range(20)]
    assert all(p + 10000 < low for p in ports)
    assert len(set(ports)) > 1  # not the same pick in every process


def test_a_server_whose_port_was_taken_starts_on_another(tmp_path: Path, taken_port: int) -> None:
    server = RedisServer(tmp_path)
    server.port = taken_port
    try:
        server.start()
        assert server.port != taken_port
        restarted_on = server.port
        server.restart()  # a restart keeps the port its clients know
        assert server.port == restarted_on
    finally:
        server.stop()


def test_a_node_repicks_only_when_it_may(tmp_path: Path, taken_port: int) -> None:
    fixed = Node("fixed", taken_port, tmp_path, [])
    with pytest.raises(PortTakenError, match=f"port {taken_port} taken"):
        fixed.start()
    movable = Node("movable", taken_port, tmp_path, [], repick=free_port)
    try:
        movable.start()
        assert movable.port != taken_port and movable.answers()
    finally:
        movable.stop()
        fixed.stop()
