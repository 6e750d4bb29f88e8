"""``QGJOB_API_PROCESSES`` > 1: several API processes serving one port.

Each process (started with ``spawn``: it imports the app afresh) listens on the port with
``SO_REUSEPORT``, so the kernel spreads new connections evenly over them (one shared
listening socket would let whichever process wakes first accept a whole burst). The parent
claims the port first, bound but not listening: a port in use is one clear error before
anything starts, and port 0 becomes one port for all. The parent keeps the count: a process
that dies is replaced, unless it died before it served (the next one would too: then
everything stops with exit 1). SIGTERM or SIGINT to the parent stops every process
gracefully, each as a single-process API stops; what outlives the grace period is killed.
The request-latency histograms of ``/metrics`` are summed over the processes
(prometheus-client's multiprocess mode, in a folder the parent makes and removes).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from types import FrameType

import structlog

from qgjob_api.server import SHUTDOWN_GRACE_S
from qgjob_api.settings import ApiSettings

log = structlog.get_logger("qgjob.api")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
RESTART_PAUSE_S = 1.0
"""The least time between two starts of one process, so a crash loop does not spin."""
BACKLOG = 2048
"""Connections the kernel queues for the processes to accept (uvicorn's default)."""
STOP_MARGIN_S = 5.0
"""How long past the graceful shutdown's own timeout the parent waits before killing."""


def _tcp(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def bind(host: str, port: int, *, listen: bool) -> socket.socket:
    """A socket on ``host:port`` that other processes of this user may bind too; listening
    when ``listen`` (a socket only bound receives no connections)."""
    sock = _tcp(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        if listen:
            sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _child(port: int, index: int, ready: EventType) -> None:
    """One API process: the single-process server, on its own socket of the shared port."""
    from qgjob_core.lifecycle import exit_cleanly_until_ready

    exit_cleanly_until_ready()  # a stop while it starts is a clean stop too
    from qgjob_api.main import serve_or_exit
    from qgjob_core.logging import configure

    settings = ApiSettings()
    configure("api", level=settings.log_level, fmt=settings.log_format)
    structlog.contextvars.bind_contextvars(process=index)
    try:
        sock = bind(settings.host, port, listen=True)
    except OSError as exc:
        structlog.get_logger().error("cannot listen", port=port, error=str(exc))
        raise SystemExit(1) from None
    serve_or_exit(settings, sock, ready.set)


@dataclass
class Slot:
    """One API process and what the parent knows of it."""

    proc: BaseProcess
    ready: EventType
    """Set by the process once it serves."""
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    def __init__(self, settings: ApiSettings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.context = multiprocessing.get_context("spawn")
        self.slots: list[Slot] = []
        self.stop = threading.Event()

    def _spawn(self, index: int) -> Slot:
        ready = self.context.Event()
        proc = self.context.Process(
            target=_child, args=(self.port, index, ready), name=f"qgjob-api-{index}"
        )
        proc.start()
        return Slot(proc, ready)

    def run(self) -> int:
        self.slots = [self._spawn(i) for i in range(self.settings.api_processes)]
        log.info(
            "serving with several processes",
            processes=len(self.slots),
            pids=[s.proc.pid for s in self.slots],
        )
        failed = False
        while not self.stop.wait(0.2):
            for index, slot in enumerate(self.slots):
                proc = slot.proc
                if proc.is_alive():
                    continue
                if not slot.ready.is_set():
                    log.error("an API process failed to start", pid=proc.pid, code=proc.exitcode)
                    failed = True
                    self.stop.set()
                    break
                if time.monotonic() - slot.started < RESTART_PAUSE_S:
                    continue
                log.warning(
                    "an API process ended; starting another", pid=proc.pid, code=proc.exitcode
                )
                self.slots[index] = self._spawn(index)
        return self._stop_all() or int(failed)

    def _stop_all(self) -> int:
        procs = [slot.proc for slot in self.slots]
        log.info("stopping the API processes", pids=[p.pid for p in procs if p.is_alive()])
        for proc in procs:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_GRACE_S + STOP_MARGIN_S
        code = 0
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                log.warning("an API process outlived the grace period; killing it", pid=proc.pid)
                proc.kill()
                proc.join()
            # killed by the SIGTERM itself: it had not yet set up its handlers (still starting)
            if proc.exitcode not in (0, -signal.SIGTERM):
                log.warning(
                    "an API process stopped with an error", pid=proc.pid, code=proc.exitcode
                )
                code = 1
        return code

    def request_stop(self, _sig: int, _frame: FrameType | None) -> None:
        self.stop.set()


def claim_port(host: str, port: int) -> socket.socket:
    """The port for the processes, held (bound, not listening) until they stop. A plain bind
    first: a port any other socket holds, even another API's that shares with its own
    processes, is refused."""
    with _tcp(host) as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    return bind(host, port, listen=False)


def serve_processes(settings: ApiSettings) -> int:
    """Serve with ``settings.api_processes`` processes until SIGTERM or SIGINT; the exit code."""
    try:
        held = claim_port(settings.host, settings.port)
    except OSError as exc:
        log.error("cannot listen", host=settings.host, port=settings.port, error=str(exc))
        return 1
    own_dir = MULTIPROC_ENV not in os.environ
    metrics_dir = os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="qgjob-api-metrics-")
    for stale in os.listdir(metrics_dir):  # figures of an earlier run are not this run's
        if stale.endswith(".db"):
            os.remove(os.path.join(metrics_dir, stale))
    os.environ[MULTIPROC_ENV] = metrics_dir
    supervisor = Supervisor(settings, held.getsockname()[1])
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    try:
        return supervisor.run()
    finally:
        held.close()
        if own_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
