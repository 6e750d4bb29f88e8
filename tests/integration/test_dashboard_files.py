"""The dashboard's static files as the API serves them: every file the page loads (followed
through the ES module imports) with its exact content type, revalidation caching and a strict
Content-Security-Policy; ``/`` leads there; none of it is in the OpenAPI spec."""

from __future__ import annotations

import re

import httpx

from qgjob_api.dashboard import DASHBOARD_DIR
from qgjob_api.openapi import spec

ASSET = re.compile(r'(?:src|href)="([^"#:]+)"')
IMPORT = re.compile(r'^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"', re.MULTILINE)
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def _resolve(base: str, ref: str) -> str:
    parts = base.rsplit("/", 1)[0].split("/") + ref.split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part not in (".", ""):
            out.append(part)
    return "/" + "/".join(out)


async def test_the_root_and_ui_lead_to_the_dashboard(mem_api: httpx.AsyncClient) -> None:
    for path in ("/", "/ui"):
        r = await mem_api.get(path)
        assert (r.status_code, r.headers["location"]) == (307, "/ui/"), path
    page = await mem_api.get("/ui/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<main id="main"' in page.text and 'lang="en"' in page.text


async def test_every_file_the_page_loads_is_served_with_its_type(
    mem_api: httpx.AsyncClient,
) -> None:
    """From index.html through every import: a typo in a module path fails here."""
    seen: set[str] = set()
    todo = ["/ui/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = await mem_api.get(path)
        assert r.status_code == 200, path
        suffix = ".html" if path.endswith("/") else path[path.rfind(".") :]
        assert r.headers["content-type"] == TYPES[suffix], path
        assert r.headers["cache-control"] == "no-cache" and r.headers["etag"], path
        assert r.headers["x-content-type-options"] == "nosniff"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        refs = ASSET.findall(r.text) if suffix == ".html" else IMPORT.findall(r.text)
        refs = [ref for ref in refs if ref.endswith(tuple(TYPES))]  # not the link to /docs
        todo += [_resolve(path if not path.endswith("/") else path + "x", ref) for ref in refs]
    served = {p.removeprefix("/ui/") for p in seen if not p.endswith("/")}
    on_disk = {
        str(f.relative_to(DASHBOARD_DIR)) for f in DASHBOARD_DIR.rglob("*") if f.is_file()
    } - {"index.html"}
    assert served == on_disk  # every file is used, and every used file exists


async def test_unchanged_files_revalidate_and_bad_requests_get_the_error_model(
    mem_api: httpx.AsyncClient,
) -> None:
    first = await mem_api.get("/ui/app.js")
    again = await mem_api.get("/ui/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for path in ("/ui/missing.js", "/ui/..%2Fdashboard.py", "/ui/%2e%2e/app.py"):
        r = await mem_api.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "not_found"
    posted = await mem_api.post("/ui/app.js")
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"


def test_the_dashboard_is_not_in_the_openapi_spec() -> None:
    paths = spec()["paths"]
    assert "/" not in paths and not [p for p in paths if p.startswith("/ui")]
