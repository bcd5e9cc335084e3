"""ICE: STUN entries and time-limited TURN credentials for clients, and which remote ICE
candidates the server's media peers accept.

TURN credentials follow the TURN REST API scheme used by coturn's ``use-auth-secret``:
``username = "<expiry unix time>:<user id>"`` and
``credential = base64(HMAC-SHA1(secret, username))``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def turn_credentials(secret: str, user_id: str, *, now: float, ttl: int) -> tuple[str, str]:
    """The (username, credential) pair valid until ``now + ttl``."""
    username = f"{int(now) + ttl}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(
    *,
    stun_urls: tuple[str, ...],
    turn_urls: tuple[str, ...],
    turn_secret: str,
    user_id: str,
    now: float,
    ttl: int,
) -> dict[str, Any]:
    """The ``GET /api/ice-servers`` body."""
    servers: list[dict[str, Any]] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    if turn_urls and turn_secret:
        username, credential = turn_credentials(turn_secret, user_id, now=now, ttl=ttl)
        servers.append({"urls": list(turn_urls), "username": username, "credential": credential})
    return {"ice_servers": servers, "ttl_seconds": ttl}


# ---------------------------------------------------------------- remote ICE candidates
#
# A client names the addresses the server's media peer sends ICE checks (STUN binding
# requests) to. Left alone, that lets anyone who can start a call make the server probe its
# own network: loopback services, the cloud metadata address, private hosts. The media
# peer therefore only takes remote candidates at globally routable unicast addresses, plus
# networks the operator allows (``INTERVIEW_ICE_ALLOWED_NETWORKS``).

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_BROADCAST = ipaddress.IPv4Address("255.255.255.255")
EVERYWHERE: tuple[str, ...] = ("0.0.0.0/0", "::/0")


def parse_networks(cidrs: Iterable[str]) -> tuple[IpNetwork, ...]:
    """CIDR strings (``10.0.0.0/8``, ``::1/128``, a bare address) as networks; raises ValueError."""
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def _effective(ip: IpAddress) -> IpAddress:
    """The IPv4 address an IPv6 form stands for (mapped, compatible, NAT64, 6to4), else ``ip``."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return ip


@dataclass(frozen=True)
class IceAddressPolicy:
    """Which remote ICE candidate addresses the server's media peer may send checks to.

    Always refused: multicast, unspecified (``0.0.0.0``, ``::``) and broadcast addresses,
    and host names other than mDNS ``.local`` names. Refused unless an ``allowed`` network
    contains them: every address that is not globally routable — loopback, link-local
    (``169.254.0.0/16`` with the metadata address, ``fe80::/10``), private (RFC 1918,
    ``100.64.0.0/10``, ``fc00::/7``), documentation and reserved ranges. IPv6 forms that
    carry an IPv4 address (``::ffff:a.b.c.d``, ``::a.b.c.d``, ``64:ff9b::/96``, 6to4) are
    judged by that IPv4 address. An mDNS name resolves on the server's own network to an
    address we do not see, so it is taken only when every address is allowed (dev mode).
    """

    allowed: tuple[IpNetwork, ...] = ()

    @classmethod
    def from_cidrs(cls, cidrs: Iterable[str]) -> IceAddressPolicy:
        return cls(parse_networks(cidrs))

    @property
    def allows_everything(self) -> bool:
        """Whether every IPv4 and every IPv6 address is allowed (``0.0.0.0/0`` and ``::/0``)."""
        return {net.version for net in self.allowed if net.prefixlen == 0} == {4, 6}

    def allows(self, host: str) -> bool:
        """Whether the media peer may send ICE checks to ``host`` (an address or a name)."""
        host = host.strip()
        try:
            ip = _effective(ipaddress.ip_address(host))
        except ValueError:
            return host.lower().endswith(".local") and self.allows_everything
        if ip.is_multicast or ip.is_unspecified or ip == _BROADCAST:
            return False
        if ip.is_global and not ip.is_reserved and not getattr(ip, "is_site_local", False):
            return True
        return any(ip in net for net in self.allowed if net.version == ip.version)

    def filter_sdp(self, sdp: str) -> tuple[str, list[str]]:
        """``sdp`` without the ``a=candidate`` lines this policy refuses, and their addresses."""
        kept: list[str] = []
        dropped: list[str] = []
        for line in sdp.splitlines(keepends=True):
            if line.startswith("a=candidate:"):
                address = candidate_address(line[2:])
                if address is None or not self.allows(address):
                    dropped.append(address or "?")
                    continue
            kept.append(line)
        return "".join(kept), dropped


def candidate_address(candidate: str) -> str | None:
    """The connection address of an ICE candidate attribute (``candidate:… addr port typ …``)."""
    text = candidate.strip()
    if text.startswith("a="):
        text = text[2:]
    if not text.startswith("candidate:"):
        return None
    # Split exactly as aiortc's candidate_from_sdp does, so we judge the address it would use.
    fields = text[len("candidate:") :].split()
    if len(fields) < 8:
        return None
    return fields[4]
