"""A real redis-server on a free port that tests can kill and restart."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.support.waiting import wait_until

PORT_FLOOR = 10000
"""The lowest port a test server is given (below: the machine's own services)."""
_pick = random.SystemRandom()  # not the seeded global: every xdist worker would pick alike


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(offset: int = 0) -> int:
    """A port free now, and ``port + offset`` too when ``offset`` is given (a cluster node's
    bus port). Picked below the range the kernel gives outgoing connections: a port from that
    range can be taken by any client's next connection before the server binds it (a cluster
    node failed so, "Address already in use")."""
    top = _ephemeral_low() - offset
    if top - PORT_FLOOR >= 1000:
        for _ in range(200):
            port = _pick.randrange(PORT_FLOOR, top)
            if _bindable(port) and (not offset or _bindable(port + offset)):
                return port
    for _ in range(100):  # a narrow range below the ephemeral one: the kernel's pick
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port + offset <= 65535 and (not offset or _bindable(port + offset)):
            return port
    raise RuntimeError("no free port")


def _is_serving(port: int, pid: int) -> bool:
    """Whether the server answering on ``port`` is process ``pid`` (not whoever took it)."""
    # one try: a port taken by a listener that never answers would be retried for seconds
    c = redis.Redis(
        port=port, socket_timeout=1, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    try:
        return int(c.info("server")["process_id"]) == pid
    except redis.RedisError:
        return False
    finally:
        c.close()


def start_redis(argv: list[str], port: int, log: Path, what: str) -> subprocess.Popen[bytes]:
    """Start ``redis-server`` and wait until it serves its port; a server that exits first
    (its port taken after all) raises :class:`PortTakenError`, or ``RuntimeError``, with the
    end of its log."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(
        lambda: proc.poll() is not None or _is_serving(port, proc.pid), timeout=15, what=what
    )
    if proc.poll() is None:
        return proc
    try:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-5:])
    except FileNotFoundError:
        tail = ""
    if "Address already in use" in tail:
        raise PortTakenError(f"{what}: port {port} taken\n{tail}")
    raise RuntimeError(f"{what} exited with {proc.returncode}\n{tail}")


class PortTakenError(RuntimeError):
    """The server's port was taken between its pick and the server's start."""


START_TRIES = 3


def start_repicking(start: Callable[[], None], repick: Callable[[], None] | None) -> None:
    """``start()``; when its port was taken, ``repick()`` (it chooses another port) and try
    again, :data:`START_TRIES` times in all. Without ``repick`` a taken port raises."""
    for attempt in range(1, START_TRIES + 1):
        try:
            start()
            return
        except PortTakenError:
            if repick is None or attempt == START_TRIES:
                raise
            repick()


class RedisServer:
    def __init__(self, workdir: Path, *, appendonly: bool = False, fsync: str = "everysec") -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.appendonly = appendonly
        self.fsync = fsync
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_once = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it; on its first start, a port taken meanwhile is picked again (a restart
        keeps its port: its clients know it)."""
        start_repicking(self._start, None if self.started_once else self._repick)

    def _repick(self) -> None:
        self.port = free_port()

    def _start(self) -> None:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(self.dir),
            "--logfile",
            str(self.dir / "redis.log"),
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            self.fsync,
        ]
        what = f"redis-server on port {self.port}"
        self.proc = start_redis(args, self.port, self.dir / "redis.log", what)
        self.started_once = True

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
