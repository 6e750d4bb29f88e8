"""The FastAPI application; ``create_app`` builds one for a settings object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qgjob_api.errors import install_error_handlers
from qgjob_api.routes import dead_letters, jobs, system, workers
from qgjob_api.settings import ApiSettings
from qgjob_redis import JobStore, Store


def create_app(settings: ApiSettings | None = None, store: Store | None = None) -> FastAPI:
    """An app over ``store`` (or one opened from the settings in the lifespan)."""
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        s = store or Store.open(
            settings.redis_url, prefix=settings.key_prefix, retention=settings.retention()
        )
        app.state.store, app.state.jobs, app.state.settings = s, JobStore(s), settings
        try:
            yield
        finally:
            if own:
                await s.close()

    app = FastAPI(
        title="qgjob",
        version="0.1.0",
        summary="Mobile end-to-end test orchestration: jobs grouped by app version.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(jobs.router)
    app.include_router(dead_letters.router)
    app.include_router(system.router)
    app.include_router(workers.router)
    return app
