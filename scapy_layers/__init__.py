"""Scapy layers for RMCP, ASF, IPMI v1.5 and RMCP+ sessions, IPMI messages, RAKP and SOL (IPMI v2.0 rev 1.1
§13, §15), contrib style. Loading the layers (``import scapy_layers.all``, ``from scapy_layers import RMCP``, or
any of the layer modules) binds UDP port 623 (both directions) to ``RMCP`` and port 664 to ``RSP``;
``bind_port(PORT)`` decodes RMCP on another port::

    from scapy.all import rdpcap
    from scapy_layers import bind_port
    bind_port(9623)
    for pkt in rdpcap("bmc.pcap"):
        print(pkt.summary())

``scapy_layers.arp`` finds gratuitous ARP and BMCs; ``scapy_layers.analyze`` is the pcap analyzer behind
``ipmifast pcap``, which imports Scapy only for ``--layers`` (so the package namespace loads the layers lazily).
"""

from __future__ import annotations

import importlib
from typing import Any

# ``from scapy_layers.all import *`` for every layer; the package itself stays light for the analyzer
__all__: list[str] = []


def __getattr__(name: str) -> Any:
    """``scapy_layers.RMCP`` and the other names of ``scapy_layers.all``, loaded (and bound) on first use."""
    layers = importlib.import_module("scapy_layers.all")
    if name not in layers.__all__:
        raise AttributeError(f"module 'scapy_layers' has no attribute {name!r}")
    return getattr(layers, name)
