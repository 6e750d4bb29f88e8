"""``qgjob-api``: serve the API with uvicorn."""

from __future__ import annotations

import asyncio
import sys

import structlog

from qgjob_api.app import create_app
from qgjob_api.server import make_server, serve_until
from qgjob_api.settings import ApiSettings
from qgjob_core.lifecycle import install_stop_handlers
from qgjob_core.logging import configure
from qgjob_redis import StoreConfigError, require_shared_store


def main() -> None:
    settings = ApiSettings()
    configure("api", level=settings.log_level, fmt=settings.log_format)
    try:
        require_shared_store(settings.redis_url, "qgjob-api")
    except StoreConfigError as exc:
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    asyncio.run(serve(settings))


async def serve(settings: ApiSettings) -> None:
    stop = asyncio.Event()
    install_stop_handlers(stop)
    await serve_until(make_server(create_app(settings), settings.host, settings.port), stop)


if __name__ == "__main__":
    main()
