"""BrowserStack App Automate's REST API, as the driver uses it: upload an app, read the plan.

Answers map onto the driver's errors: 401/403 (and other 4xx) are a
:class:`ConfigurationError` (no retry helps), 429, 5xx and network failures an
:class:`InfrastructureError` (retried later).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from qgjob_worker.drivers.base import ConfigurationError, InfrastructureError


@dataclass(frozen=True)
class Plan:
    max_parallel: int
    """Sessions the plan allows at once."""


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        return str(body.get("error") or body.get("message") or body)[:200]
    return str(body)[:200]


def check(response: httpx.Response, what: str) -> None:
    code = response.status_code
    if code in (401, 403):
        raise ConfigurationError(
            f"BrowserStack refused the credentials for {what} ({code}): check "
            "BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY"
        )
    if code == 429 or code >= 500:
        raise InfrastructureError(f"BrowserStack {what} answered {code}: {_detail(response)}")
    if code >= 400:
        raise ConfigurationError(f"BrowserStack rejected {what} ({code}): {_detail(response)}")


class BrowserStackApi:
    def __init__(
        self, base_url: str, username: str, access_key: str, *, timeout_s: float = 600.0
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=httpx.BasicAuth(username, access_key),
            timeout=httpx.Timeout(timeout_s, connect=10.0),
        )

    async def _send(self, what: str, method: str, path: str, **kwargs: object) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise InfrastructureError(f"BrowserStack {what} failed: {exc!r}") from None
        check(response, what)
        return response

    async def upload(self, path: Path, custom_id: str) -> str:
        """Upload an app; its ``bs://`` URL."""
        with path.open("rb") as fh:
            response = await self._send(
                f"the upload of {path.name}",
                "POST",
                "/app-automate/upload",
                files={"file": (path.name, fh, "application/octet-stream")},
                data={"custom_id": custom_id},
            )
        app_url = _json(response).get("app_url")
        if not isinstance(app_url, str) or not app_url.startswith("bs://"):
            raise InfrastructureError(
                f"BrowserStack upload answered no app_url: {_detail(response)}"
            )
        return app_url

    async def plan(self) -> Plan:
        body = _json(await self._send("the plan", "GET", "/app-automate/plan.json"))
        limit = body.get("parallel_sessions_max_allowed") or body.get(
            "team_parallel_sessions_max_allowed"
        )
        return Plan(max_parallel=_int(limit, 1))

    async def unreachable(self) -> str:
        """Why the API does not answer (a 5xx or no connection); empty when it does."""
        try:
            response = await self._http.get("/app-automate/plan.json", timeout=10.0)
        except httpx.HTTPError as exc:
            return f"BrowserStack unreachable: {exc!r}"
        if response.status_code < 500:
            return ""
        return f"BrowserStack answered {response.status_code}: {_detail(response)}"

    async def aclose(self) -> None:
        await self._http.aclose()


def _int(value: object, default: int) -> int:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else default


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        raise InfrastructureError(f"BrowserStack answered no JSON: {_detail(response)}") from None
    return body if isinstance(body, dict) else {}
