"""tshark as the oracle for the Scapy layers: run it live on a capture and compare, packet by packet, every field its
``rmcp``, ``asf``, ``ipmi_session`` and ``ipmi`` dissectors report (``tshark -T json``; the ``ipmi`` dissector's
layer is named ``ipmb`` there) with what our layers give for the same packet.

Command bodies: the fields of the session-management commands (``ipmi.app38.*`` Get Channel Authentication
Capabilities, ``app39`` Get Session Challenge, ``app3a`` Activate Session, ``app3b`` Set Session Privilege Level,
``app3c`` Close Session) are compared with our body layers (scapy_layers.cmds). The other command-specific
fields (``ipmi.app01.*``, ``ipmi.ch01.*``, ``ipmi.st23.*``...) are not: the layers keep those bodies as bytes.
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
    ActivateSessionRq,
    ActivateSessionRs,
    CloseSessionRq,
    GetChannelAuthCapabilitiesRq,
    GetChannelAuthCapabilitiesRs,
    GetSessionChallengeRq,
    GetSessionChallengeRs,
    IntegrityTrailer,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    RMCPPlusSession,
    SetSessionPrivilegeLevelRq,
    SetSessionPrivilegeLevelRs,
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


def _dec(value: Any) -> str:
    return str(int(value))


def _text(value: bytes) -> str:
    return bytes(value).rstrip(b"\x00").decode("latin-1")


def _hex8(value: int) -> str:
    return _hex(value, 8)


def _app38(prefix: str, **names: str) -> dict[str, tuple[str, Any]]:
    return {f"ipmi.app38.{prefix}{k}": (v, _dec) for k, v in names.items()}


#: body layer -> tshark field -> (our field, tshark's format)
BODY_FIELDS: dict[type[Packet], dict[str, tuple[str, Any]]] = {
    GetChannelAuthCapabilitiesRq: {**_app38("rq_", chan="channel", ipmi20="ipmi_v20_extended"),
                                   "ipmi.app38.rq_priv": ("privilege", _hex)},
    GetChannelAuthCapabilitiesRs: {
        **_app38("rs_", chan="channel", ipmi20="ipmi_v20_extended_available", auth_oem="auth_oem",
                 auth_straight="auth_password", auth_md5="auth_md5", auth_md2="auth_md2", auth_none="auth_none",
                 kg_status="kg_nonzero", permsg="per_message_authentication_disabled",
                 userauth="user_level_authentication_disabled", user_nonnull="non_null_usernames",
                 user_null="null_usernames", user_anon="anonymous_login", ipmi20_conn="supports_ipmi_v20",
                 ipmi15_conn="supports_ipmi_v15", oem_iana="oem_id"),
        "ipmi.app38.rs_oem_aux": ("oem_auxiliary_data", _hex),
    },
    GetSessionChallengeRq: {"ipmi.app39.authtype": ("auth_type", _hex), "ipmi.app39.user": ("username", _text)},
    GetSessionChallengeRs: {"ipmi.app39.temp_session": ("temp_session_id", _hex8),
                            "ipmi.app39.challenge": ("challenge", _colons)},
    ActivateSessionRq: {"ipmi.app3a.authtype": ("auth_type", _hex), "ipmi.app3a.privlevel": ("max_privilege", _hex),
                        "ipmi.app3a.authcode": ("challenge", _colons),
                        "ipmi.app3a.outbound_seq": ("initial_outbound_seq", _hex8)},
    ActivateSessionRs: {"ipmi.app3a.authtype_session": ("auth_type", _hex),
                        "ipmi.app3a.session_id": ("session_id", _hex8),
                        "ipmi.app3a.inbound_seq": ("initial_inbound_seq", _hex8),
                        "ipmi.app3a.maxpriv_session": ("max_privilege", _hex)},
    SetSessionPrivilegeLevelRq: {"ipmi.app3b.req_priv": ("privilege", _hex)},
    SetSessionPrivilegeLevelRs: {"ipmi.app3b.new_priv": ("privilege", _hex)},
    CloseSessionRq: {"ipmi.app3c.session_id": ("session_id", _hex8)},
}


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
            body = m.body()
            for field, (ours, fmt) in BODY_FIELDS.get(type(body), {}).items():
                out[field] = fmt(getattr(body, ours))
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
            if BODY_FIELD.match(key) and key not in mine:
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
