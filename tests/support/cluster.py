"""A real Redis Cluster of three masters and three replicas from redis-server binaries."""

from __future__ import annotations

import subprocess
from pathlib import Path

import redis

from tests.support.redis_nodes import Node, free_port_pair, stop_all
from tests.support.waiting import wait_until

BUS_OFFSET = 10000
"""A cluster node talks to its peers on its port + 10000."""


class ClusterSetup:
    def __init__(self, workdir: Path, *, masters: int = 3, replicas_per_master: int = 1) -> None:
        self.replicas_per_master = replicas_per_master
        n = masters * (1 + replicas_per_master)
        self.nodes = [
            Node(
                f"node-{i}",
                free_port_pair(BUS_OFFSET),
                workdir,
                [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "2000",
                    "--appendonly",
                    "no",
                ],
            )
            for i in range(n)
        ]
        self.started: list[Node] = []

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", n.port) for n in self.nodes]

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
        return self

    def _ok(self) -> bool:
        for node in self.nodes:
            c = node.client()
            try:
                info = c.execute_command("CLUSTER", "INFO")
            except redis.RedisError:
                return False
            finally:
                c.close()
            text = info if isinstance(info, str) else str(info)
            if "cluster_state:ok" not in text:
                return False
        return True

    def roles(self) -> dict[str, int]:
        counts = {"master": 0, "slave": 0}
        for node in self.nodes:
            c = node.client()
            try:
                counts[c.execute_command("ROLE")[0]] += 1
            finally:
                c.close()
        return counts

    def stop(self) -> None:
        stop_all(self.started)
