"""Decoded structures shared by the compiled framing module and its pure-Python reference."""

from __future__ import annotations

from typing import NamedTuple


class AsfMessage(NamedTuple):
    """ASF message inside RMCP class 06h (ASF 2.0 §3.2.4; IPMI v2.0 §13.2.3, Table 13-2)."""

    message_type: int
    message_tag: int
    data: bytes


class AsfPong(NamedTuple):
    """Presence Pong data (ASF 2.0 Table 3-11; IPMI v2.0 §13.2.4)."""

    oem_iana: int
    oem_defined: int
    supported_entities: int
    supported_interactions: int


class V15Packet(NamedTuple):
    """IPMI v1.5 session wrapper (IPMI v2.0 §13.6, Table 13-4)."""

    auth_type: int
    session_seq: int
    session_id: int
    auth_code: bytes
    msg: bytes


class V20Packet(NamedTuple):
    """RMCP+ session wrapper (IPMI v2.0 §13.6, Table 13-8), not verified or decrypted."""

    payload_type: int
    oem_iana: int
    oem_payload_id: int
    session_id: int
    session_seq: int
    payload: bytes
    trailer: bytes


class IpmiRequest(NamedTuple):
    """IPMI LAN request message (IPMI v2.0 §13.8, Table 13-9 request format)."""

    rs_addr: int
    netfn: int
    rs_lun: int
    rq_addr: int
    rq_seq: int
    rq_lun: int
    cmd: int
    data: bytes


class IpmiResponse(NamedTuple):
    """IPMI LAN response message (IPMI v2.0 §13.8, response format)."""

    rq_addr: int
    netfn: int
    rq_lun: int
    rs_addr: int
    rq_seq: int
    rs_lun: int
    cmd: int
    cc: int
    data: bytes
