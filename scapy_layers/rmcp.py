"""RMCP (IPMI v2.0 rev 1.1 §13.1.3, Table 13-1; DMTF ASF 2.0 §3.2.2) and the secure port's RSP wrapper.

UDP port 623 carries RMCP in both directions; port 664 carries RMCP behind the RMCP Security-Extensions Protocol
(RSP, ASF 2.0 §3.2.3), which ``RSP`` shows without decrypting. ``bind_port`` decodes RMCP on another port.
"""

from __future__ import annotations

from typing import Any

from scapy.fields import BitEnumField, BitField, ByteField, IntField, XByteField
from scapy.layers.inet import UDP
from scapy.packet import Packet, Raw, bind_layers

from ipmifast.proto.consts import IPMI_PORT, IPMI_SECURE_PORT, RMCP_SEQ_NO_ACK, RMCP_VERSION, RmcpClass

__all__ = ["RMCP", "RSP", "bind_port", "with_length_byte"]

RMCP_CLASSES = {c.value: c.name for c in RmcpClass}
RMCP_TYPES = {0: "normal", 1: "ack"}


class RMCP(Packet):
    """RMCP header (Table 13-1): version, reserved, sequence number, then the class byte (bit 7: ACK)."""

    name = "RMCP"
    fields_desc = [
        XByteField("version", RMCP_VERSION),
        XByteField("reserved", 0),
        ByteField("sequence", RMCP_SEQ_NO_ACK),
        BitEnumField("type", 0, 1, RMCP_TYPES),
        BitField("reserved_class", 0, 2),
        BitEnumField("rmcp_class", RmcpClass.IPMI, 5, RMCP_CLASSES),
    ]

    def mysummary(self) -> str:
        kind = "ACK" if self.type else RMCP_CLASSES.get(self.rmcp_class, f"class {self.rmcp_class:#x}")
        return f"RMCP {kind} seq={self.sequence}"

    def answers(self, other: Any) -> int:
        if not isinstance(other, RMCP):
            return 0
        if self.type == 1:  # an RMCP ACK answers the message with the same sequence number (§13.1.3)
            return int(other.type == 0 and other.sequence == self.sequence and other.rmcp_class == self.rmcp_class)
        return int(self.payload.answers(other.payload))


class RSP(Packet):
    """RMCP Security-Extensions Protocol header (ASF 2.0 §3.2.3) on port 664: session ID and sequence number,
    followed by the encrypted RMCP message and its trailer, shown as raw bytes (never decrypted)."""

    name = "RSP"
    fields_desc = [IntField("session_id", 0), IntField("sequence", 0)]

    def guess_payload_class(self, payload: bytes) -> type[Packet]:
        return Raw

    def mysummary(self) -> str:
        return f"RSP session={self.session_id:#010x} seq={self.sequence} (secure ASF, not decrypted)"


def with_length_byte(pkt: bytes, pay: bytes, value: int | None) -> bytes:
    """``post_build`` of a layer whose last byte is its payload's length: fill it in when it is None."""
    if value is None:
        pkt = pkt[:-1] + bytes((len(pay) & 0xFF,))
    return pkt + pay


def bind_port(port: int) -> None:
    """Decode UDP ``port`` (both directions) as RMCP, as port 623 is: ``bind_port(9623)`` before ``rdpcap``."""
    bind_layers(UDP, RMCP, dport=port)
    bind_layers(UDP, RMCP, sport=port)


bind_port(IPMI_PORT)
bind_layers(UDP, RSP, dport=IPMI_SECURE_PORT)
bind_layers(UDP, RSP, sport=IPMI_SECURE_PORT)
