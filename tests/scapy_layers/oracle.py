"""tshark as the oracle for the Scapy layers: run it live on a capture and compare, packet by packet, every field its
``rmcp``, ``asf``, ``ipmi_session`` and ``ipmi`` dissectors report (``tshark -T json``; the ``ipmi`` dissector's
layer is named ``ipmb`` there) with what our layers give for the same packet.

Command bodies: the fields of the session-management commands (``ipmi.app38.*`` Get Channel Authentication
Capabilities, ``app39`` Get Session Challenge, ``app3a`` Activate Session, ``app3b`` Set Session Privilege Level,
``app3c`` Close Session) are compared with our body layers (scapy_layers.cmds). The other command-specific
fields (``ipmi.app01.*``, ``ipmi.ch01.*``, ``ipmi.st23.*``...) are not: the layers keep those bodies as bytes.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scapy.fields import ConditionalField
from scapy.layers.inet import IP, UDP
from scapy.packet import Packet, Raw
from scapy.utils import rdpcap, wrpcap

from scapy_layers.all import (
    ASF,
    RMCP,
    ActivateSessionRq,
    ActivateSessionRs,
    CloseSessionRq,
    GetChannelAuthCapabilitiesRq,
    GetChannelAuthCapabilitiesRs,
    GetChassisStatusRs,
    GetDeviceIdRs,
    GetFruInventoryAreaInfoRq,
    GetFruInventoryAreaInfoRs,
    GetHpmxCapabilitiesRq,
    GetSdrRepositoryInfoRs,
    GetSdrRq,
    GetSdrRs,
    GetSensorReadingRq,
    GetSensorReadingRs,
    GetSessionChallengeRq,
    GetSessionChallengeRs,
    IntegrityTrailer,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    ReadFruDataRq,
    ReadFruDataRs,
    ReserveSdrRepositoryRs,
    RMCPPlusSession,
    SetSessionPrivilegeLevelRq,
    SetSessionPrivilegeLevelRs,
    bind_port,
)
from scapy_layers.analyze import analyze_file
from tests.interop.conftest import require

PROTOCOLS = ("rmcp", "asf", "ipmi_session", "ipmb")
_RMCP_HEADER_LEN = 4
#: the ipmi dissector's command-specific fields: command bodies, which our layers keep as data bytes
BODY_FIELD = re.compile(r"^ipmi\.(app|ch|se|st|tr|br|picmg|parser_not_implemented)")


def run_tshark(path: Path, port: int = 623) -> list[dict[str, Any]]:
    """``tshark -T json`` of ``path``, RMCP decoded on ``port``, IPMI bus commands decoded (as the stored json)."""
    tshark = require("tshark")
    out = subprocess.run(
        [tshark, "-r", str(path), "-d", f"udp.port=={port},rmcp", "-o", "ipmi.dissect_bus_commands:TRUE", "-T",
         "json"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return load_json(out.stdout)


def load_json(text: str) -> list[dict[str, Any]]:
    """``tshark -T json`` output; keys repeated in one object are kept (``name#2``...), as leaves() does."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            name, n = key, 1
            while name in out:
                n += 1
                name = f"{key}#{n}"
            out[name] = value
        return out

    packets: list[dict[str, Any]] = json.loads(text, object_pairs_hook=pairs)
    return packets


def leaves(tree: Any, out: dict[str, str]) -> dict[str, str]:
    """The leaf fields of one protocol's json tree (subtree labels are not fields). A field name that occurs
    again (tshark 4.0.17 registers the second state byte of Get Sensor Reading under the first one's names)
    is kept as ``name#2``, ``name#3``... in document order."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(value, dict | list):
                leaves(value, out)
            else:
                name, n = key, 1
                while name in out:
                    n += 1
                    name = f"{key}#{n}"
                out[name] = value
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


@functools.cache
def field_types() -> dict[str, tuple[str, str]]:
    """tshark's registered fields (``tshark -G fields``): name -> (type, base), which say how ``-T json`` prints
    a value: booleans as 0/1, BASE_HEX integers as 0x and the type's width in digits, others in decimal, bytes
    as colon-separated hex, strings as text. Values of bit fields are printed shifted down, as ours are."""
    out = subprocess.run([require("tshark"), "-G", "fields"], capture_output=True, text=True, timeout=120, check=True)
    types: dict[str, tuple[str, str]] = {}
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        if cols[0] == "F" and cols[2].startswith("ipmi."):
            types[cols[2]] = (cols[3], cols[5])
    return types


_HEX_WIDTH = {"FT_UINT8": 2, "FT_UINT16": 4, "FT_UINT24": 6, "FT_UINT32": 8}


def tshark_format(name: str, value: Any) -> str:
    """``value`` as ``tshark -T json`` prints the field ``name``."""
    ftype, base = field_types()[name.partition("#")[0]]
    if ftype == "FT_BOOLEAN":
        return str(int(bool(value)))
    if ftype == "FT_BYTES":
        return _colons(bytes(value))
    if ftype == "FT_STRING":
        return bytes(value).rstrip(b"\x00").decode("latin-1")
    if base == "BASE_HEX":
        return _hex(int(value), _HEX_WIDTH[ftype])
    return str(int(value))


def _prefixed(prefix: str, **names: str) -> dict[str, str]:
    return {f"{prefix}{k}": v for k, v in names.items()}


_GET_CHASSIS_STATUS = {
    **_prefixed("ipmi.ch01.cur_pwr.", policy="restore_policy", ctl_fault="power_control_fault",
                fault="power_fault", interlock="interlock", overload="power_overload", powered="power_on"),
    **_prefixed("ipmi.ch01.last.", on_via_ipmi="last_power_on_by_ipmi", down_by_fault="last_power_down_by_fault",
                interlock="last_power_down_by_interlock", overload="last_power_down_by_overload",
                ac_failed="last_ac_failed"),
    "ipmi.ch01.identsupp": "identify_supported", "ipmi.ch01.identstate": "identify_state",
    **_prefixed("ipmi.ch01.misc.", fan="cooling_fault", drive="drive_fault", fpl_active="front_panel_lockout",
                intrusion="intrusion"),
    **_prefixed("ipmi.ch01.fpb.", standby_allowed="standby_disable_allowed",
                diagintr_allowed="diagnostic_interrupt_disable_allowed", reset_allowed="reset_disable_allowed",
                poweroff_allowed="power_off_disable_allowed", standby_disabled="standby_disabled",
                diagintr_disabled="diagnostic_interrupt_disabled", reset_disabled="reset_disabled",
                poweroff_disabled="power_off_disabled"),
}

#: body layer -> tshark field -> our field (formatted as tshark's type says, tshark_format)
BODY_FIELDS: dict[type[Packet], dict[str, str]] = {
    GetChannelAuthCapabilitiesRq: _prefixed("ipmi.app38.rq_", chan="channel", ipmi20="ipmi_v20_extended",
                                            priv="privilege"),
    GetChannelAuthCapabilitiesRs: _prefixed(
        "ipmi.app38.rs_", chan="channel", ipmi20="ipmi_v20_extended_available", auth_oem="auth_oem",
        auth_straight="auth_password", auth_md5="auth_md5", auth_md2="auth_md2", auth_none="auth_none",
        kg_status="kg_nonzero", permsg="per_message_authentication_disabled",
        userauth="user_level_authentication_disabled", user_nonnull="non_null_usernames", user_null="null_usernames",
        user_anon="anonymous_login", ipmi20_conn="supports_ipmi_v20", ipmi15_conn="supports_ipmi_v15",
        oem_iana="oem_id", oem_aux="oem_auxiliary_data"),
    GetSessionChallengeRq: {"ipmi.app39.authtype": "auth_type", "ipmi.app39.user": "username"},
    GetSessionChallengeRs: {"ipmi.app39.temp_session": "temp_session_id", "ipmi.app39.challenge": "challenge"},
    ActivateSessionRq: _prefixed("ipmi.app3a.", authtype="auth_type", privlevel="max_privilege",
                                 authcode="challenge", outbound_seq="initial_outbound_seq"),
    ActivateSessionRs: _prefixed("ipmi.app3a.", authtype_session="auth_type", session_id="session_id",
                                 inbound_seq="initial_inbound_seq", maxpriv_session="max_privilege"),
    SetSessionPrivilegeLevelRq: {"ipmi.app3b.req_priv": "privilege"},
    SetSessionPrivilegeLevelRs: {"ipmi.app3b.new_priv": "privilege"},
    CloseSessionRq: {"ipmi.app3c.session_id": "session_id", "ipmi.app3c.session_handle": "session_handle"},
    # tshark's Get Device ID fields are registered partly under app00 (its own naming)
    GetDeviceIdRs: {
        **_prefixed("ipmi.app00.dev.", id="device_id", provides_dev_sdr="provides_sdrs", rev="device_revision"),
        **_prefixed("ipmi.app01.", **{"dev.avail": "update_in_progress", "fw.major": "firmware_major",
                                      "fw.minor": "firmware_minor", "ipmi.version": "ipmi_version",
                                      "manufacturer": "manufacturer_id", "product": "product_id",
                                      "fw.aux": "aux_firmware_revision"}),
        **_prefixed("ipmi.app01.ads.", chassis="chassis", bridge="bridge", ipmb_ev_gen="ipmb_event_generator",
                    ipmb_ev_recv="ipmb_event_receiver", fru="fru_inventory", sel="sel", sdr="sdr_repository",
                    sensor="sensor"),
    },
    GetChassisStatusRs: _GET_CHASSIS_STATUS,
    GetHpmxCapabilitiesRq: {"ipmi.picmg.hpm.id": "hpm_identifier"},
    GetSensorReadingRq: {"ipmi.se2d.sensor": "sensor_number"},
    # tshark registers the flag bits of Get Sensor Reading under se2b (Get Sensor Event Status shares them)
    GetSensorReadingRs: {"ipmi.se2d.reading": "raw", "ipmi.se2b.fl_evm": "event_messages_enabled",
                         "ipmi.se2b.fl_scan": "scanning_enabled", "ipmi.se2b.fl_unavail": "unavailable",
                         **{f"ipmi.se2d.b1_{n}": f"state_{n}" for n in range(8)},
                         # the second state byte: tshark names its bits ipmi.se2d.b1_0..6 again (its b2_* fields
                         # carry b1_* abbreviations), so they are the second occurrence of those names
                         **{f"ipmi.se2d.b1_{n}#2": f"state_{n + 8}" for n in range(7)}},
    GetFruInventoryAreaInfoRq: {"ipmi.st10.fruid": "fru_id"},
    GetFruInventoryAreaInfoRs: {"ipmi.st10.size": "area_size", "ipmi.st10.access": "by_words"},
    ReadFruDataRq: {"ipmi.st11.fruid": "fru_id", "ipmi.st11.offset": "offset", "ipmi.st11.count": "count"},
    ReadFruDataRs: {"ipmi.st11.ret_count": "count", "ipmi.st11.data": "data"},
    GetSdrRepositoryInfoRs: _prefixed(
        "ipmi.st20.", sdr_version="sdr_version", rec_count="record_count", free_space="free_space",
        ts_add="most_recent_addition", ts_erase="most_recent_erase", op_overflow="overflow",
        op_update="update_support", op_delete="delete_supported", op_partial_add="partial_add_supported",
        op_reserve="reserve_supported", op_allocinfo="get_allocation_info_supported"),
    ReserveSdrRepositoryRs: {"ipmi.st22.rsrv_id": "reservation_id"},
    GetSdrRq: _prefixed("ipmi.st23.", rsrv_id="reservation_id", rec_id="record_id", offset="offset",
                        count="bytes_to_read"),
    GetSdrRs: {"ipmi.st23.next": "next_record_id", "ipmi.st23.data": "record_data"},
}

#: tshark fields that no field of ours corresponds to, each with the reason
UNMAPPED: dict[str, str] = {
    "ipmi.parser_not_implemented": "tshark 4.0.17 has no parser for Activate / Deactivate Payload bodies: a "
                                   "valueless marker (FT_NONE) where our ActivatePayload*/DeactivatePayload* "
                                   "layers have fields",
    # tshark's expert item on that marker, its only expert item in these protocols (compare_capture checks
    # the message): a note about tshark, not a field of the packet
    "_ws.expert.message": "tshark's expert note [PARSER NOT IMPLEMENTED] on that marker, not a packet field",
    "_ws.expert.severity": "the severity of that expert note",
    "_ws.expert.group": "the group of that expert note",
}
_EXPERT_NOTE = "[PARSER NOT IMPLEMENTED]"


def present_fields(pkt: Packet) -> dict[str, Any]:
    """The fields of ``pkt`` that its bytes carry (a ConditionalField whose condition fails is left out)."""
    out: dict[str, Any] = {}
    for fld in pkt.fields_desc:
        if isinstance(fld, ConditionalField) and not fld._evalcond(pkt):
            continue
        out[fld.name] = pkt.getfieldval(fld.name)
    return out


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
            present = present_fields(body)
            for field, ours in BODY_FIELDS.get(type(body), {}).items():
                if ours in present:
                    out[field] = tshark_format(field, present[ours])
            key = m.hashret()
            if is_rs and key in requests:
                req_no, req_time = requests[key]
                out["ipmi.response_to"] = str(req_no)
                out["ipmi.response_time"] = f"{float(pkt.time) - req_time:.9f}"
            elif not is_rs:
                requests[key] = (frame_no, float(pkt.time))
    return out


@dataclass
class Comparison:
    """What compare_capture compared: packets, fields (header and body), the body fields by name, and the
    UNMAPPED fields tshark reported."""

    packets: int = 0
    compared: int = 0
    body_fields: set[str] = field(default_factory=set)
    unmapped: set[str] = field(default_factory=set)


def compare_capture(path: Path, port: int = 623) -> Comparison:
    """Compare every packet of ``path`` both ways: every field tshark reports is ours with the same value (or is
    in UNMAPPED), and every body field ours reports for a message tshark decoded is tshark's as well.

    Raises AssertionError naming the frame and the field on the first difference.
    """
    if port != 623:
        bind_port(port)
    tshark = run_tshark(path, port)
    ours = rdpcap(str(path))
    assert len(tshark) == len(ours), f"{path.name}: tshark has {len(tshark)} packets, Scapy {len(ours)}"
    requests: dict[bytes, tuple[int, float]] = {}
    result = Comparison(packets=len(ours))
    for number, (t_packet, pkt) in enumerate(zip(tshark, ours, strict=True), start=1):
        theirs = tshark_fields(t_packet)
        mine = our_fields(pkt, requests, number)
        if UDP in pkt and not theirs:
            # a datagram tshark does not dissect as RMCP (not on the port): ours must not either
            assert not mine, f"{path.name} frame {number}: we report {sorted(mine)}, tshark nothing"
            continue
        for key, value in theirs.items():
            if key.partition("#")[0] in UNMAPPED:
                if key.startswith("_ws.expert.message"):
                    assert value == _EXPERT_NOTE, f"{path.name} frame {number}: tshark's expert note {value!r}"
                result.unmapped.add(key.partition("#")[0])
                continue
            assert key in mine, f"{path.name} frame {number}: tshark has {key}={value}, our layers do not"
            if key == "ipmi.response_time":
                assert abs(float(mine[key]) - float(value)) < 1e-6, (path.name, number, key, mine[key], value)
            else:
                assert mine[key] == value, f"{path.name} frame {number}: {key}: ours {mine[key]}, tshark {value}"
            result.compared += 1
            if BODY_FIELD.match(key):
                result.body_fields.add(key)
        extra = set(mine) - set(theirs) - {"ipmi.response_to", "ipmi.response_time"}
        if "ipmi.header.command" in theirs:
            # tshark decoded this message: it reports every body field we do
            assert not extra, f"{path.name} frame {number}: we report {sorted(extra)}, tshark does not"
        elif extra:
            # tshark 4.0.17 shows only the session wrapper of an error response (non-zero completion code)
            assert IPMIResponse in pkt and pkt[IPMIResponse].cc != 0, (
                f"{path.name} frame {number}: we report {sorted(extra)}, tshark does not")
            assert all(key.startswith("ipmi.") for key in extra), (path.name, number, sorted(extra))
    return result


def decrypted_copy(path: Path, out: Path, passwords: list[bytes], port: int = 623) -> int:
    """Write ``out``: ``path`` with every payload the analyzer decrypts put back in clear (an RMCP+ header with
    the encrypted and authenticated bits clear, same session ID and sequence, no trailer), so that tshark, which
    cannot decrypt, dissects the commands inside and compare_capture() can compare their bodies. Returns the
    number of payloads replaced (every encrypted one, or the analysis failed to decrypt some)."""
    analysis = analyze_file(path, passwords, ports=[port], keep_plaintext=True)
    packets = list(rdpcap(str(path)))
    for number, (payload_type, body) in analysis.plaintext.items():
        pkt = packets[number - 1]
        udp = pkt[UDP]
        rmcp = bytes(pkt[RMCP])[:_RMCP_HEADER_LEN]
        session = pkt[RMCPPlusSession]
        clear = RMCPPlusSession(payload_type=payload_type, session_id=session.session_id,
                                session_seq=session.session_seq) / Raw(body)
        udp.remove_payload()
        udp.add_payload(Raw(rmcp + bytes(clear)))
        del udp.len, udp.chksum
        if IP in pkt:
            del pkt[IP].len, pkt[IP].chksum
        packets[number - 1] = pkt.__class__(bytes(pkt))
        packets[number - 1].time = pkt.time
    wrpcap(str(out), packets)
    return len(analysis.plaintext)
