"""``qgjob-api``: serve the API with uvicorn."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import structlog

from qgjob_api.app import create_app
from qgjob_api.processes import serve_processes
from qgjob_api.server import make_server, serve_until
from qgjob_api.settings import ApiSettings
from qgjob_core import tracing
from qgjob_core.lifecycle import install_stop_handlers, run
from qgjob_core.logging import configure
from qgjob_store import StoreConfigError, require_shared_store


class UnsafeSettingsError(ValueError):
    """The settings would serve the API in a way it must not be served."""


def check_settings(settings: ApiSettings) -> None:
    """Refuse to serve without an operator token, or with half a TLS configuration."""
    require_shared_store(settings.redis_url, "qgjob-api")
    if settings.admin_token is None or not settings.admin_token.get_secret_value().strip():
        raise UnsafeSettingsError(
            "QGJOB_ADMIN_TOKEN is not set: qgjob-api will not serve without an operator token "
            "(set it to a long random secret, e.g. `openssl rand -hex 32`); "
            "`qgjob up` runs without one for local use"
        )
    tls = (settings.tls_cert_file, settings.tls_key_file)
    if any(tls) and not all(tls):
        raise UnsafeSettingsError("HTTPS needs both QGJOB_TLS_CERT_FILE and QGJOB_TLS_KEY_FILE")
    for name, path in zip(("QGJOB_TLS_CERT_FILE", "QGJOB_TLS_KEY_FILE"), tls, strict=True):
        if path and not Path(path).is_file():
            raise UnsafeSettingsError(f"{name}={path!r}: no such file")


def main() -> None:
    settings = ApiSettings()
    configure("api", level=settings.log_level, fmt=settings.log_format)
    try:
        check_settings(settings)
    except (StoreConfigError, UnsafeSettingsError) as exc:
        structlog.get_logger().error("refusing to start", reason=str(exc))
        sys.exit(2)
    if settings.api_processes > 1:
        sys.exit(serve_processes(settings))
    serve_or_exit(settings)


def serve_or_exit(
    settings: ApiSettings,
    sock: socket.socket | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """Serve; a server that cannot start (an unreadable certificate, ...) is one error line
    and exit 1."""
    try:
        run(serve(settings, sock, started))
    except OSError as exc:  # ssl.SSLError is one
        structlog.get_logger().error("cannot serve", reason=f"{type(exc).__name__}: {exc}")
        sys.exit(1)


async def serve(
    settings: ApiSettings,
    sock: socket.socket | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """One API process, on ``sock`` when a parent bound it for several processes (which
    learns through ``started`` that it serves)."""
    stop = asyncio.Event()
    install_stop_handlers(stop)
    tracing.configure("qgjob-api")
    server = make_server(
        create_app(settings),
        settings.host,
        settings.port,
        tls_cert_file=settings.tls_cert_file,
        tls_key_file=settings.tls_key_file,
    )
    await serve_until(server, stop, [sock] if sock is not None else None, started)


if __name__ == "__main__":
    main()
