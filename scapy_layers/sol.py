"""Serial over LAN payload (IPMI v2.0 rev 1.1 §15.9, Tables 15-2 and 15-3): RMCP+ payload type 01h.

Byte 1 holds the packet sequence number (bits 3:0; 0 = an ACK-only packet), byte 2 the packet ACK/NACK sequence
number (0 = nothing acknowledged), byte 3 the accepted character count, byte 4 the operation (console to BMC,
Table 15-2) or status (BMC to console, Table 15-3) bits; the character data follows. The direction is not in the
payload, so bit names give both meanings where they differ.
"""

from __future__ import annotations

from typing import Any

from scapy.fields import BitField, ByteField, FlagsField, StrField
from scapy.packet import Packet, bind_layers

from ipmifast.proto.consts import PayloadType
from scapy_layers.ipmi import RMCPPlusSession

__all__ = ["SOL"]

_OPERATION_STATUS_BITS = [
    "flush_outbound",
    "flush_inbound",
    "drop_dcd_dsr|break_detected",
    "cts_pause|transmit_overrun",
    "generate_break|sol_deactivating",
    "ring_wor|char_transfer_unavailable",
    "nack",
    "reserved",
]


class SOL(Packet):
    """One SOL packet: sequence numbers, accepted count, operation/status bits and character data."""

    name = "SOL"
    fields_desc = [
        BitField("reserved1", 0, 4),
        BitField("packet_seq", 0, 4),
        BitField("reserved2", 0, 4),
        BitField("ack_seq", 0, 4),
        ByteField("accepted", 0),
        FlagsField("operation_status", 0, 8, _OPERATION_STATUS_BITS),
        StrField("data", b""),
    ]

    def hashret(self) -> bytes:
        return b"sol"

    def answers(self, other: Any) -> int:
        """An ACK/NACK answers the data packet whose sequence number it carries (§15.9)."""
        return int(isinstance(other, SOL) and other.packet_seq != 0 and self.ack_seq == other.packet_seq)

    def mysummary(self) -> str:
        return f"SOL seq={self.packet_seq} ack={self.ack_seq} accepted={self.accepted} data={bytes(self.data)!r}"


bind_layers(RMCPPlusSession, SOL, payload_type=PayloadType.SOL)
