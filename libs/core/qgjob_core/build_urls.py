"""Which build URLs may be fetched: http(s) on public addresses only, unless allowed.

A build URL is given by a client and fetched by a worker inside the farm's network, so a
URL on a loopback, link-local (cloud metadata), private or otherwise special address would
let a client reach what only the farm should. Both the API (when it accepts a URL) and the
worker (before each request, redirects included) check every address the host resolves to;
the worker then connects to the address it checked, so a second DNS answer cannot differ.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BuildUrlError(ValueError):
    """The URL may not be fetched; the message says why, without fetching anything."""


def refusal(address: IPAddress, *, allow_private: bool = False) -> str | None:
    """Why ``address`` may not be fetched from, or None. Unspecified (``0.0.0.0``, which
    Linux takes for this host) and multicast addresses are never a build server; loopback,
    link-local, private and other non-global ones only when ``allow_private``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = [("unspecified", address.is_unspecified), ("multicast", address.is_multicast)]
    if not allow_private:
        checks += [
            ("loopback", address.is_loopback),
            ("link-local", address.is_link_local),
            ("private", address.is_private),
            ("reserved", address.is_reserved),
            ("non-global", not address.is_global),
        ]
    kind = next((kind for kind, flag in checks if flag), None)
    if kind is None:
        return None
    return f"{address} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address"


def split_http_url(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an http(s) URL with a host, else :class:`BuildUrlError`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BuildUrlError(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BuildUrlError("must be an http:// or https:// URL with a host")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address: itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # scope ids ("fe80::1%eth0") are not part of the address
    return list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos))


async def checked_addresses(url: str, *, allow_private: bool) -> list[IPAddress]:
    """The addresses ``url``'s host resolves to, once every one of them is allowed.

    Raises :class:`BuildUrlError` for a refused URL or address, ``OSError`` (``gaierror``)
    when the host does not resolve."""
    _, host, port = split_http_url(url)
    addresses = await resolve(host, port)
    if not addresses:
        raise BuildUrlError(f"host {host} has no address")
    for address in addresses:
        reason = refusal(address, allow_private=allow_private)
        if reason is not None:
            hint = "" if allow_private else " (QGJOB_BUILD_URLS_ALLOW_PRIVATE allows it)"
            raise BuildUrlError(f"host {host} may not be fetched from: {reason}{hint}")
    return addresses
