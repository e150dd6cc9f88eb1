"""The Host check shared by the kit's servers (the standalone Voilà of `kit serve`, the participant server of
`kit atelier`): a request must name this computer, so that a web page elsewhere cannot reach it through DNS
rebinding. Standard library only: the participant server imports it without loading Voilà."""

from __future__ import annotations

import ipaddress
import socket

LOCAL_NAMES = ("localhost",)  # and every loopback address: 127.0.0.1, [::1]...


def host_name(host_header: str) -> str:
    """The name or address of a Host header, without its port and IPv6 brackets, lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def host_allowed(host_header: str, names, *, any_address: bool = False) -> bool:
    """Whether a request's Host header names this server.

    An IP address cannot be a DNS-rebinding name: loopback addresses are always accepted, any address
    when the server listens on the network (`any_address`). A name must be one of `names`."""
    host = host_name(host_header or "")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return bool(host) and host in {n.lower() for n in (*LOCAL_NAMES, *names)}
    return address.is_loopback or any_address


def this_computer_names() -> list[str]:
    """The names a participant's browser may use for this computer on a local network."""
    name = socket.gethostname().lower()
    return [n for n in dict.fromkeys((name, name.split(".")[0], f"{name.split('.')[0]}.local")) if n]
