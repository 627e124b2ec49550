"""Allowed IP ranges on a key."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from turnout.core.errors import InvalidParameter

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str], *, field: str = "allowed_ips") -> list[str]:
    """Normalise CIDR ranges (a bare address means just that address)."""
    out: list[str] = []
    for value in values:
        text = value.strip()
        try:
            if len(text) > 64:
                raise ValueError(text)
            out.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise InvalidParameter.for_field(
                field, "cidr", f"{field}: {text[:64]!r} is not an IP address or CIDR range"
            ) from None
    return out


def ip_allowed(client_ip: str | None, allowed: Iterable[str] | None) -> bool:
    ranges = list(allowed or [])
    if not ranges:
        return True
    if not client_ip:
        return False
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(r, strict=False) for r in ranges)
