"""The ``redis+cluster://`` store URL: some nodes of a Redis Cluster to discover it from.

``redis+cluster://[[user]:password@]host:port[,host:port...][/[0]][?options]``

- ``host:port,...`` are startup nodes: any nodes of the cluster (masters or replicas); the
  client asks the next one when one does not answer, then learns every node from it;
- ``user``/``password`` authenticate to every node, as in ``redis://``;
- a cluster has database 0 only: the path is empty, ``/`` or ``/0``;
- ``rediss+cluster://`` speaks TLS to every node; options ``ssl_ca_certs`` (a CA bundle),
  ``ssl_certfile``/``ssl_keyfile`` (a client certificate) and ``ssl_cert_reqs``
  (``required``, the default, ``optional`` or ``none``) set it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qgjob_store.multi_host_url import host_port, split_url

CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")
_TLS_OPTIONS = {"ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs"}
_CERT_REQS = ("required", "optional", "none")


class ClusterUrlError(ValueError):
    """The ``redis+cluster://`` URL cannot be read."""


@dataclass(frozen=True)
class ClusterUrl:
    nodes: list[tuple[str, int]]
    username: str | None = None
    password: str | None = None
    ssl: bool = False
    ssl_options: dict[str, str] = field(default_factory=dict)


def is_cluster(url: str) -> bool:
    return url.startswith(CLUSTER_SCHEMES)


def _host_port(part: str, url: str) -> tuple[str, int]:
    pair = host_port(part)
    if pair is None:
        raise ClusterUrlError(f"{url!r}: {part!r} is not host:port (a cluster node's address)")
    return pair


def parse_cluster_url(url: str) -> ClusterUrl:
    parts = split_url(url)
    nodes = [_host_port(p, url) for p in parts.hosts.split(",") if p]
    if not nodes:
        raise ClusterUrlError(f"{url!r} names no cluster node (host:port[,host:port...])")
    if parts.path.strip("/") not in ("", "0"):
        raise ClusterUrlError(f"{url!r}: a Redis Cluster has database 0 only (path /0 or none)")
    options = parts.options
    unknown = set(options) - _TLS_OPTIONS
    if unknown:
        raise ClusterUrlError(
            f"{url!r}: unknown option(s) {sorted(unknown)}; known: {sorted(_TLS_OPTIONS)}"
        )
    tls = parts.scheme == "rediss+cluster"
    if options and not tls:
        raise ClusterUrlError(f"{url!r}: TLS options need rediss+cluster://")
    if options.get("ssl_cert_reqs", "required") not in _CERT_REQS:
        raise ClusterUrlError(f"{url!r}: ssl_cert_reqs must be one of {', '.join(_CERT_REQS)}")
    return ClusterUrl(
        nodes=nodes,
        username=parts.username,
        password=parts.password,
        ssl=tls,
        ssl_options=options,
    )
