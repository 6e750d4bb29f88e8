"""The web dashboard: static HTML, CSS and JavaScript served at ``/ui/`` (``/`` leads there).

The files live in ``qgjob_api/dashboard/`` and install with the package. They are plain
files (ES modules, no build step) that call the ``/v1`` API from the browser with the token
the user signs in with. Every file is sent with an exact content type, an ``ETag`` and
``Cache-Control: no-cache`` (the browser revalidates and gets a ``304`` while a file is
unchanged, so a new version is seen at once), and a strict Content-Security-Policy: scripts,
styles and connections from this origin only. None of these routes is in the OpenAPI spec.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

DASHBOARD_DIR = Path(__file__).parent / "dashboard"
MOUNT_PATH = "/ui"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class DashboardFiles(StaticFiles):
    """Static files with exact content types, revalidation caching and security headers."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        media_type = CONTENT_TYPES.get(Path(full_path).suffix, "application/octet-stream")
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type,
            headers=HEADERS,
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def install_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at ``/ui/`` and send ``/`` and ``/ui`` there; none is in the spec."""

    async def to_dashboard() -> RedirectResponse:
        return RedirectResponse(f"{MOUNT_PATH}/", status_code=307)

    for path in ("/", MOUNT_PATH):
        app.add_api_route(path, to_dashboard, methods=["GET"], include_in_schema=False)
    app.mount(MOUNT_PATH, DashboardFiles(directory=DASHBOARD_DIR, html=True), name="dashboard")
