"""A real Redis Cluster of three masters and three replicas from redis-server binaries, and
what the tests do to it: a manual failover, a SIGKILL of a master, a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

import redis
from redis.cluster import ClusterNode, RedisCluster

from tests.support.redis_nodes import Node, stop_all
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

BUS_OFFSET = 10000
"""A cluster node talks to its peers on its port + 10000."""
NODE_TIMEOUT_MS = 2000
"""A master unreachable this long is failed over by its replica."""


class ClusterSetup:
    def __init__(self, workdir: Path, *, masters: int = 3, replicas_per_master: int = 1) -> None:
        self.replicas_per_master = replicas_per_master
        n = masters * (1 + replicas_per_master)
        self._taken: set[int] = set()
        self.nodes = [
            Node(
                f"node-{i}",
                self._another_port(),
                workdir,
                [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    str(NODE_TIMEOUT_MS),
                    "--appendonly",
                    "no",
                    # a replica (re)joining is sent its copy at once, not 5 s later
                    "--repl-diskless-sync-delay",
                    "0",
                ],
                repick=self._another_port,  # until the cluster is created, no node knows it
            )
            for i in range(n)
        ]
        self.started: list[Node] = []

    def _another_port(self) -> int:
        """A free port whose bus port is free too, and neither is another node's."""
        while True:
            port = free_port(BUS_OFFSET)
            if not {port, port + BUS_OFFSET} & self._taken:
                self._taken |= {port, port + BUS_OFFSET}
                return port

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", n.port) for n in self.nodes]

    @property
    def url(self) -> str:
        """The store URL of this cluster (three of its nodes to discover it from)."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{n.port}" for n in self.nodes[:3])

    def start(self) -> ClusterSetup:
        for node in self.nodes:
            self.started.append(node)  # stopped even if its start fails
            node.start()
        subprocess.run(
            [
                "redis-cli",
                "--cluster",
                "create",
                *(f"127.0.0.1:{n.port}" for n in self.nodes),
                "--cluster-replicas",
                str(self.replicas_per_master),
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_until(self._ok, timeout=30, interval=0.1, what="cluster_state:ok on every node")
        wait_until(self.in_sync, timeout=30, interval=0.1, what="every replica in sync")
        return self

    def live(self) -> list[Node]:
        return [n for n in self.nodes if n.proc is not None and n.proc.poll() is None]

    def _ok(self) -> bool:
        for node in self.live():
            c = node.client()
            try:
                info = c.execute_command("CLUSTER", "INFO")  # type: ignore[no-untyped-call]
            except redis.RedisError:
                return False
            finally:
                c.close()
            text = info if isinstance(info, str) else str(info)
            if "cluster_state:ok" not in text:
                return False
        return True

    def in_sync(self) -> bool:
        """Whether every live replica's link to its master is up."""
        for node in self.live():
            c = node.client()
            try:
                info = c.info("replication")
            except redis.RedisError:
                return False
            finally:
                c.close()
            if info["role"] == "slave" and info.get("master_link_status") != "up":
                return False
        return True

    def roles(self) -> dict[str, int]:
        counts = {"master": 0, "slave": 0}
        for node in self.nodes:
            c = node.client()
            try:
                counts[c.execute_command("ROLE")[0]] += 1  # type: ignore[no-untyped-call]
            finally:
                c.close()
        return counts

    def client(self) -> RedisCluster:
        """A (blocking) cluster client for the test's own reads: it follows MOVED."""
        return RedisCluster(
            startup_nodes=[ClusterNode(h, p) for h, p in self.startup_nodes],  # type: ignore[no-untyped-call]
            decode_responses=True,
            socket_timeout=2,
            socket_connect_timeout=0.5,
            require_full_coverage=False,
        )

    def node(self, port: int) -> Node:
        return next(n for n in self.nodes if n.port == port)

    def _view(self, node: Node) -> list[list[str]]:
        """``CLUSTER NODES`` as ``node`` sees the cluster, one split line per node."""
        c = node.client()
        try:
            text = c.execute_command("CLUSTER", "NODES")  # type: ignore[no-untyped-call]
        finally:
            c.close()
        return [line.split() for line in str(text).splitlines() if line.strip()]

    def owner(self, slot: int) -> Node | None:
        """The master serving ``slot``, when every live node agrees on one that is up."""
        seen = set()
        for node in self.live():
            try:
                view = self._view(node)
            except redis.RedisError:
                return None
            for fields in view:
                flags = fields[2].split(",")
                if "master" not in flags or "fail" in flags or "fail?" in flags:
                    continue
                if any(_covers(r, slot) for r in fields[8:]):
                    seen.add(int(fields[1].split("@")[0].rpartition(":")[2]))
        if len(seen) != 1:
            return None
        owner = self.node(seen.pop())
        return owner if owner in self.live() else None

    def replica_of(self, master: Node) -> Node:
        """A live replica of ``master`` whose link to it is up."""
        for node in self.live():
            c = node.client()
            try:
                info = c.info("replication")
            finally:
                c.close()
            if (
                info["role"] == "slave"
                and int(info["master_port"]) == master.port
                and info.get("master_link_status") == "up"
            ):
                return node
        raise AssertionError(f"{master.name} has no replica in sync")

    def manual_failover(self, slot: int, timeout: float = 20) -> Node:
        """``CLUSTER FAILOVER`` on a replica of the master of ``slot`` (no write is lost: the
        master pauses its clients until the replica has caught up); returns the new master
        once every node agrees on it."""
        old = self.owner(slot)
        assert old is not None, "no agreed master for the slot"
        replica = self.replica_of(old)
        c = replica.client()
        try:
            reply = c.execute_command("CLUSTER", "FAILOVER")  # type: ignore[no-untyped-call]
            assert reply in ("OK", b"OK", True)
        finally:
            c.close()
        wait_until(lambda: self.owner(slot) == replica, timeout=timeout, what="failover")
        return replica

    def kill_owner(self, slot: int, timeout: float = 30) -> tuple[Node, Node]:
        """SIGKILL the master of ``slot``; returns it and the replica promoted in its place."""
        old = self.owner(slot)
        assert old is not None, "no agreed master for the slot"
        old.kill()
        return old, self.wait_promoted(slot, old, timeout)

    def wait_promoted(self, slot: int, old: Node, timeout: float = 30) -> Node:
        """The replica promoted in place of ``old`` (dead) as the master of ``slot``, once
        every live node agrees on it and says ``cluster_state:ok``."""

        def promoted() -> Node | None:
            new = self.owner(slot)
            return new if new is not None and new != old and self._ok() else None

        new = wait_until(promoted, timeout=timeout, interval=0.1, what="a replica promoted")
        assert new is not None
        return new

    def restart(self, node: Node, timeout: float = 30) -> None:
        """Start a killed node again (its nodes.conf kept): it rejoins as a replica."""
        node.start()
        wait_until(self._ok, timeout=timeout, interval=0.1, what="cluster_state:ok")
        wait_until(self.in_sync, timeout=timeout, interval=0.1, what="the node back in sync")

    def stop(self) -> None:
        stop_all(self.started)


def _covers(spec: str, slot: int) -> bool:
    """Whether a ``CLUSTER NODES`` slot field (``n`` or ``a-b``; ``[...]`` is a slot being
    moved, not served) covers ``slot``."""
    if spec.startswith("["):
        return False
    low, _, high = spec.partition("-")
    return int(low) <= slot <= int(high or low)
