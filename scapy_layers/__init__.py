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

from typing import Any

__all__ = [
    "ASF",
    "RAKP1",
    "RAKP2",
    "RAKP3",
    "RAKP4",
    "RMCP",
    "RSP",
    "SOL",
    "ASFPresencePong",
    "IPMIEncryptedPayload",
    "IPMIRequest",
    "IPMIResponse",
    "IPMISession15",
    "IntegrityTrailer",
    "OpenSessionRequest",
    "OpenSessionResponse",
    "RMCPPlusSession",
    "bind_port",
    "command_name",
    "netfn_name",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'scapy_layers' has no attribute {name!r}")
    from scapy_layers import all as layers

    return getattr(layers, name)
