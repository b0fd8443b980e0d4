"""Scapy layers for RMCP, ASF, IPMI v1.5 and RMCP+ sessions, IPMI messages, RAKP and SOL (IPMI v2.0 rev 1.1
§13, §15), contrib style: importing the package binds UDP port 623 (both directions) to ``RMCP`` and port 664 to
``RSP``. ``bind_port(PORT)`` decodes RMCP on another port::

    from scapy.all import rdpcap
    import scapy_layers
    scapy_layers.bind_port(9623)
    for pkt in rdpcap("bmc.pcap"):
        print(pkt.summary())

``scapy_layers.arp`` finds gratuitous ARP and BMCs; ``scapy_layers.analyze`` is the pcap analyzer behind
``ipmifast pcap``.
"""

from __future__ import annotations

from scapy_layers.asf import ASF, ASFPresencePong
from scapy_layers.ipmi import (
    IntegrityTrailer,
    IPMIEncryptedPayload,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    RMCPPlusSession,
)
from scapy_layers.names import command_name, netfn_name
from scapy_layers.rakp import RAKP1, RAKP2, RAKP3, RAKP4, OpenSessionRequest, OpenSessionResponse
from scapy_layers.rmcp import RMCP, RSP, bind_port
from scapy_layers.sol import SOL

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
