"""A small synchronous client of the API that turns every failure into one readable line.

Failures, each a :class:`CliError` (exit code 15 unless said otherwise):

* the API cannot be reached: refused connection, no answer in time, TLS refused;
* the API answers an error: ``error <status>: <the error model's message>``, with a hint
  where one helps (401: the token);
* 429: waited for (``Retry-After``, said on stderr) and retried, up to a limit; then an
  error like any other.
"""

from __future__ import annotations

import re
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from qgjob_cli import exit_codes
from qgjob_cli.output import fit


class CliError(Exception):
    """A failure to report as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = exit_codes.API_ERROR) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class ApiError(CliError):
    """The API answered an error status."""

    def __init__(self, status: int, message: str, code: str = "", body: Any = None) -> None:
        super().__init__(f"error {status}: {message}")
        self.status, self.error_code, self.body = status, code, body


class Unreachable(CliError):
    """The API could not be reached or did not answer (worth retrying later)."""


HINTS = {
    401: "set QGJOB_TOKEN (or token in the config file) to a valid API token",
}
MAX_RETRY_AFTER_S = 60.0


def _one_line(text: str, limit: int = 300) -> str:
    return re.sub(r"\s+", " ", text).strip()[:limit]


def _describe(response: httpx.Response) -> tuple[str, str]:
    """(message, error code) of an error answer: the error model's, else its text."""
    try:
        err = response.json()["error"]
        details = "; ".join(
            f"{d['field']}: {d['message']}" if d.get("field") else d["message"]
            for d in err.get("details", [])
        )
        message = str(err["message"])
        if details and details not in message:
            message += f" ({details})"
        return _one_line(message), str(err.get("code", ""))
    except (ValueError, KeyError, TypeError):
        return _one_line(response.text) or response.reason_phrase, ""


def error_of(response: httpx.Response) -> ApiError:
    message, code = _describe(response)
    hint = HINTS.get(response.status_code)
    try:
        body = response.json()
    except ValueError:
        body = None
    return ApiError(response.status_code, message + (f"; {hint}" if hint else ""), code, body)


def _verify(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Certificates are always verified: against ``ca_bundle`` when given, else the system's
    trusted CAs."""
    if not ca_bundle:
        return True
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise CliError(
            f"cannot use the CA bundle {ca_bundle}: {exc}", exit_codes.BAD_ARGUMENTS
        ) from None


def retry_after(response: httpx.Response) -> float:
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


def say(message: str) -> None:
    """A line for the person at the terminal, on stderr."""
    print(fit(f"qgjob: {message}", sys.stderr), file=sys.stderr, flush=True)


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        ca_bundle: str | None = None,
        rate_limit_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        if not re.match(r"^https?://[^/\s]+", self.base_url):
            raise CliError(
                f"the API URL must start with http:// or https://, got {base_url!r}",
                exit_codes.BAD_ARGUMENTS,
            )
        self.timeout = timeout
        self.rate_limit_retries = rate_limit_retries
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, verify=_verify(ca_bundle)
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _unreachable(self, exc: httpx.HTTPError) -> Unreachable:
        if isinstance(exc, httpx.TimeoutException):
            return Unreachable(
                f"the qgjob API at {self.base_url} did not answer within {self.timeout:g} s"
            )
        if isinstance(exc, httpx.ConnectError):
            text = str(exc)
            if "CERTIFICATE_VERIFY_FAILED" in text:
                return Unreachable(
                    f"the certificate of {self.base_url} is not trusted ({_one_line(text)}); "
                    "set QGJOB_CA_BUNDLE to the PEM file of its CA"
                )
            return Unreachable(f"cannot connect to the qgjob API at {self.base_url}: {text}")
        return Unreachable(f"request to {self.base_url} failed: {_one_line(str(exc))}")

    def _send(self, method: str, path: str, *, stream: bool, **kwargs: Any) -> httpx.Response:
        """One request; 429 is waited for and retried; an error status raises."""
        for attempt in range(self.rate_limit_retries + 1):
            try:
                request = self._http.build_request(method, path, **kwargs)
                response = self._http.send(request, stream=stream)
            except httpx.HTTPError as exc:
                raise self._unreachable(exc) from None
            if response.status_code == 429 and attempt < self.rate_limit_retries:
                wait = retry_after(response)
                response.close()
                say(
                    f"the API is rate limiting us (429); retrying in {wait:g} s "
                    f"({attempt + 1} of {self.rate_limit_retries})"
                )
                self._sleep(wait)
                continue
            if response.status_code >= 400:
                if stream:
                    response.read()
                    response.close()
                raise error_of(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._send(method, path, stream=False, **kwargs)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise CliError(
                f"{method} {path}: the API answered something that is not JSON"
            ) from None

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A streamed answer (server-sent events); closed on leaving."""
        response = self._send(method, path, stream=True, **kwargs)
        try:
            yield response
        finally:
            response.close()
