"""The parts of a store URL that names several hosts (``redis+sentinel://``,
``redis+cluster://``), which :func:`urllib.parse.urlsplit` cannot read (it takes one port)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote


@dataclass(frozen=True)
class MultiHostUrl:
    scheme: str
    hosts: str
    """The comma-separated ``host:port`` list, as written."""
    path: str
    username: str | None
    password: str | None
    options: dict[str, str]
    """The query's options (the last value of each)."""


def split_url(url: str) -> MultiHostUrl:
    scheme, _, rest = url.partition("://")
    rest, _, query = rest.partition("?")
    netloc, _, path = rest.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    if not at:
        hosts, userinfo = netloc, ""
    user, colon, password = userinfo.partition(":")
    return MultiHostUrl(
        scheme=scheme,
        hosts=hosts,
        path=path,
        username=unquote(user) or None,
        password=unquote(password) if colon else None,
        options={k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()},
    )


def host_port(part: str) -> tuple[str, int] | None:
    """``host:port`` (IPv6 in brackets) as a pair, or None when it is not one."""
    host, sep, port = part.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host.strip("[]"), int(port)
