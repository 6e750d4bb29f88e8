"""Serving the app with uvicorn under qgjob's own signal handling (a clean exit 0 on SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable, Iterator

import uvicorn
from fastapi import FastAPI

SHUTDOWN_GRACE_S = 10
"""How long a stopping API waits for the requests in flight."""


class ApiServer(uvicorn.Server):
    """uvicorn that leaves signals to the caller, so several services stop together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """End the live-event streams first: a browser or ``qgjob`` following events would
        otherwise hold the shutdown for the whole grace period. They resume elsewhere."""
        hub = getattr(getattr(self.config.app, "state", None), "hub", None)
        if hub is not None:
            hub.close_streams()
        await super().shutdown(sockets)


def make_server(
    app: FastAPI,
    host: str,
    port: int,
    *,
    tls_cert_file: str | None = None,
    tls_key_file: str | None = None,
) -> ApiServer:
    """A server for ``app``; HTTPS when given a certificate and its key."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        ssl_certfile=tls_cert_file,
        ssl_keyfile=tls_key_file,
    )
    return ApiServer(config)


async def wait_started(server: ApiServer, task: asyncio.Task[None]) -> None:
    """Return once the server listens; raise if it could not (the port is taken, ...)."""
    while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn sets a flag)
        await asyncio.sleep(0.02)
    if task.done():
        await task
        raise RuntimeError("the API server stopped before it started listening")


async def serve_until(
    server: ApiServer,
    stop: asyncio.Event,
    sockets: list[socket.socket] | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """Serve (on ``sockets`` when given, else on the configured address) until ``stop`` is
    set, then shut down gracefully; ``started`` is called once the server listens."""
    task = asyncio.create_task(server.serve(sockets))
    if started is not None:
        await wait_started(server, task)
        started()
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopper.cancel()
    await task
