"""``qgjob-api``: serve the API with uvicorn."""

from __future__ import annotations

import sys

import structlog
import uvicorn

from qgjob_api.app import create_app
from qgjob_api.settings import ApiSettings
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
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
