"""The ``redis+sentinel://`` store URL: where the sentinels are and which master to follow.

``redis+sentinel://[[user]:password@]host:port[,host:port...]/<master-name>[/db][?options]``

- ``user``/``password`` authenticate to the master (and its replicas), as in ``redis://``;
- ``sentinel_password`` (and ``sentinel_username``) in the query authenticate to the
  sentinels, when they require it;
- ``rediss+sentinel://`` speaks TLS to the master (the sentinels too, unless
  ``sentinel_ssl=false``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

SENTINEL_SCHEMES = ("redis+sentinel://", "rediss+sentinel://")
_OPTIONS = {"sentinel_password", "sentinel_username", "sentinel_ssl"}


class SentinelUrlError(ValueError):
    """The ``redis+sentinel://`` URL cannot be read."""


@dataclass(frozen=True)
class SentinelUrl:
    sentinels: list[tuple[str, int]]
    master: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    ssl: bool = False
    sentinel_options: dict[str, object] = field(default_factory=dict)
    """Connection options for the sentinels themselves (their own credentials, TLS)."""


def is_sentinel(url: str) -> bool:
    return url.startswith(SENTINEL_SCHEMES)


def _host_port(part: str, url: str) -> tuple[str, int]:
    host, sep, port = part.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SentinelUrlError(f"{url!r}: {part!r} is not host:port (a sentinel's address)")
    return host.strip("[]"), int(port)


def parse_sentinel_url(url: str) -> SentinelUrl:
    scheme, _, rest = url.partition("://")
    rest, _, query = rest.partition("?")
    netloc, _, path = rest.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    if not at:
        hosts, userinfo = netloc, ""
    if not hosts:
        raise SentinelUrlError(f"{url!r} names no sentinel (host:port[,host:port...])")
    sentinels = [_host_port(p, url) for p in hosts.split(",") if p]
    parts = [p for p in path.split("/") if p]
    if not parts or len(parts) > 2:
        raise SentinelUrlError(f"{url!r}: the path must be /<master-name> or /<master-name>/<db>")
    if len(parts) == 2 and not parts[1].isdigit():
        raise SentinelUrlError(f"{url!r}: the database {parts[1]!r} is not a number")
    user, colon, password = userinfo.partition(":")
    options = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(options) - _OPTIONS
    if unknown:
        raise SentinelUrlError(
            f"{url!r}: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTIONS)}"
        )
    tls = scheme == "rediss+sentinel"
    sentinel_tls = options.get("sentinel_ssl", "true" if tls else "false").lower()
    if sentinel_tls not in ("true", "false"):
        raise SentinelUrlError(f"{url!r}: sentinel_ssl must be true or false")
    sentinel_options: dict[str, object] = {"ssl": sentinel_tls == "true"}
    for name in ("sentinel_username", "sentinel_password"):
        if options.get(name):
            sentinel_options[name.removeprefix("sentinel_")] = options[name]
    return SentinelUrl(
        sentinels=sentinels,
        master=unquote(parts[0]),
        db=int(parts[1]) if len(parts) == 2 else 0,
        username=unquote(user) or None,
        password=unquote(password) if colon else None,
        ssl=tls,
        sentinel_options=sentinel_options,
    )
