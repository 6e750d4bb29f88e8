"""The FastAPI application; ``create_app`` builds one for a settings object."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI

from qgjob_api.api_docs import install_api_docs
from qgjob_api.build_files import sweep_incoming
from qgjob_api.contract import polish
from qgjob_api.dashboard import install_dashboard
from qgjob_api.errors import install_error_handlers, json_errors_only
from qgjob_api.events_hub import EventHub
from qgjob_api.metrics import ApiMetrics
from qgjob_api.middleware import RequestContext
from qgjob_api.routes import (
    admin,
    apps,
    artifacts,
    dead_letters,
    events,
    groups,
    jobs,
    stats,
    suite_report,
    suites,
    system,
    websocket,
    workers,
)
from qgjob_api.settings import ApiSettings
from qgjob_core import tracing
from qgjob_store import (
    EventLog,
    IdempotencyStore,
    JobStore,
    RateLimiter,
    Store,
    TokenStore,
)

log = structlog.get_logger("qgjob.api")
DESCRIPTION = """Submit AppWright end-to-end test jobs and suites, follow them live, and see
how the platform groups them by app version so one install serves many tests.

**Authentication**: `Authorization: Bearer <token>` with an org's API token (an operator
creates one with `POST /v1/admin/tokens`) or the operator token. Every read is scoped to the
token's org; another org's job answers 404.

**Errors** are always `{"error": {"code", "message", "details"}, "request_id"}`."""


def create_app(settings: ApiSettings | None = None, store: Store | None = None) -> FastAPI:
    """An app over ``store`` (or one opened from the settings in the lifespan)."""
    settings = settings or ApiSettings()
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        s = store or Store.open(
            settings.redis_url,
            prefix=settings.key_prefix,
            retention=settings.retention(),
            wait_replicas=settings.store_wait_replicas,
            wait_timeout_ms=settings.store_wait_timeout_ms,
        )
        app.state.store, app.state.jobs, app.state.settings = s, JobStore(s), settings
        app.state.tokens = TokenStore(s)
        app.state.idempotency = IdempotencyStore(s)
        app.state.limiter = RateLimiter(
            s, per_s=settings.rate_limit_per_s, burst=settings.rate_limit_burst
        )
        app.state.metrics = metrics
        app.state.hub = hub = EventHub(EventLog(s))
        if settings.admin_token is None:
            log.warning("authentication is off: no QGJOB_ADMIN_TOKEN, every caller is operator")
        swept = await asyncio.to_thread(sweep_incoming, settings.build_store_dir.absolute())
        if swept:
            log.info("removed abandoned uploads", files=swept)
        hub.start()
        try:
            yield
        finally:
            await hub.stop()
            if own:
                await s.close()

    app = FastAPI(
        title="qgjob",
        version="0.1.0",
        summary="Mobile end-to-end test orchestration: jobs grouped by app version.",
        description=DESCRIPTION,
        lifespan=lifespan,
        servers=[{"url": "http://127.0.0.1:8080", "description": "`qgjob up` on its default port"}],
        contact={"name": "qgjob maintainers"},
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        docs_url=None,
        redoc_url=None,
        # qgjob exports its own metrics (/metrics) and logs; FastAPI's OpenTelemetry hooks
        # would otherwise look up the global providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
        openapi_tags=[
            {"name": "jobs", "description": "Submit, read, list and cancel test jobs."},
            {"name": "suites", "description": "Many tests of one app version at once."},
            {"name": "events", "description": "Live job state changes (server-sent events)."},
            {"name": "groups", "description": "Jobs grouped to share one app install."},
            {"name": "dead-letters", "description": "Jobs that ran out of attempts."},
            {"name": "stats", "description": "Figures of the platform or of one org."},
            {"name": "admin", "description": "Operator actions: org API tokens."},
            {"name": "apps", "description": "App builds: the file each app version installs."},
            {"name": "workers", "description": "Workers, their devices and what they hold."},
            {"name": "system", "description": "Health, readiness and metrics."},
        ],
    )
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        return polish(json_errors_only(default_openapi()))

    app.openapi = openapi  # type: ignore[method-assign]
    install_error_handlers(app)
    app.add_middleware(
        RequestContext,
        max_body_bytes=settings.max_body_bytes,
        metrics=metrics,
        upload_path=apps.UPLOAD_PATH,
        upload_max_bytes=apps.upload_limit(settings),
    )
    app.include_router(jobs.router)
    app.include_router(suites.router)
    app.include_router(suite_report.router)
    app.include_router(events.router)
    app.include_router(groups.router)
    app.include_router(dead_letters.router)
    app.include_router(stats.router)
    app.include_router(admin.router)
    app.include_router(system.router)
    app.include_router(apps.router)
    app.include_router(artifacts.router)
    app.include_router(workers.router)
    app.include_router(websocket.router)
    install_dashboard(app)
    if settings.api_docs:
        install_api_docs(app)
    if tracing.enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        # probes, scrapes and the dashboard's files are not worth a trace each
        FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics,ui")
    return app
