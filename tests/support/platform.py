"""The platform as separate processes (api, schedulers, workers) on one Redis."""

from __future__ import annotations

import signal
import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import redis

from qgjob_store.keys import Keys
from tests.support.processes import Service, python_module
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

ADMIN_TOKEN = "operator-secret-for-tests-0123456789"
"""The operator token every API process of these tests is started with (qgjob-api refuses
to start without one); :meth:`Platform.client` sends it."""

FAST_ENV = {
    "QGJOB_ADMIN_TOKEN": ADMIN_TOKEN,
    "QGJOB_SIM_INSTALL_MS": "200",
    "QGJOB_SIM_TEST_MS": "30",
    "QGJOB_GROUP_LINGER_MS": "200",
    "QGJOB_LOG_FORMAT": "json",
    "QGJOB_BLOCK_MS": "500",
}


class Platform:
    def __init__(
        self,
        redis_url: str,
        prefix: str,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        inspect: redis.Redis | None = None,
    ) -> None:
        """``inspect``: the client the test reads the store with (one that follows the
        master through the sentinels, for a ``redis+sentinel://`` URL)."""
        self.redis_url, self.prefix, self.log_dir = redis_url, prefix, log_dir
        self.port = free_port()
        self.env = {
            "QGJOB_REDIS_URL": redis_url,
            "QGJOB_KEY_PREFIX": prefix,
            **FAST_ENV,
            **(env or {}),
        }
        self.services: dict[str, Service] = {}
        self.keys = Keys(prefix)
        self.redis = inspect or redis.Redis.from_url(redis_url, decode_responses=True)

    @property
    def api_url(self) -> str:
        scheme = "https" if self.env.get("QGJOB_TLS_CERT_FILE") else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def client(self, **kwargs: Any) -> httpx.Client:
        """An HTTP client of the API acting as the operator."""
        headers = {"Authorization": f"Bearer {self.env['QGJOB_ADMIN_TOKEN']}"}
        return httpx.Client(base_url=self.api_url, headers=headers, **kwargs)

    def add(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> Service:
        svc = Service(name, argv, {**self.env, **(env or {})}, self.log_dir)
        self.services[name] = svc
        return svc.start()

    def start_api(self) -> Service:
        return self.start_api_with({})

    def start_api_with(self, env: Mapping[str, str], wrapper: Sequence[str] = ()) -> Service:
        """The API process, started through ``wrapper`` (e.g. ``prlimit ... --``) if given."""
        argv = [*wrapper, *python_module("qgjob_api")]
        svc = self.add("api", argv, {"QGJOB_PORT": str(self.port), **env})
        wait_until(self._api_ready, timeout=30, what="the API to be ready")
        return svc

    def start_scheduler(self, n: int = 1, env: Mapping[str, str] | None = None) -> Service:
        return self.add(
            f"scheduler-{n}",
            python_module("qgjob_scheduler"),
            {"QGJOB_SCHEDULER_ID": f"scheduler-{n}", **(env or {})},
        )

    def start_worker(
        self, target: str, n: int = 1, env: Mapping[str, str] | None = None
    ) -> Service:
        worker_id = f"{target}-{n}"
        return self.add(
            worker_id,
            python_module("qgjob_worker", "--target", target),
            {"QGJOB_WORKER_ID": worker_id, **(env or {})},
        )

    def wait_for_workers(self, ids: list[str], timeout: float = 30) -> None:
        def beating() -> bool:
            return all(self.redis.exists(self.keys.heartbeat(w)) for w in ids)

        wait_until(beating, timeout=timeout, what=f"heartbeats of {ids}")

    def _api_ready(self) -> bool:
        ca = self.env.get("QGJOB_CA_BUNDLE")
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca) if ca else True
        try:
            return httpx.get(f"{self.api_url}/readyz", timeout=1, verify=verify).status_code == 200
        except httpx.HTTPError:
            return False

    def stop_all(self) -> dict[str, int | None]:
        """SIGTERM to every service at once (they drain side by side), then their codes."""
        for svc in self.services.values():
            svc.signal(signal.SIGTERM)
        codes = {name: svc.stop(signalled=True) for name, svc in self.services.items()}
        self.redis.close()
        return codes

    def logs(self) -> str:
        return "\n".join(f"--- {n} ---\n{s.log_tail()}" for n, s in self.services.items())
