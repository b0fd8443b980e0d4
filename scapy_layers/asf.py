"""ASF messages in RMCP class 06h (IPMI v2.0 §13.2.3, Table 13-2) and the Presence Pong data (ASF 2.0 §3.2.4.2,
Table 3-11). ASF fields are big-endian; the IANA number is 4542."""

from __future__ import annotations

from typing import Any

from scapy.fields import ByteEnumField, ByteField, IntField, StrFixedLenField, XByteField, XIntField
from scapy.packet import Packet, bind_layers

from ipmifast.proto.consts import ASF_IANA, AsfMessageType, RmcpClass
from scapy_layers.rmcp import RMCP, with_length_byte

__all__ = ["ASF", "ASFPresencePong"]

ASF_MESSAGE_TYPES = {t.value: t.name.lower().replace("_", " ") for t in AsfMessageType}


class ASF(Packet):
    """ASF message header: IANA, message type, message tag, reserved, data length (computed on build)."""

    name = "ASF"
    fields_desc = [
        IntField("iana", ASF_IANA),
        ByteEnumField("message_type", AsfMessageType.PRESENCE_PING, ASF_MESSAGE_TYPES),
        ByteField("message_tag", 0),
        XByteField("reserved", 0),
        ByteField("data_len", None),
    ]

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        return with_length_byte(pkt, pay, self.data_len)

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return s[: self.data_len], s[self.data_len :]

    def guess_payload_class(self, payload: bytes) -> type[Packet]:
        if self.message_type == AsfMessageType.PRESENCE_PONG and payload:
            return ASFPresencePong
        return Packet.guess_payload_class(self, payload)

    def hashret(self) -> bytes:
        return b"asf" + bytes((self.message_tag,))

    def answers(self, other: Any) -> int:
        return int(
            isinstance(other, ASF)
            and other.message_type == AsfMessageType.PRESENCE_PING
            and self.message_type == AsfMessageType.PRESENCE_PONG
            and other.message_tag == self.message_tag
        )

    def mysummary(self) -> str:
        kind = ASF_MESSAGE_TYPES.get(self.message_type, f"type {self.message_type:#04x}")
        return f"ASF {kind} tag={self.message_tag}"


class ASFPresencePong(Packet):
    """Presence Pong data (ASF 2.0 Table 3-11). supported_entities 81h: IPMI supported, ASF version 1.0."""

    name = "ASF Presence Pong"
    fields_desc = [
        IntField("oem_iana", ASF_IANA),
        XIntField("oem_defined", 0),
        XByteField("supported_entities", 0x81),
        XByteField("supported_interactions", 0),
        StrFixedLenField("reserved", b"\x00" * 6, 6),
    ]

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s

    def mysummary(self) -> str:
        ipmi = "IPMI" if self.supported_entities & 0x80 else "no IPMI"
        return f"Presence Pong {ipmi} iana={self.oem_iana}"


bind_layers(RMCP, ASF, rmcp_class=RmcpClass.ASF)
