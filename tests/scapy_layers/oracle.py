"""tshark as the oracle for the Scapy layers: run it live on a capture and compare, packet by packet, every field its
``rmcp``, ``asf``, ``ipmi_session`` and ``ipmi`` dissectors report (``tshark -T json``; the ``ipmi`` dissector's
layer is named ``ipmb`` there) with what our layers give for the same packet.

Not compared: the command-specific body fields of the ``ipmi`` dissector (``ipmi.app38.*``, ``ipmi.ch01.*``,
``ipmi.st23.*``...): our layers keep the request and response data as bytes and do not decode command bodies.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from scapy.layers.inet import UDP
from scapy.packet import Packet
from scapy.utils import rdpcap

from scapy_layers.all import (
    ASF,
    RMCP,
    IntegrityTrailer,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    RMCPPlusSession,
    bind_port,
)
from tests.interop.conftest import require

PROTOCOLS = ("rmcp", "asf", "ipmi_session", "ipmb")
#: the ipmi dissector's command-specific fields: command bodies, which our layers keep as data bytes
BODY_FIELD = re.compile(r"^ipmi\.(app|ch|se|st|tr|br|picmg|parser_not_implemented)")
IGNORED = re.compile(r"^_ws\.")


def run_tshark(path: Path, port: int = 623) -> list[dict[str, Any]]:
    """``tshark -T json`` of ``path``, RMCP decoded on ``port``, IPMI bus commands decoded (as the stored json)."""
    tshark = require("tshark")
    out = subprocess.run(
        [tshark, "-r", str(path), "-d", f"udp.port=={port},rmcp", "-o", "ipmi.dissect_bus_commands:TRUE", "-T",
         "json"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    packets: list[dict[str, Any]] = json.loads(out.stdout)
    return packets


def leaves(tree: Any, out: dict[str, str]) -> dict[str, str]:
    """The leaf fields of one protocol's json tree (subtree labels are not fields)."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(value, dict | list):
                leaves(value, out)
            elif not IGNORED.match(key):
                out[key] = value
    elif isinstance(tree, list):
        for value in tree:
            leaves(value, out)
    return out


def tshark_fields(packet: dict[str, Any]) -> dict[str, str]:
    layers = packet["_source"]["layers"]
    out: dict[str, str] = {}
    for proto in PROTOCOLS:
        if proto in layers:
            leaves(layers[proto], out)
    return out


def _hex(value: int, width: int = 2) -> str:
    return f"0x{value:0{width}x}"


def _colons(data: bytes) -> str:
    return ":".join(f"{b:02x}" for b in data)


def our_fields(pkt: Packet, requests: dict[bytes, tuple[int, float]], frame_no: int) -> dict[str, str]:
    """What our layers say about ``pkt``, in tshark's field names and formats.

    ``requests`` maps a request's ``hashret()`` to its frame number and time, so that ``ipmi.response_to`` and
    ``ipmi.response_time`` come from our ``answers()`` pairing.
    """
    out: dict[str, str] = {}
    if RMCP in pkt:
        r = pkt[RMCP]
        out.update({"rmcp.version": _hex(r.version), "rmcp.reserved": _hex(r.reserved),
                    "rmcp.sequence": _hex(r.sequence), "rmcp.class": _hex(r.rmcp_class),
                    "rmcp.type": _hex(r.type << 7)})
    if ASF in pkt:
        a = pkt[ASF]
        out.update({"asf.iana": str(a.iana), "asf.type": _hex(a.message_type), "asf.tag": _hex(a.message_tag),
                    "asf.len": str(a.data_len)})
    if IPMISession15 in pkt:
        s = pkt[IPMISession15]
        out.update({"ipmi_session.authtype": _hex(s.auth_type), "ipmi_session.sequence": _hex(s.session_seq, 8),
                    "ipmi_session.id": _hex(s.session_id, 8), "ipmi_session.msg.len": str(s.msg_len)})
        if s.auth_type:
            out["ipmi_session.authcode"] = _colons(s.auth_code)
    if RMCPPlusSession in pkt:
        s = pkt[RMCPPlusSession]
        out.update({"ipmi_session.authtype": _hex(s.auth_type), "ipmi_session.payloadtype": _hex(s.payload_type),
                    "ipmi_session.payloadtype.enc": str(s.encrypted),
                    "ipmi_session.payloadtype.auth": str(s.authenticated),
                    "ipmi_session.id": _hex(s.session_id, 8), "ipmi_session.sequence": _hex(s.session_seq, 8),
                    "ipmi_session.msg.len": str(s.payload_len)})
        trailer = s.payload.getlayer(IntegrityTrailer)
        if trailer is not None:
            out["ipmi_session.trailer"] = _colons(bytes(trailer))
    for cls in (IPMIRequest, IPMIResponse):
        if cls in pkt:
            m = pkt[cls]
            is_rs = cls is IPMIResponse
            out.update({
                "ipmi.header.target": _hex(m.rq_addr if is_rs else m.rs_addr),
                "ipmi.header.trg_lun": _hex(m.rq_lun if is_rs else m.rs_lun),
                "ipmi.header.netfn": _hex(m.netfn),
                "ipmi.header.crc": _hex(m.checksum1),
                "ipmi.header.source": _hex(m.rs_addr if is_rs else m.rq_addr),
                "ipmi.header.src_lun": _hex(m.rs_lun if is_rs else m.rq_lun),
                "ipmi.header.sequence": _hex(m.rq_seq),
                "ipmi.header.command": _hex(m.cmd),
                "ipmi.data.crc": _hex(m.checksum2),
            })
            if is_rs:
                out["ipmi.header.completion"] = _hex(m.cc)
            if m.netfn & 0x3E == 0x2C and m.data:  # Group Extension: the first data byte is the defining body
                out["ipmi.header.signature"] = f"{m.data[0]:02x}"
            key = m.hashret()
            if is_rs and key in requests:
                req_no, req_time = requests[key]
                out["ipmi.response_to"] = str(req_no)
                out["ipmi.response_time"] = f"{float(pkt.time) - req_time:.9f}"
            elif not is_rs:
                requests[key] = (frame_no, float(pkt.time))
    return out


def compare_capture(path: Path, port: int = 623) -> tuple[int, int, set[str]]:
    """Compare every packet of ``path``; returns (packets, fields compared, body fields not compared).

    Raises AssertionError naming the frame and the field on the first difference.
    """
    if port != 623:
        bind_port(port)
    tshark = run_tshark(path, port)
    ours = rdpcap(str(path))
    assert len(tshark) == len(ours), f"{path.name}: tshark has {len(tshark)} packets, Scapy {len(ours)}"
    requests: dict[bytes, tuple[int, float]] = {}
    compared = 0
    body: set[str] = set()
    for number, (t_packet, pkt) in enumerate(zip(tshark, ours, strict=True), start=1):
        theirs = tshark_fields(t_packet)
        mine = our_fields(pkt, requests, number)
        if UDP in pkt and not theirs:
            continue
        for key, value in theirs.items():
            if BODY_FIELD.match(key):
                body.add(key)
                continue
            assert key in mine, f"{path.name} frame {number}: tshark has {key}={value}, our layers do not"
            if key == "ipmi.response_time":
                assert abs(float(mine[key]) - float(value)) < 1e-6, (path.name, number, key, mine[key], value)
            else:
                assert mine[key] == value, f"{path.name} frame {number}: {key}: ours {mine[key]}, tshark {value}"
            compared += 1
        extra = set(mine) - set(theirs) - {"ipmi.response_to", "ipmi.response_time"}
        # tshark leaves the IPMI message undecoded inside encrypted payloads and in error responses it cannot parse
        for key in extra:
            assert key.startswith("ipmi."), f"{path.name} frame {number}: we report {key}, tshark does not"
    return len(ours), compared, body
