"""redis-server processes (data nodes, sentinels, cluster nodes) on free loopback ports."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import redis

from tests.support.processes import pid_alive
from tests.support.redis_server import start_redis, start_repicking
from tests.support.waiting import wait_until


class Node:
    """One ``redis-server`` started with ``args`` (a config file first, for a sentinel)."""

    def __init__(
        self,
        name: str,
        port: int,
        workdir: Path,
        args: list[str],
        *,
        repick: Callable[[], int] | None = None,
    ) -> None:
        """``repick``: a new port, should this one be taken before the node first starts
        (only for a node no other knows the port of yet)."""
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.name, self.port, self.args = name, port, args
        self.repick = repick
        self.started_once = False
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> Node:
        may_repick = self.repick is not None and not self.started_once
        start_repicking(self._start, self._repick if may_repick else None)
        self.started_once = True
        return self

    def _repick(self) -> None:
        assert self.repick is not None
        self.port = self.repick()

    def _start(self) -> None:
        argv = [
            "redis-server",
            *self.args,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.dir),
            "--logfile",
            str(self.dir / "redis.log"),
            "--save",
            "",
        ]
        what = f"{self.name} on port {self.port}"
        self.proc = start_redis(argv, self.port, self.dir / "redis.log", what)

    def client(self) -> redis.Redis:
        return redis.Redis(
            port=self.port, socket_timeout=2, socket_connect_timeout=0.5, decode_responses=True
        )

    def answers(self) -> bool:
        c = self.client()
        try:
            return bool(c.ping())
        except redis.RedisError:
            return False
        finally:
            c.close()

    def kill(self) -> None:
        """SIGKILL, as a crash would; returns once the process is gone."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.dir / "redis.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def stop_all(nodes: list[Node]) -> None:
    """Stop every node and check by pid that none is left running."""
    for node in nodes:
        node.stop()
    left = [n.name for n in nodes if n.pid is not None and pid_alive(n.pid)]
    assert not left, f"redis processes left running: {left}"


def cut_replication(master: Node, replicas: list[Node], timeout: float = 10) -> None:
    """Stop ``replicas`` from replicating ``master`` while all keep answering everyone else:
    the master refuses the replication commands and drops the replicas' links. What the
    master writes from then on, no replica has (until the master is restarted)."""
    c = master.client()
    try:
        c.execute_command("ACL", "SETUSER", "default", "-psync", "-sync", "-replconf")  # type: ignore[no-untyped-call]
        c.execute_command("CLIENT", "KILL", "TYPE", "replica")  # type: ignore[no-untyped-call]
    finally:
        c.close()

    def links_down() -> bool:
        for replica in replicas:
            r = replica.client()
            try:
                if r.info("replication").get("master_link_status") != "down":
                    return False
            finally:
                r.close()
        return True

    wait_until(links_down, timeout=timeout, what="the replicas' links down")
