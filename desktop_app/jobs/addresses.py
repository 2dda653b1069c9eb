"""Where a link leads: a public host, or this computer, a private network, or a link-local
address (where cloud metadata services live). A link from the internet must not lead a
check of ours to those: no redirect from a public host to them is followed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from enum import StrEnum


class AddressKind(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    LOOPBACK = "loopback"
    LINK_LOCAL = "link-local"


Classify = Callable[[str], Awaitable[AddressKind]]
"""Tells what kind of address a host name (or literal address) leads to."""


def kind_of_address(text: str) -> AddressKind:
    address = ipaddress.ip_address(text.strip("[]").split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return AddressKind.LOOPBACK
    if address.is_link_local:
        return AddressKind.LINK_LOCAL
    if address.is_private or address.is_reserved or address.is_unspecified:
        return AddressKind.PRIVATE
    return AddressKind.PUBLIC


async def classify_host(host: str) -> AddressKind:
    """The least public kind among the addresses `host` resolves to."""
    try:
        return kind_of_address(host)
    except ValueError:
        pass
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return AddressKind.LOOPBACK
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return AddressKind.PUBLIC  # unresolvable here: the request itself will fail
    kinds = {kind_of_address(str(info[4][0])) for info in infos}
    for worst in (AddressKind.LINK_LOCAL, AddressKind.LOOPBACK, AddressKind.PRIVATE):
        if worst in kinds:
            return worst
    return AddressKind.PUBLIC


def may_follow(origin: AddressKind, target: AddressKind) -> bool:
    """A redirect from a public host may only lead to another public host; a link the
    creator gave to a local or private host may stay there."""
    return origin is not AddressKind.PUBLIC or target is AddressKind.PUBLIC
