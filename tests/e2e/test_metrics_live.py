"""Every metric the Grafana dashboard or an alert rule names is served by a live platform:
the API, a scheduler and a worker as processes on a real Redis, after a few jobs (a pass, a
failure, a dead letter) ran."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.monitoring import every_metric_named
from tests.support.platform import Platform
from tests.support.redis_server import RedisServer, free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

Samples = dict[str, list[tuple[dict[str, str], float]]]


def _scrape(url: str) -> Samples:
    out: Samples = {}
    text = httpx.get(url, timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def _value(samples: Samples, name: str, **labels: str) -> float:
    found = samples.get(name, [])
    return sum(v for got, v in found if all(got.get(k) == x for k, x in labels.items()))


def _reading(url: str, name: str) -> float | None:
    """The metric's value, or None while the port does not answer yet."""
    try:
        return _value(_scrape(url), name)
    except httpx.HTTPError:
        return None


def test_every_metric_a_panel_or_rule_names_is_served(platform: Platform, out_dir: Path) -> None:
    scheduler_port, worker_port = free_port(), free_port()
    platform.start_api()
    platform.start_scheduler(env={"QGJOB_METRICS_PORT": str(scheduler_port)})
    platform.start_worker("emulator", env={"QGJOB_METRICS_PORT": str(worker_port)})
    platform.wait_for_workers(["emulator-1"])
    with platform.client(timeout=10) as api:
        for test, attempts in (
            ("tests/a.spec.js", 3),
            ("tests/fail_b.spec.js", 3),
            ("tests/infra_c.spec.js", 1),
        ):
            body = {
                "org_id": "acme",
                "app_version_id": "v1",
                "test_path": test,
                "max_attempts": attempts,
            }
            assert api.post("/v1/jobs", json=body).status_code == 201

        def finished() -> bool:
            counts = api.get("/v1/stats").json()["jobs_by_status"]
            return (counts["passed"], counts["failed"], counts["dead"]) == (1, 1, 1)

        wait_until(finished, timeout=60, what="a pass, a failure and a dead letter")
        api.get("/v1/jobs/NOPE")  # a 404 in the latency histogram too

    urls = {
        "api": f"{platform.api_url}/metrics",
        "scheduler": f"http://127.0.0.1:{scheduler_port}/",
        "worker": f"http://127.0.0.1:{worker_port}/",
    }

    wait_until(
        lambda: _reading(urls["scheduler"], "qgjob_scheduler_leading") == 1,
        timeout=30,
        what="the scheduler to report that it leads",
    )
    scraped = {name: _scrape(url) for name, url in urls.items()}
    (out_dir / "metrics.txt").write_text(
        "\n".join(f"# {n}\n{httpx.get(u, timeout=5).text}" for n, u in urls.items())
    )
    served = {name for samples in scraped.values() for name in samples}
    named = every_metric_named()
    assert len(named) >= 12
    missing = {name: sorted(users) for name, users in named.items() if name not in served}
    assert missing == {}

    api_samples = scraped["api"]
    assert _value(api_samples, "qgjob_store_up") == 1
    assert _value(api_samples, "qgjob_jobs_finished_total", target="emulator", status="passed") == 1
    assert _value(api_samples, "qgjob_jobs_finished_total", status="dead") == 1
    assert _value(api_samples, "qgjob_dead_letters_total") == 1
    assert _value(api_samples, "qgjob_target_workers", target="emulator", state="idle") == 1
    assert _value(api_samples, "qgjob_queue_wait_seconds", quantile="0.95") > 0
    assert _value(scraped["worker"], "qgjob_worker_installs_total", result="installed") == 1


def test_while_redis_is_away_metrics_say_so(tmp_path: Path, prefix: str, out_dir: Path) -> None:
    """The API's /metrics still answers with qgjob_store_up 0 (so the alert can fire rather
    than the scrape failing), the scheduler stops reporting that it leads, and both recover."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    platform = Platform(server.url, prefix, out_dir)
    scheduler_port = free_port()
    api_url = f"{platform.api_url}/metrics"
    scheduler_url = f"http://127.0.0.1:{scheduler_port}/"
    try:
        platform.start_api()
        platform.start_scheduler(env={"QGJOB_METRICS_PORT": str(scheduler_port)})
        wait_until(
            lambda: _reading(scheduler_url, "qgjob_scheduler_leading") == 1,
            timeout=30,
            what="the scheduler to lead",
        )
        assert _value(_scrape(api_url), "qgjob_store_up") == 1
        server.kill()
        down = httpx.get(api_url, timeout=10)
        assert down.status_code == 200
        away = _scrape(api_url)
        assert _value(away, "qgjob_store_up") == 0
        assert "qgjob_jobs" not in away  # no stale figures
        wait_until(
            lambda: _reading(scheduler_url, "qgjob_scheduler_leading") == 0,
            timeout=30,
            what="the scheduler to stop reporting that it leads",
        )
        server.start()
        wait_until(
            lambda: _value(_scrape(api_url), "qgjob_store_up") == 1,
            timeout=30,
            what="the API to reach Redis again",
        )
        wait_until(
            lambda: _reading(scheduler_url, "qgjob_scheduler_leading") == 1,
            timeout=30,
            what="the scheduler to lead again",
        )
    finally:
        platform.stop_all()
        server.stop()
