"""Scapy layer tests run with ``conf.debug_dissector = True``: a broken dissector fails instead of becoming Raw.

They never let Scapy put anything on a network: building an ``Ether()`` without a destination makes Scapy
resolve it (ARP or IPv6 neighbour solicitation on the interface of the route, possibly a real one), and its
send/receive functions would send. Every such entry point raises here instead; the tests' traffic is on lo only,
made by real clients, and their frames are written to files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
from scapy.config import conf

_SENDERS = {
    "scapy.layers.l2": ("getmacbyip", "arping", "srp", "srp1", "sendp"),
    "scapy.layers.inet": ("getmacbyip", "sr", "sr1", "send"),
    "scapy.layers.inet6": ("getmacbyip6", "neighsol"),
    "scapy.sendrecv": ("send", "sendp", "sr", "sr1", "srp", "srp1", "sndrcv", "srloop", "srploop", "sniff"),
}


@pytest.fixture(autouse=True)
def debug_dissector() -> Iterator[None]:
    previous = conf.debug_dissector
    conf.debug_dissector = True
    yield
    conf.debug_dissector = previous


@pytest.fixture(autouse=True)
def no_scapy_traffic(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    def refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
        raise AssertionError("a test asked Scapy to resolve or send on a network; give Ether() both addresses")

    for module_name, names in _SENDERS.items():
        module = importlib.import_module(module_name)
        for name in names:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
