"""The platform under test: redis-server, the API, one scheduler and two workers per target,
each a separate process started from its console script, all stopped on exit."""

from __future__ import annotations

import secrets
import shutil
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx
import redis

from bench.throughput.procstats import descendants, peak_rss_mib
from qgjob_schemas import Target
from qgjob_store.keys import Keys
from tests.support.processes import Service
from tests.support.redis_nodes import Node
from tests.support.redis_server import RedisServer, free_port
from tests.support.waiting import wait_until

TARGETS = [t.value for t in Target]
WORKERS_PER_TARGET = 2
PREFIX = "bench"

ADMIN_TOKEN = secrets.token_urlsafe(24)
"""The operator token of the bench's API, made for each run (an API without tokens ignores
it)."""

PIPELINE_ENV = {
    # the simulated driver does nothing: the pipeline itself is measured
    "QGJOB_SIM_INSTALL_MS": "0",
    "QGJOB_SIM_TEST_MS": "0",
    "QGJOB_LOG_FORMAT": "json",
    # an API with tokens, rate limits and per-org caps: the bench acts as the operator, and
    # its load is not throttled (a service ignores a setting it does not have)
    "QGJOB_ADMIN_TOKEN": ADMIN_TOKEN,
    "QGJOB_RATE_LIMIT_PER_S": "0",
    "QGJOB_MAX_UNFINISHED_PER_ORG": "0",
}
"""What the bench sets for every service; every other setting keeps its default."""


API_PROCESSES = 2
"""The API serves with two processes (``QGJOB_API_PROCESSES``), one per core of the bench's
machine, as each peer's worker uses both cores."""


def _serves(pid: int) -> bool:
    """Whether ``pid`` is an API process (not multiprocessing's resource tracker)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"spawn_main" in f.read()
    except OSError:
        return False


def console_script(name: str) -> str:
    """The installed entry point (``qgjob-api``, ...) beside this interpreter."""
    return str(Path(sys.executable).with_name(name))


class BenchPlatform:
    """Start with :meth:`start`; :meth:`stop` stops every process it started (safe to call
    twice, and after a failed start)."""

    def __init__(
        self,
        workdir: Path,
        *,
        aof: bool,
        replica: bool = False,
        wait_replicas: int = 0,
        api_processes: int = API_PROCESSES,
        env: Mapping[str, str] | None = None,
        workers_per_target: int = WORKERS_PER_TARGET,
    ) -> None:
        """``env``: settings for every service on top of :data:`PIPELINE_ENV` (another
        bench's simulated test time, worker capacity)."""
        self.workdir = workdir.resolve()
        self.api_processes = api_processes
        self.env = dict(env or {})
        # fewer processes start sooner on a busy machine (the memory bench's quick run)
        self.workers_per_target = workers_per_target
        self.aof = aof
        self.redis_server = RedisServer(self.workdir / "redis", appendonly=aof, fsync="everysec")
        self.replica: Node | None = None
        if replica:
            self.replica = Node("replica", free_port(), self.workdir, [])
        self.wait_replicas = wait_replicas
        self.port = free_port()
        self.keys = Keys(PREFIX)
        self.services: dict[str, Service] = {}
        self.paused = False

    @property
    def redis_url(self) -> str:
        return self.redis_server.url

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BenchPlatform:
        self.start_redis()
        self.start_services()
        return self

    def start_redis(self) -> None:
        self.redis_server.start()
        if self.replica is not None:
            self.replica.args = ["--replicaof", "127.0.0.1", str(self.redis_server.port)]
            self.replica.start()
            wait_until(self._replica_synced, timeout=30, what="the replica in sync")

    def _replica_synced(self) -> bool:
        assert self.replica is not None
        c = self.replica.client()
        try:
            return c.info("replication").get("master_link_status") == "up"
        finally:
            c.close()

    def start_services(self, urls: Mapping[str, str] | None = None) -> None:
        """The API, the scheduler and the workers; ``urls`` gives a role (``api``,
        ``scheduler``, ``workers``) another Redis URL than the server's (a proxy)."""
        urls = urls or {}
        api_env = {
            "QGJOB_PORT": str(self.port),
            "QGJOB_API_PROCESSES": str(self.api_processes),
            "QGJOB_STORE_WAIT_REPLICAS": str(self.wait_replicas),
        }
        self._add("api", [console_script("qgjob-api")], api_env, urls)
        self._add("scheduler", [console_script("qgjob-scheduler")], {}, urls)
        for target in TARGETS:
            for n in range(1, self.workers_per_target + 1):
                wid = f"{target}-{n}"
                argv = [console_script("qgjob-worker"), "--target", target]
                self._add(wid, argv, {"QGJOB_WORKER_ID": wid}, urls)
        wait_until(self._api_ready, timeout=60, what="the API to be ready")
        wait_until(self._workers_idle, timeout=60, what="every worker to wait for work")

    def _add(
        self, name: str, argv: list[str], env: dict[str, str], urls: Mapping[str, str]
    ) -> None:
        role = name if name in ("api", "scheduler") else "workers"
        base = {
            "QGJOB_REDIS_URL": urls.get(role, self.redis_url),
            "QGJOB_KEY_PREFIX": PREFIX,
            **PIPELINE_ENV,
            **self.env,
        }
        log_dir = self.workdir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.services[name] = Service(name, argv, {**base, **env}, log_dir).start()

    def _api_ready(self) -> bool:
        self.check_alive()
        try:
            return httpx.get(f"{self.api_url}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def _workers_idle(self) -> bool:
        self.check_alive()
        return self.idle_workers() == len(TARGETS) * self.workers_per_target

    def idle_workers(self, targets: list[str] | None = None) -> int:
        """Workers alive (fresh heartbeat) that hold no group."""
        with redis.Redis.from_url(self.redis_url, decode_responses=True) as r:
            ids = [w for t in targets or TARGETS for w in r.smembers(self.keys.target_workers(t))]
            pipe = r.pipeline(transaction=False)
            for wid in ids:
                pipe.exists(self.keys.heartbeat(wid))
                pipe.scard(self.keys.worker_groups(wid))
            replies = pipe.execute()
        pairs = zip(replies[::2], replies[1::2], strict=True)
        return sum(1 for alive, held in pairs if alive and not held)

    def check_alive(self) -> None:
        dead = [name for name, svc in self.services.items() if not svc.alive]
        if dead:
            tails = "\n".join(f"--- {n} ---\n{self.services[n].log_tail()}" for n in dead)
            raise RuntimeError(f"service(s) exited: {', '.join(dead)}\n{tails}")

    def pids(self) -> dict[str, list[int]]:
        """Process ids by role: api, scheduler, workers, redis-server."""
        out: dict[str, list[int]] = {"api": [], "scheduler": [], "workers": [], "redis": []}
        for name, svc in self.services.items():
            if svc.proc is not None:
                role = name if name in ("api", "scheduler") else "workers"
                out[role].append(svc.proc.pid)
                if role == "api":  # its serving processes
                    out[role] += descendants(svc.proc.pid)
        if self.redis_server.proc is not None:
            out["redis"].append(self.redis_server.proc.pid)
        return out

    def pid_list(self) -> str:
        return " ".join(str(p) for pids in self.pids().values() for p in pids)

    def peak_rss(self) -> dict[str, float]:
        """Peak RSS in MiB of each service process, by name; for the API, of the largest of
        its serving processes (``api``, ``api processes``: how many) and of their parent
        (``api supervisor``)."""
        out: dict[str, float] = {}
        for name, svc in self.services.items():
            if svc.proc is None:
                continue
            out[name] = round(peak_rss_mib(svc.proc.pid), 1)
            kids = descendants(svc.proc.pid) if name == "api" else []
            serving = [peak_rss_mib(k) for k in kids if _serves(k)]
            if serving:
                out["api supervisor"], out["api"] = out["api"], round(max(serving), 1)
                out["api processes"] = len(serving)
        return out

    def pipeline_services(self) -> list[Service]:
        return [svc for name, svc in self.services.items() if name != "api"]

    def pause_pipeline(self) -> None:
        """SIGSTOP the scheduler and the workers (submitted jobs wait in the stream)."""
        self.paused = True
        for svc in self.pipeline_services():
            svc.signal(signal.SIGSTOP)

    def resume_pipeline(self) -> None:
        for svc in self.pipeline_services():
            svc.signal(signal.SIGCONT)
        self.paused = False

    def stop(self) -> None:
        self.resume_pipeline()  # a stopped process would not see SIGTERM
        for svc in self.services.values():
            svc.signal(signal.SIGTERM)
        for svc in self.services.values():
            svc.stop(timeout=15)
        if self.replica is not None:
            self.replica.stop()
        self.redis_server.stop()
        shutil.rmtree(self.redis_server.dir, ignore_errors=True)
