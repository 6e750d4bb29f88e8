"""``/docs`` (Swagger UI) and ``/redoc``: off unless ``QGJOB_API_DOCS`` is set.

Both pages run scripts fetched from a CDN in the browser of whoever opens them, so they are
opt-in, and served with a Content-Security-Policy allowing that CDN and nothing else.
``/openapi.json`` is always served (clients and code generators read it).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
CSP = (
    f"default-src 'none'; script-src {CDN} 'unsafe-inline'; style-src {CDN} 'unsafe-inline'; "
    f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
    f"worker-src blob:; font-src {CDN}; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}


def install_api_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="qgjob API")
        return HTMLResponse(page.body, headers=HEADERS)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url="/openapi.json", title="qgjob API", with_google_fonts=False
        )
        return HTMLResponse(page.body, headers=HEADERS)
