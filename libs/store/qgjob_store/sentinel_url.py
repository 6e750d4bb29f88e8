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
from urllib.parse import unquote

from qgjob_store.multi_host_url import host_port, split_url

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
    pair = host_port(part)
    if pair is None:
        raise SentinelUrlError(f"{url!r}: {part!r} is not host:port (a sentinel's address)")
    return pair


def parse_sentinel_url(url: str) -> SentinelUrl:
    split = split_url(url)
    if not split.hosts:
        raise SentinelUrlError(f"{url!r} names no sentinel (host:port[,host:port...])")
    sentinels = [_host_port(p, url) for p in split.hosts.split(",") if p]
    parts = [p for p in split.path.split("/") if p]
    if not parts or len(parts) > 2:
        raise SentinelUrlError(f"{url!r}: the path must be /<master-name> or /<master-name>/<db>")
    if len(parts) == 2 and not parts[1].isdigit():
        raise SentinelUrlError(f"{url!r}: the database {parts[1]!r} is not a number")
    options = split.options
    unknown = set(options) - _OPTIONS
    if unknown:
        raise SentinelUrlError(
            f"{url!r}: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTIONS)}"
        )
    tls = split.scheme == "rediss+sentinel"
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
        username=split.username,
        password=split.password,
        ssl=tls,
        sentinel_options=sentinel_options,
    )
