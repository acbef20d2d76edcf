"""The client's address: the peer, or behind a trusted reverse proxy its X-Forwarded-For.

Only the proxies listed in `[web] trusted_proxies` are believed. Each proxy appends the
address it got the request from, so the list is read from the right: trusted proxies are
skipped, the first other entry is the client. Entries further left were written by the
client itself and prove nothing (an attacker could name a fresh address per request).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(_without_port(address))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: web.Request, trusted: tuple[str, ...]) -> str:
    peer = request.remote or "-"
    networks = _networks(trusted)
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getall("X-Forwarded-For", [])
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if not hop:
            continue
        if not _is_trusted(hop, networks):
            return _normalised(hop)
    # Only proxies (or nothing) in the header: the request came from the proxy itself.
    return peer


def _normalised(hop: str) -> str:
    """One spelling per address, so '::ffff:10.0.0.1', '10.0.0.1:5060' and '10.0.0.1'
    count as one (some proxies add the client's port, which changes per connection)."""
    try:
        ip = ipaddress.ip_address(_without_port(hop))
    except ValueError:
        return hop[:100]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _without_port(hop: str) -> str:
    if hop.startswith("["):  # [2001:db8::1]:443
        return hop[1:].partition("]")[0]
    if hop.count(":") == 1:  # 192.0.2.1:443
        return hop.partition(":")[0]
    return hop
