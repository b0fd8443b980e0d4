"""RMCP, ASF and IPMI session framing (IPMI v2.0 rev 1.1 §13.1-13.8): the selector.

Loads the compiled ``_frame_c`` (or, with ``IPMIFAST_PURE_PYTHON=1``, the reference ``_frame_py``; STYLE.md §3)
and re-exports its API. ``__impl__`` says which one is in use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipmifast._impl import load
from ipmifast.proto.records import AsfMessage, AsfPong, IpmiRequest, IpmiResponse, V15Packet, V20Packet

_mod = load("ipmifast.proto", "frame")

if TYPE_CHECKING:
    from ipmifast.proto._frame_c import (
        decode_asf,
        decode_asf_pong_data,
        decode_ipmi_request,
        decode_ipmi_response,
        decode_v15_session,
        decode_v20_session,
        encode_asf_ping,
        encode_asf_pong,
        encode_ipmi_request,
        encode_ipmi_response,
        encode_v15_session,
        encode_v20_session,
        ipmi_checksum,
        peek,
    )
else:
    decode_asf = _mod.decode_asf
    decode_asf_pong_data = _mod.decode_asf_pong_data
    decode_ipmi_request = _mod.decode_ipmi_request
    decode_ipmi_response = _mod.decode_ipmi_response
    decode_v15_session = _mod.decode_v15_session
    decode_v20_session = _mod.decode_v20_session
    encode_asf_ping = _mod.encode_asf_ping
    encode_asf_pong = _mod.encode_asf_pong
    encode_ipmi_request = _mod.encode_ipmi_request
    encode_ipmi_response = _mod.encode_ipmi_response
    encode_v15_session = _mod.encode_v15_session
    encode_v20_session = _mod.encode_v20_session
    ipmi_checksum = _mod.ipmi_checksum
    peek = _mod.peek

__impl__: str = _mod.__impl__

__all__ = [
    "AsfMessage",
    "AsfPong",
    "IpmiRequest",
    "IpmiResponse",
    "V15Packet",
    "V20Packet",
    "decode_asf",
    "decode_asf_pong_data",
    "decode_ipmi_request",
    "decode_ipmi_response",
    "decode_v15_session",
    "decode_v20_session",
    "encode_asf_ping",
    "encode_asf_pong",
    "encode_ipmi_request",
    "encode_ipmi_response",
    "encode_v15_session",
    "encode_v20_session",
    "ipmi_checksum",
    "peek",
]
