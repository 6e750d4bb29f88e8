"""A small synchronous client of the API that turns every failure into one readable line."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from qgjob_cli import exit_codes


class CliError(Exception):
    """A failure to report as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = exit_codes.API_ERROR) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _describe(response: httpx.Response) -> str:
    try:
        body = response.json()
        err = body["error"]
        details = "; ".join(
            f"{d['field']}: {d['message']}" if d.get("field") else d["message"]
            for d in err.get("details", [])
        )
        return f"{err['message']}" + (
            f" ({details})" if details and details not in err["message"] else ""
        )
    except (ValueError, KeyError, TypeError):
        return response.text.strip()[:200] or response.reason_phrase


def _verify(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Certificates are always verified: against ``ca_bundle`` when given, else the system's
    trusted CAs."""
    if not ca_bundle:
        return True
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise CliError(f"cannot use the CA bundle {ca_bundle}: {exc}") from None


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        ca_bundle: str | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, verify=_verify(ca_bundle)
        )

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.ConnectError as exc:
            raise CliError(f"cannot connect to the qgjob API at {self.base_url}: {exc}") from None
        except httpx.TimeoutException:
            raise CliError(f"the qgjob API at {self.base_url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise CliError(f"request to {self.base_url} failed: {exc}") from None
        if response.status_code >= 400:
            raise CliError(f"error {response.status_code}: {_describe(response)}")
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()
