"""A real Sentinel deployment: one master, replicas, three sentinels (quorum 2), with short
timings so that a failover after a SIGKILL of the master takes a few seconds."""

from __future__ import annotations

from pathlib import Path

import redis
from redis.sentinel import Sentinel

from tests.support.redis_nodes import Node, stop_all
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

MASTER_NAME = "qgjob"
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 3000


class SentinelSetup:
    def __init__(self, workdir: Path, *, replicas: int = 2) -> None:
        self.workdir = workdir
        # a replica (re)joining is sent its copy at once, not 5 s later
        fast_sync = ["--repl-diskless-sync-delay", "0"]
        self.master = Node("master", free_port(), workdir, ["--appendonly", "no", *fast_sync])
        self.replicas = [
            Node(f"replica-{i}", free_port(), workdir, fast_sync) for i in range(replicas)
        ]
        self.sentinels: list[Node] = []
        self.all: list[Node] = []

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{MASTER_NAME}/0"

    def start(self) -> SentinelSetup:
        self.all.append(self.master)  # stopped even if its start fails
        self.master.start()
        for r in self.replicas:
            r.args = [*r.args, "--replicaof", "127.0.0.1", str(self.master.port)]
            self.all.append(r)  # stopped even if its start fails
            r.start()
        wait_until(self._replicas_synced, timeout=15, what="replicas in sync with the master")
        for i in range(3):
            port = free_port()
            conf = self.workdir / f"sentinel-{i}.conf"  # sentinel rewrites its config file
            conf.write_text(
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master.port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n"
            )
            node = Node(f"sentinel-{i}", port, self.workdir, [str(conf), "--sentinel"])
            self.sentinels.append(node)
            self.all.append(node)  # stopped even if its start fails
            node.start()
        wait_until(self._sentinels_know_all, timeout=20, what="sentinels to discover each other")
        return self

    def _replicas_synced(self) -> bool:
        c = self.master.client()
        try:
            info = c.info("replication")
        finally:
            c.close()
        online = [v for k, v in info.items() if k.startswith("slave") and isinstance(v, dict)]
        return len([v for v in online if v.get("state") == "online"]) == len(self.replicas)

    def _sentinels_know_all(self) -> bool:
        for s in self.sentinels:
            c = s.client()
            try:
                m = c.sentinel_master(MASTER_NAME)
            except redis.RedisError:
                return False
            finally:
                c.close()
            live = [r for r in self.replicas if r.proc and r.proc.poll() is None]
            if int(m["num-slaves"]) < len(live) or int(m["num-other-sentinels"]) < 2:
                return False
        return True

    def manager(self) -> Sentinel:
        return Sentinel(
            [("127.0.0.1", s.port) for s in self.sentinels],
            socket_timeout=2,
            socket_connect_timeout=0.5,
        )

    def master_client(self) -> redis.Redis:
        """A client that follows the master through the sentinels (after a failover too)."""
        return self.manager().master_for(
            MASTER_NAME, decode_responses=True, socket_timeout=2, socket_connect_timeout=0.5
        )

    def master_port(self) -> int:
        _, port = self.manager().discover_master(MASTER_NAME)
        return int(port)

    def node(self, port: int) -> Node:
        return next(n for n in [self.master, *self.replicas] if n.port == port)

    def kill_master(self, timeout: float = 20) -> Node:
        """SIGKILL the current master; returns the replica the sentinels promoted, once it
        answers as master."""
        old = self.node(self.master_port())
        old.kill()

        def promoted() -> Node | None:
            try:
                port = self.master_port()
            except redis.RedisError:
                return None
            if port == old.port:
                return None
            new = self.node(port)
            c = new.client()
            try:
                return new if c.execute_command("ROLE")[0] == "master" else None
            except redis.RedisError:
                return None
            finally:
                c.close()

        return wait_until(promoted, timeout=timeout, interval=0.1, what="a replica promoted")

    def stop(self) -> None:
        stop_all(self.all)
