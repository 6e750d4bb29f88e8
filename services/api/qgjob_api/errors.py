"""Every error leaves the API as the one error model, never as a bare 500.

* ``ApiError`` — raised by routes: its status, code and message as given.
* request validation — 422 ``validation_error`` with one detail per offending field.
* the store unreachable — 503 ``store_unavailable`` with ``Retry-After``.
* a file system error of this server — 500 ``file_system_error`` (build uploads: 507
  ``build_store_full`` or 500 ``build_store_error``), logged as an error.
* anything else — 500 ``internal_error`` (a bug), logged with its traceback.
"""

from __future__ import annotations

import errno
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from qgjob_api.context import current_request_id
from qgjob_api.patterns import pattern_message
from qgjob_schemas import Error, ErrorBody, ErrorDetail

log = structlog.get_logger("qgjob.api")
STORE_DOWN: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)
"""What says the job store is away for now (503 with ``Retry-After``). Other ``OSError``s
are this server's files: their own error, never taken for an outage clients should retry."""

LOCATIONS = ("body", "query", "path", "header", "cookie")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
FRIENDLY = {
    "extra_forbidden": "is not a known field",
    "missing": "is required",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers


def invalid(field: str, message: str) -> ApiError:
    """A 422 for one field, like request validation gives."""
    return ApiError(
        422,
        "validation_error",
        f"invalid request: {field}: {message}",
        details=[ErrorDetail(field=field, message=message)],
    )


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Error(
        error=ErrorBody(code=code, message=message, details=details or []),
        request_id=current_request_id(),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    # the first item says where (a parameter may itself be named "path" or "body")
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in LOCATIONS else loc)]
    return ".".join(parts) or "body"


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "string_pattern_mismatch":
        return pattern_message(str(err.get("ctx", {}).get("pattern", "")))
    if err["type"] in FRIENDLY:
        return FRIENDLY[err["type"]]
    msg = str(err.get("msg", "is invalid"))
    return msg.removeprefix("Value error, ")


def validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    return [ErrorDetail(field=_field(tuple(e["loc"])), message=_message(e)) for e in errors]


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path answers (Starlette names only the first
    route's, and a path such as ``/v1/jobs`` has one route per method): each method is
    tried against the routes as the router itself would."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        summary = "; ".join(f"{d.field}: {d.message}" for d in details[:5])
        return error_response(422, "validation_error", f"invalid request: {summary}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not even text: invalid input like any
            detail = ErrorDetail(field="body", message="is not valid JSON")
            return error_response(
                422, "validation_error", "invalid request: body: is not valid JSON", [detail]
            )
        code = {
            404: "not_found",
            405: "method_not_allowed",
            406: "not_acceptable",
            413: "payload_too_large",
        }.get(exc.status_code, "http_error")
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return error_response(exc.status_code, code, str(exc.detail), headers=headers)

    for exc_type in STORE_DOWN:

        @app.exception_handler(exc_type)  # type: ignore[arg-type]
        async def _store_down(_: Request, exc: Exception) -> JSONResponse:
            log.warning("store unavailable", error=str(exc))
            return error_response(
                503,
                "store_unavailable",
                "the job store is unreachable; retry shortly",
                headers={"Retry-After": "2"},
            )

    @app.exception_handler(OSError)
    async def _file_system(_: Request, exc: OSError) -> JSONResponse:
        # a disk or permission problem of this server: not the store, and not retried
        log.error(
            "file system error",
            errno=errno.errorcode.get(exc.errno or 0, str(exc.errno)),
            filename=str(exc.filename),
            error=str(exc),
        )
        return error_response(
            500, "file_system_error", "the server cannot read or write its files; it was logged"
        )

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; the request was logged")


def json_errors_only(spec: dict[str, Any]) -> dict[str, Any]:
    """Document every 4xx/5xx body as JSON, also on routes that answer text (logs, metrics,
    events), where FastAPI would file the error model under the route's own media type."""
    for ops in spec.get("paths", {}).values():
        for op in ops.values():
            for code, doc in op.get("responses", {}).items():
                content = doc.get("content", {})
                if not code.isdigit() or int(code) < 400 or not content:
                    continue
                merged: dict[str, Any] = {}
                for media in content.values():
                    merged |= media
                doc["content"] = {"application/json": merged}
    return spec


def error_doc(description: str, example_code: str, example_message: str) -> dict[str, Any]:
    example = {
        "error": {"code": example_code, "message": example_message, "details": []},
        "request_id": "9f0c2e6a4b1d4c3e8a7f6b5c4d3e2f10",
    }
    return {
        "model": Error,
        "description": description,
        "content": {"application/json": {"example": example}},
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: error_doc(
        "No bearer token, or an unknown or revoked one.", "unauthorized", "missing bearer token"
    ),
    413: error_doc(
        "The request body is larger than the server accepts.",
        "payload_too_large",
        "the request body is larger than 4194304 bytes",
    ),
    422: error_doc(
        "The request is invalid; `details` names each field.",
        "validation_error",
        "invalid request: test_path: must be relative to the test repository",
    ),
    429: error_doc(
        "Too many requests from this organisation; retry after `Retry-After` seconds.",
        "rate_limited",
        "rate limit reached; retry in 1 s",
    ),
    500: error_doc("A bug; the request was logged.", "internal_error", "internal error"),
    503: error_doc(
        "The job store is unreachable; retry after `Retry-After`.",
        "store_unavailable",
        "the job store is unreachable; retry shortly",
    ),
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: error_doc(
        "The token may not act for this organisation, or an operator token is needed.",
        "forbidden",
        "this token acts for org acme, not globex",
    )
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: error_doc(
        "No such resource (or not one of this organisation's).", "not_found", "not found"
    )
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: error_doc("The job's state does not allow this.", "conflict", "job is already passed")
}
IDEMPOTENCY_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: error_doc(
        "This `Idempotency-Key` was used with another body.",
        "idempotency_conflict",
        "Idempotency-Key was used with another request body",
    ),
}
QUOTA: dict[int | str, dict[str, Any]] = {
    429: error_doc(
        "Rate limited, or the organisation has as many unfinished jobs as it may "
        "(`code` tells which); retry after `Retry-After`.",
        "quota_exceeded",
        "org acme has 10000 unfinished jobs; at most 10000 are allowed",
    )
}
