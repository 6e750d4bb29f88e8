"""``qgjob up``: the API, a scheduler and workers for every target in one process.

By default on the embedded store (``memory://``): nothing else to install or start. Given
a Redis (``--redis-url``, ``QGJOB_REDIS_URL`` or ``REDIS_URL``) that cannot be reached at
start-up, it falls back to the embedded store with a warning, unless told to refuse
(``--no-fallback``). Split services never fall back: they keep retrying their Redis.
"""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

import structlog
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisClusterException, RedisError
from redis.retry import Retry

from qgjob_api.app import create_app
from qgjob_api.server import make_server, wait_started
from qgjob_api.settings import ApiSettings
from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_core import tracing
from qgjob_core.lifecycle import install_stop_handlers
from qgjob_scheduler.service import Scheduler
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_schemas import Target
from qgjob_store import Store
from qgjob_store.cluster_url import is_cluster
from qgjob_store.connection import StoreConfigError, connect, is_memory
from qgjob_store.sentinel_url import is_sentinel
from qgjob_worker.drivers import load_driver
from qgjob_worker.service import Worker
from qgjob_worker.settings import WorkerSettings

log = structlog.get_logger("qgjob.up")
OPEN_WARNING = (
    "WARNING: authentication is OFF (no QGJOB_ADMIN_TOKEN): anyone who can reach this port "
    "can submit, read and cancel every org's jobs. Set QGJOB_ADMIN_TOKEN to require tokens."
)


@dataclass(frozen=True)
class UpOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    redis_url: str = "memory://"
    workers_per_target: int = 1
    fallback: bool = True


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, an address that cannot be listened on (taken, not local)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise CliError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} "
            "(another qgjob up? --port picks another)",
            exit_codes.BAD_ARGUMENTS,
        ) from None


PROBE_TIMEOUT_S = 3.0
MEMORY = "memory://"


def shown_url(url: str) -> str:
    """The store URL with any password hidden (and its query, which may hold one)."""
    if is_memory(url):
        return "embedded in-memory store"
    parts = urlsplit(url)._replace(query="")
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if at and ":" in userinfo:  # several hosts (Sentinel, Cluster) are kept as they are
        parts = parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{hosts}")
    return "Redis at " + urlunsplit(parts)


async def unreachable(url: str) -> str | None:
    """Why the Redis at ``url`` does not answer a PING right now (``None``: it does)."""
    if is_sentinel(url) or is_cluster(url):
        return await _unreachable_ha(url)
    try:
        client = Redis.from_url(
            url,
            socket_connect_timeout=PROBE_TIMEOUT_S,
            socket_timeout=PROBE_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
        )
    except ValueError as exc:
        return f"not a store URL: {exc}"
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    return None


async def _unreachable_ha(url: str) -> str | None:
    """As :func:`unreachable`, through the client the services use for a Sentinel or a
    Cluster URL (the sentinels asked for the master; the cluster's nodes discovered)."""
    try:
        client = connect(url)
    except StoreConfigError as exc:
        return f"not a store URL: {exc}"
    try:
        await asyncio.wait_for(client.ping(), PROBE_TIMEOUT_S * 2)
    except (RedisError, RedisClusterException, OSError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    return None


async def choose_store(url: str, *, fallback: bool) -> str:
    """The store ``qgjob up`` runs on: ``url`` when it answers (or is the embedded one),
    else the embedded store with a warning, or an error when falling back is refused."""
    if is_memory(url):
        return url
    why = await unreachable(url)
    if why is None:
        return url
    if not fallback:
        raise CliError(
            f"cannot reach the {shown_url(url)} ({why}); start it, or drop --no-fallback "
            "to run on the embedded in-memory store",
            exit_codes.API_ERROR,
        )
    print(
        f"WARNING: cannot reach the {shown_url(url)} ({why}): falling back to the embedded "
        "in-memory store; jobs will not outlive this process (--no-fallback refuses instead)",
        flush=True,
    )
    return MEMORY


def _open(url: str, settings: ApiSettings, block_ms: int = 0) -> Store:
    # WAIT applies to submissions only, so the store shared with the scheduler and workers
    # may carry it; on memory:// it is not used
    return Store.open(
        url,
        prefix=settings.key_prefix,
        retention=settings.retention(),
        block_ms=block_ms,
        wait_replicas=settings.store_wait_replicas,
        wait_timeout_ms=settings.store_wait_timeout_ms,
    )


async def run_platform(
    opts: UpOptions, stop: asyncio.Event, ready: asyncio.Event | None = None
) -> None:
    """Serve until ``stop`` is set; then stop the API, drain workers and the scheduler."""
    api_settings = ApiSettings(redis_url=opts.redis_url, host=opts.host, port=opts.port)
    store = _open(opts.redis_url, api_settings)
    readers: list[Store] = []
    sched_settings = SchedulerSettings(redis_url=opts.redis_url, scheduler_id="embedded")
    sched_reader = _open(opts.redis_url, api_settings, sched_settings.block_ms)
    readers.append(sched_reader)
    tasks = [asyncio.create_task(Scheduler(sched_settings, store, sched_reader).run(stop))]
    for target in Target:
        for n in range(opts.workers_per_target):
            ws = WorkerSettings(
                redis_url=opts.redis_url,
                target=target,
                worker_id=f"{target.value}-{n + 1}",
                drain_grace_s=5,
            )
            reader = _open(opts.redis_url, api_settings, ws.block_ms)
            readers.append(reader)
            worker = Worker(ws, store, reader, load_driver(ws, store), ws.worker_id)
            tasks.append(asyncio.create_task(worker.run(stop)))
    server = make_server(create_app(api_settings, store), opts.host, opts.port)
    api = asyncio.create_task(server.serve())
    try:
        await wait_started(server, api)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        stop.set()
        server.should_exit = True
        await asyncio.gather(api, *tasks, return_exceptions=True)
        for r in readers:
            await r.close()
        await store.close()


def dashboard_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the dashboard (a wildcard address is not one)."""
    browse = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in browse:
        browse = f"[{browse}]"
    return f"http://{browse}:{port}/ui/"


async def up(opts: UpOptions) -> None:
    opts = replace(opts, redis_url=await choose_store(opts.redis_url, fallback=opts.fallback))
    stop = asyncio.Event()
    install_stop_handlers(stop)
    tracing.configure("qgjob")
    ready = asyncio.Event()
    runner = asyncio.create_task(run_platform(opts, stop, ready))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if ready.is_set():
        url = f"http://{opts.host}:{opts.port}"
        print(
            f"qgjob is up at {url}  (store: {shown_url(opts.redis_url)}; "
            f"workers: {opts.workers_per_target} per target; Ctrl-C to stop)",
            flush=True,
        )
        print(f"  dashboard: {dashboard_url(opts.host, opts.port)}", flush=True)
        print(f"  export QGJOB_API_URL={url}", flush=True)
        if not os.environ.get("QGJOB_ADMIN_TOKEN"):
            print(OPEN_WARNING, flush=True)
    else:
        waiter.cancel()
    await runner
    print("qgjob stopped", flush=True)
