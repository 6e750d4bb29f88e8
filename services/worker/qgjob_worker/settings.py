"""Worker settings (``QGJOB_`` environment variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from qgjob_core.settings import StoreSettings
from qgjob_schemas import ID_PATTERN, Target


class WorkerSettings(StoreSettings):
    model_config = SettingsConfigDict(env_prefix="QGJOB_", extra="ignore", populate_by_name=True)

    target: Target = Target.EMULATOR
    """Which assignment stream this worker reads."""
    worker_id: str = Field(default="", pattern="^$|" + ID_PATTERN)
    """Consumer name (in its target's assignment stream) and registry id; defaults to
    ``<target>-<hostname>`` (the pod name on Kubernetes). Give each worker on one host its
    own. An id, as every id (``ID_PATTERN``): it starts with a letter or a digit, so it can
    never be the holding consumer of the waiting groups (``~waiting``)."""
    driver: str = "simulated"
    """Driver that installs apps and runs tests."""
    lease_ms: int = Field(default=30000, ge=200)
    """A group whose holder has not renewed for this long is taken over by another worker."""
    heartbeat_interval_s: float = Field(default=2.0, gt=0)
    """How often a running lane renews its lease and sees cancels; the worker records its
    heartbeat every :attr:`beat_interval_s`."""
    block_ms: int = Field(default=5000, ge=10, le=5000)
    """How long an idle worker's wait to be woken by a dispatch lasts before it is made
    again (a stop ends it at once): each is a round trip, 2,500 a second for 5,000 idle
    workers at 2 s, 1,000 at 5 s."""
    run_timeout_s: float = Field(default=900.0, gt=0)
    """A test still running after this long ends as an infrastructure error."""
    install_timeout_s: float = Field(default=600.0, gt=0)
    drain_grace_s: float = Field(default=60.0, ge=0)
    """On SIGTERM, how long the running test may go on before it is stopped."""
    retry_base_s: float = Field(default=1.0, ge=0)
    """First retry waits about this long; each further one doubles, with jitter."""
    retry_cap_s: float = Field(default=60.0, ge=0)
    capacity: int = Field(default=1, ge=1)
    """Groups the worker runs at once: 1 for a device, N for an emulator host with N
    emulators."""
    app_cache_size: int = Field(default=4, ge=1)
    """App versions a device keeps installed; the least recently used is uninstalled."""
    duration_alpha: float = Field(default=0.3, gt=0, le=1)
    """Weight of the newest result in the learned test durations and install times."""
    log_max_bytes: int = Field(default=1 << 20, ge=1024)
    """Per-job log kept in the store; older output is dropped first."""
    # simulated driver
    sim_install_ms: int = Field(default=300, ge=0)
    sim_test_ms: int = Field(default=200, ge=0)
    sim_error_rate: float = Field(default=0.0, ge=0, le=1)
    """Share of runs that fail with an injected infrastructure error."""
    sim_install_error_rate: float = Field(default=0.0, ge=0, le=1)
    sim_seed: int = 0
    sim_fetch_builds: bool = False
    """The simulated driver wants each group's build file first, as a device driver does
    (the real build fetch runs: registered build or the job's ``app_url``)."""
    # health
    health_interval_s: float = Field(default=5.0, gt=0)
    """How often a worker whose device is not ready checks it again (it takes no work)."""
    # app builds and artifacts
    build_cache_dir: Path = Path("qgjob-data/build-cache")
    """Where the worker keeps the app builds it downloaded (each once, checksum verified)."""
    build_download_timeout_s: float = Field(default=600.0, gt=0)
    artifact_dir: Path = Path("qgjob-data/artifacts")
    """Per-job logs and output files (a volume shared with the API on several hosts)."""
    # the test command (adb and browserstack drivers)
    test_command: str = "npx appwright test {test_path} --project {project}"
    """The test command, split into arguments before the placeholders are filled in."""
    test_workdir: Path = Path(".")
    """Checkout of the team's test repository; the test command runs there."""
    test_project: str = ""
    """``{project}`` of the test command; the worker's target when empty."""
    kill_grace_s: float = Field(default=5.0, ge=0)
    """On timeout or cancel, how long the test command has after SIGTERM before SIGKILL."""
    # adb driver
    adb_serial: str = ""
    """The device or emulator this worker owns (``adb devices`` lists serials)."""
    adb_path: str = "adb"
    adb_package: str = ""
    """Android package of the app, when its builds are registered without one."""
    adb_timeout_s: float = Field(default=60.0, gt=0)
    """Timeout of a quick adb command (state, dumpsys, uninstall)."""
    # browserstack driver
    browserstack_api_url: str = "https://api-cloud.browserstack.com"
    browserstack_username: str = Field(
        default="",
        validation_alias=AliasChoices("BROWSERSTACK_USERNAME", "QGJOB_BROWSERSTACK_USERNAME"),
    )
    browserstack_access_key: str = Field(
        default="",
        validation_alias=AliasChoices("BROWSERSTACK_ACCESS_KEY", "QGJOB_BROWSERSTACK_ACCESS_KEY"),
    )
    browserstack_app_ttl_s: int = Field(default=29 * 24 * 3600, ge=60)
    """How long an uploaded app is reused; BrowserStack deletes apps after 30 days."""
    browserstack_queue_timeout_s: float = Field(default=600.0, gt=0)
    """How long a test waits for a free parallel session before it is retried later."""
    metrics_port: int = Field(default=0, ge=0, le=65535)
    """Serve Prometheus metrics on this port (0: off)."""
    host: str = "127.0.0.1"
    """Address the metrics port listens on (the image sets ``0.0.0.0``)."""
    sim_time_scale: float = Field(default=1.0, gt=0)
    """Factor on every simulated duration (0.01 runs a 60 s install in 0.6 s)."""

    def resolved_id(self, host: str) -> str:
        return self.worker_id or f"{self.target.value}-{host}"

    @property
    def beat_interval_s(self) -> float:
        """How often the worker records its heartbeat (liveness, state, versions): a third
        of ``heartbeat_ttl_s``, so two beats may be late before it counts as lost, and no
        more often than its lanes renew. Going draining or unhealthy is recorded at once (busy
        and idle, which the plans do not tell apart, at the next beat); the beats
        of an idle farm are most of what it asks of Redis (5,000 workers: 2,500 beats/s at
        one every 2 s, 1,000/s at the default of one every 5 s)."""
        return max(self.heartbeat_interval_s, self.heartbeat_ttl_s / 3)
