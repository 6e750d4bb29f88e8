"""Around every request: a request id (``X-Request-ID`` in and out, bound to every log line
and put in error bodies), one log line, the latency histogram, and the body size limit.
A pure ASGI middleware, so streaming responses (server-sent events) pass through untouched."""

from __future__ import annotations

import re
import time
from typing import Any

import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qgjob_api.context import REQUEST_ID_HEADER, new_request_id, request_id_var
from qgjob_api.errors import error_response
from qgjob_api.metrics import ApiMetrics

log = structlog.get_logger("qgjob.api")


class RequestContext:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        metrics: ApiMetrics,
        upload_path: re.Pattern[str] | None = None,
        upload_max_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics
        # build uploads are read as they arrive, to disk: their limit is the build's
        self.upload_path, self.upload_max_bytes = upload_path, upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        rid = new_request_id(headers.get(REQUEST_ID_HEADER.lower()))
        token = request_id_var.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER.lower().encode(), rid.encode()),
                ]
            await send(message)

        try:
            await self._serve(scope, headers, receive, send_with_id, status)
        finally:
            self._done(scope, status["code"], time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id", "org_id")
            request_id_var.reset(token)

    async def _serve(
        self,
        scope: Scope,
        headers: dict[str, str],
        receive: Receive,
        send: Send,
        status: dict[str, Any],
    ) -> None:
        limit = self._limit(scope)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, self._too_large_message(limit))
            return message

        try:
            await self.app(scope, limited, send)
        except Exception:
            log.exception("unhandled error", method=scope["method"], path=scope["path"])
            if not status["sent"]:
                response = error_response(
                    500, "internal_error", "internal error; the request was logged"
                )
                await response(scope, receive, send)

    def _limit(self, scope: Scope) -> int:
        if (
            self.upload_path is not None
            and scope["method"] == "POST"
            and self.upload_path.match(scope["path"])
        ):
            return self.upload_max_bytes
        return self.max_body_bytes

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(
            413,
            "payload_too_large",
            self._too_large_message(limit),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

    @staticmethod
    def _too_large_message(limit: int) -> str:
        return f"the request body is larger than {limit} bytes"

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        self.metrics.observe_request(scope["method"], template, status, seconds)
        log.info(
            "request",
            method=scope["method"],
            path=scope["path"],
            route=template,
            status=status,
            duration_ms=round(seconds * 1000, 2),
        )
