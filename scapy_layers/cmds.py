"""Command bodies: the data of ``IPMIRequest`` / ``IPMIResponse`` shown field by field (IPMI v2.0 rev 1.1).

- session management (§22.13-22.19, Tables 22-15 to 22-20): Get Channel Authentication Capabilities, Get Session
  Challenge, Activate Session, Set Session Privilege Level, Close Session;
- Get Device ID (§20.1, Table 20-2), Get Chassis Status (§28.2, Table 28-3);
- Activate / Deactivate Payload (§24.1, §24.2, Tables 24-2, 24-3);
- Get Sensor Reading (§35.14, Table 35-15);
- Get FRU Inventory Area Info, Read FRU Data (§34.1, §34.2, Tables 34-1, 34-2); Get SDR Repository Info,
  Reserve SDR Repository, Get SDR (§33.9, §33.11, §33.12, Tables 33-3, 33-5, 33-6);
- the Group Extension probes ipmitool sends (defined by PICMG 3.0, PICMG HPM.2 and VITA 46.11, not by IPMI):
  Get PICMG Properties, Get HPM.x Capabilities, Get VSO Capabilities, requests only (the simulator and ipmi_sim
  answer them with an error completion code).

``IPMIRequest.body()`` and ``IPMIResponse.body()`` give the body layer of a message (Raw for other commands and
for error responses). Field names are those of ``ipmifast.cmds`` and ``ipmifast.records`` where they have the
structure; multi-byte integers are little-endian. Optional trailing bytes (the auxiliary firmware revision, the
front panel button byte, the sensor state bytes) are present in a dissected body when the bytes reach them; a
built body has the front panel and state bytes, and the auxiliary firmware revision when it is given.
"""

from __future__ import annotations

from typing import Any

from scapy.fields import (
    BitEnumField,
    BitField,
    ByteField,
    ConditionalField,
    LEIntField,
    LEShortField,
    LEThreeBytesField,
    StrField,
    StrFixedLenField,
    StrLenField,
    XByteField,
    XLEIntField,
    XLEShortField,
)
from scapy.packet import Packet

from ipmifast.proto.consts import AppCmd, AuthType, NetFn, PayloadType, Privilege

__all__ = [
    "BODIES",
    "GROUP_EXTENSION_BODIES",
    "body_class",
    "ActivatePayloadRq",
    "ActivatePayloadRs",
    "ActivateSessionRq",
    "ActivateSessionRs",
    "CloseSessionRq",
    "DeactivatePayloadRq",
    "DeactivatePayloadRs",
    "EmptyBody",
    "GetChassisStatusRs",
    "GetDeviceIdRs",
    "GetFruInventoryAreaInfoRq",
    "GetFruInventoryAreaInfoRs",
    "GetHpmxCapabilitiesRq",
    "GetPicmgPropertiesRq",
    "GetSdrRepositoryInfoRs",
    "GetSdrRq",
    "GetSdrRs",
    "GetSensorReadingRq",
    "GetSensorReadingRs",
    "GetVsoCapabilitiesRq",
    "ReadFruDataRq",
    "ReadFruDataRs",
    "ReserveSdrRepositoryRs",
    "GetChannelAuthCapabilitiesRq",
    "GetChannelAuthCapabilitiesRs",
    "GetSessionChallengeRq",
    "GetSessionChallengeRs",
    "SetSessionPrivilegeLevelRq",
    "SetSessionPrivilegeLevelRs",
]

PRIVILEGES = {p.value: p.name for p in Privilege}
# command codes (Appendix G) that ipmifast.proto.consts has no enum for
_GET_CHASSIS_STATUS = 0x01
_GET_SENSOR_READING = 0x2D
_GET_FRU_INVENTORY_AREA_INFO = 0x10
_READ_FRU_DATA = 0x11
_GET_SDR_REPOSITORY_INFO = 0x20
_RESERVE_SDR_REPOSITORY = 0x22
_GET_SDR = 0x23
# Group Extension defining body codes (Table 5-1, footnote)
_PICMG = 0x00
_VSO = 0x03
AUTH_TYPES = {t.value: t.name for t in AuthType}
_NAME_LEN = 16
_CHALLENGE_LEN = 16


def _nibble(name: str, names: dict[int, str], default: int) -> list[Any]:
    """A byte whose bits 3:0 hold ``name`` and bits 7:4 are reserved."""
    return [BitField(f"reserved_{name}", 0, 4), BitEnumField(name, default, 4, names)]


class _Body(Packet):
    _wire_len: int | None = None

    def do_dissect(self, s: bytes) -> bytes:
        self._wire_len = len(s)
        return super().do_dissect(s)

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s

    @classmethod
    def fixed_length(cls) -> int:
        """Bytes of the fields every body of this layer has (optional and variable-length ones not counted):
        shorter data is not this body (``IPMIRequest.body()`` gives Raw)."""
        size = 0.0
        for fld in cls.fields_desc:
            if isinstance(fld, ConditionalField) or (isinstance(fld, StrField)
                                                     and not isinstance(fld, StrFixedLenField)):
                continue
            size += fld.sz
        return int(size)

    def reaches(self, end: int) -> bool:
        """Optional trailing fields: a built body has them, a dissected one when its bytes reach ``end``."""
        return self._wire_len is None or self._wire_len >= end


def _optional(field: Any, end: int) -> Any:
    """A trailing field that the body may leave out (it ends at byte offset ``end``)."""
    return ConditionalField(field, lambda pkt: pkt.reaches(end))


class EmptyBody(_Body):
    """A request without data (Get Device ID, Get Chassis Status, Get SDR Repository Info, Reserve SDR
    Repository)."""

    name = "Empty Body"
    fields_desc = []


class GetChannelAuthCapabilitiesRq(_Body):
    """Get Channel Authentication Capabilities request (Table 22-15)."""

    name = "Get Channel Authentication Capabilities Request"
    fields_desc = [
        BitField("ipmi_v20_extended", 1, 1),
        BitField("reserved1", 0, 3),
        BitField("channel", 0x0E, 4),
        *_nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
    ]


class GetChannelAuthCapabilitiesRs(_Body):
    """Get Channel Authentication Capabilities response (Table 22-15), v1.5 and v2.0 extended forms."""

    name = "Get Channel Authentication Capabilities Response"
    fields_desc = [
        XByteField("channel", 1),
        BitField("ipmi_v20_extended_available", 1, 1),
        BitField("reserved1", 0, 1),
        BitField("auth_oem", 0, 1),
        BitField("auth_password", 0, 1),
        BitField("reserved2", 0, 1),
        BitField("auth_md5", 1, 1),
        BitField("auth_md2", 0, 1),
        BitField("auth_none", 0, 1),
        BitField("reserved3", 0, 2),
        BitField("kg_nonzero", 0, 1),
        BitField("per_message_authentication_disabled", 0, 1),
        BitField("user_level_authentication_disabled", 0, 1),
        BitField("non_null_usernames", 1, 1),
        BitField("null_usernames", 0, 1),
        BitField("anonymous_login", 0, 1),
        BitField("reserved4", 0, 6),
        BitField("supports_ipmi_v20", 1, 1),
        BitField("supports_ipmi_v15", 1, 1),
        LEThreeBytesField("oem_id", 0),
        XByteField("oem_auxiliary_data", 0),
    ]


class GetSessionChallengeRq(_Body):
    """Get Session Challenge request (Table 22-16): authentication type, user name (16 bytes, NUL padded)."""

    name = "Get Session Challenge Request"
    fields_desc = [*_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
                   StrFixedLenField("username", b"", _NAME_LEN)]


class GetSessionChallengeRs(_Body):
    """Get Session Challenge response (Table 22-16): temporary session ID, challenge string."""

    name = "Get Session Challenge Response"
    fields_desc = [XLEIntField("temp_session_id", 0), StrFixedLenField("challenge", b"", _CHALLENGE_LEN)]


class ActivateSessionRq(_Body):
    """Activate Session request (Table 22-17)."""

    name = "Activate Session Request"
    fields_desc = [
        *_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
        *_nibble("max_privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
        StrFixedLenField("challenge", b"", _CHALLENGE_LEN),
        XLEIntField("initial_outbound_seq", 0),
    ]


class ActivateSessionRs(_Body):
    """Activate Session response (Table 22-17)."""

    name = "Activate Session Response"
    fields_desc = [
        *_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
        XLEIntField("session_id", 0),
        XLEIntField("initial_inbound_seq", 0),
        *_nibble("max_privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
    ]


class SetSessionPrivilegeLevelRq(_Body):
    """Set Session Privilege Level request (Table 22-18)."""

    name = "Set Session Privilege Level Request"
    fields_desc = _nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR)


class SetSessionPrivilegeLevelRs(_Body):
    """Set Session Privilege Level response (Table 22-18): the new privilege level."""

    name = "Set Session Privilege Level Response"
    fields_desc = _nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR)


class CloseSessionRq(_Body):
    """Close Session request (Table 22-19): session ID, and the session handle when the ID is 0."""

    name = "Close Session Request"
    fields_desc = [
        XLEIntField("session_id", 0),
        ConditionalField(XByteField("session_handle", 0), lambda pkt: pkt.session_id == 0),
    ]


# ---------------------------------------------------------------------------------------------- §20, §28


_AUX_FIRMWARE_END = 15


class GetDeviceIdRs(_Body):
    """Get Device ID response (Table 20-2). ``ipmi_version`` is BCD (51h is 1.5, 02h is 2.0); ``firmware_minor``
    is BCD too; the auxiliary firmware revision is optional."""

    name = "Get Device ID Response"
    fields_desc = [
        XByteField("device_id", 0x20),
        BitField("provides_sdrs", 0, 1),
        BitField("reserved1", 0, 3),
        BitField("device_revision", 0, 4),
        # the spec calls bit 7 "device available", 1 meaning firmware, SDR update or self-initialisation in progress:
        # named after that meaning, since ipmifast.cmds.app.DeviceId.device_available is its negation
        BitField("update_in_progress", 0, 1),
        BitField("firmware_major", 0, 7),
        XByteField("firmware_minor", 0),
        XByteField("ipmi_version", 0x02),
        BitField("chassis", 0, 1),
        BitField("bridge", 0, 1),
        BitField("ipmb_event_generator", 0, 1),
        BitField("ipmb_event_receiver", 0, 1),
        BitField("fru_inventory", 0, 1),
        BitField("sel", 0, 1),
        BitField("sdr_repository", 0, 1),
        BitField("sensor", 0, 1),
        LEThreeBytesField("manufacturer_id", 0),
        XLEShortField("product_id", 0),
        # built: present unless None (the default); dissected: present when the bytes reach it
        ConditionalField(StrFixedLenField("aux_firmware_revision", None, 4),
                         lambda pkt: pkt.reaches(_AUX_FIRMWARE_END) if pkt._wire_len is not None
                         else pkt.fields.get("aux_firmware_revision") is not None),
    ]


_FRONT_PANEL_END = 4


class GetChassisStatusRs(_Body):
    """Get Chassis Status response (Table 28-3): current power state, last power event, miscellaneous chassis
    state, and the optional front panel button capabilities."""

    name = "Get Chassis Status Response"
    fields_desc = [
        BitField("reserved1", 0, 1),
        BitField("restore_policy", 0, 2),
        BitField("power_control_fault", 0, 1),
        BitField("power_fault", 0, 1),
        BitField("interlock", 0, 1),
        BitField("power_overload", 0, 1),
        BitField("power_on", 0, 1),
        BitField("reserved2", 0, 3),
        BitField("last_power_on_by_ipmi", 0, 1),
        BitField("last_power_down_by_fault", 0, 1),
        BitField("last_power_down_by_interlock", 0, 1),
        BitField("last_power_down_by_overload", 0, 1),
        BitField("last_ac_failed", 0, 1),
        BitField("reserved3", 0, 1),
        BitField("identify_supported", 0, 1),
        BitField("identify_state", 0, 2),
        BitField("cooling_fault", 0, 1),
        BitField("drive_fault", 0, 1),
        BitField("front_panel_lockout", 0, 1),
        BitField("intrusion", 0, 1),
        *(_optional(BitField(name, 0, 1), _FRONT_PANEL_END) for name in (
            "standby_disable_allowed", "diagnostic_interrupt_disable_allowed", "reset_disable_allowed",
            "power_off_disable_allowed", "standby_disabled", "diagnostic_interrupt_disabled", "reset_disabled",
            "power_off_disabled")),
    ]


# -------------------------------------------------------------------------------------------------- §24

PAYLOAD_TYPES = {t.value: t.name for t in PayloadType}


def _payload_instance() -> list[Any]:
    return [BitField("reserved1", 0, 2), BitEnumField("payload_type", PayloadType.SOL, 6, PAYLOAD_TYPES),
            BitField("reserved2", 0, 4), BitField("payload_instance", 1, 4)]


class ActivatePayloadRq(_Body):
    """Activate Payload request (Table 24-2). The auxiliary data are the SOL ones (Table 24-2, byte 3): encrypt,
    authenticate, test mode, shared serial alert behaviour, deassert CTS and DCD/DSR; then three reserved bytes.
    Names as ``ipmifast.cmds.app.SolActivation``."""

    name = "Activate Payload Request"
    fields_desc = [
        *_payload_instance(),
        BitField("encrypt", 0, 1),
        BitField("authenticate", 0, 1),
        BitField("test_mode", 0, 1),
        BitField("reserved3", 0, 1),
        BitField("serial_alert_behavior", 0, 2),
        BitField("deassert_handshake", 0, 1),
        BitField("reserved4", 0, 1),
        StrFixedLenField("aux_reserved", b"\x00" * 3, 3),
    ]


class ActivatePayloadRs(_Body):
    """Activate Payload response (Table 24-2): auxiliary data, payload sizes, UDP port and VLAN."""

    name = "Activate Payload Response"
    fields_desc = [
        StrFixedLenField("auxiliary_data", b"\x00" * 4, 4),
        LEShortField("inbound_payload_size", 0),
        LEShortField("outbound_payload_size", 0),
        LEShortField("payload_udp_port", 623),
        XLEShortField("payload_vlan_number", 0xFFFF),
    ]


class DeactivatePayloadRq(_Body):
    """Deactivate Payload request (Table 24-3)."""

    name = "Deactivate Payload Request"
    fields_desc = [*_payload_instance(), StrFixedLenField("auxiliary_data", b"\x00" * 4, 4)]


class DeactivatePayloadRs(EmptyBody):
    """Deactivate Payload response (Table 24-3): the completion code only."""

    name = "Deactivate Payload Response"


# -------------------------------------------------------------------------------------------------- §35


class GetSensorReadingRq(_Body):
    """Get Sensor Reading request (Table 35-15)."""

    name = "Get Sensor Reading Request"
    fields_desc = [ByteField("sensor_number", 0)]


_STATES_END = 3
_STATES2_END = 4


class GetSensorReadingRs(_Body):
    """Get Sensor Reading response (Table 35-15): reading, flags, then the optional threshold comparison or
    discrete state bits (byte 3: states 7-0, byte 4: states 14-8). For a threshold sensor, states 0-5 are the
    comparisons at or below LNC, LC, LNR and at or above UNC, UC, UNR."""

    name = "Get Sensor Reading Response"
    fields_desc = [
        ByteField("raw", 0),
        BitField("event_messages_enabled", 1, 1),
        BitField("scanning_enabled", 1, 1),
        BitField("unavailable", 0, 1),
        BitField("reserved1", 0, 5),
        *(_optional(BitField(f"state_{n}", 0, 1), _STATES_END) for n in range(7, -1, -1)),
        _optional(BitField("reserved2", 1, 1), _STATES2_END),  # "returned as 1b" for threshold sensors
        *(_optional(BitField(f"state_{n}", 0, 1), _STATES2_END) for n in range(14, 7, -1)),
    ]


# -------------------------------------------------------------------------------------------------- §34


class GetFruInventoryAreaInfoRq(_Body):
    """Get FRU Inventory Area Info request (Table 34-1)."""

    name = "Get FRU Inventory Area Info Request"
    fields_desc = [ByteField("fru_id", 0)]


class GetFruInventoryAreaInfoRs(_Body):
    """Get FRU Inventory Area Info response (Table 34-1): area size in bytes, access by bytes or words."""

    name = "Get FRU Inventory Area Info Response"
    fields_desc = [LEShortField("area_size", 0), BitField("reserved1", 0, 7), BitField("by_words", 0, 1)]


class ReadFruDataRq(_Body):
    """Read FRU Data request (Table 34-2)."""

    name = "Read FRU Data Request"
    fields_desc = [ByteField("fru_id", 0), LEShortField("offset", 0), ByteField("count", 0)]


class ReadFruDataRs(_Body):
    """Read FRU Data response (Table 34-2): count returned, data."""

    name = "Read FRU Data Response"
    fields_desc = [ByteField("count", None), StrLenField("data", b"", length_from=lambda pkt: pkt.count)]

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        if self.count is None:
            pkt = bytes((len(pkt) - 1,)) + pkt[1:]
        return pkt + pay


# -------------------------------------------------------------------------------------------------- §33


class GetSdrRepositoryInfoRs(_Body):
    """Get SDR Repository Info response (Table 33-3). ``sdr_version`` is BCD (51h: version 1.5)."""

    name = "Get SDR Repository Info Response"
    fields_desc = [
        XByteField("sdr_version", 0x51),
        LEShortField("record_count", 0),
        LEShortField("free_space", 0),
        LEIntField("most_recent_addition", 0),
        LEIntField("most_recent_erase", 0),
        BitField("overflow", 0, 1),
        BitField("update_support", 0, 2),
        BitField("reserved1", 0, 1),
        BitField("delete_supported", 0, 1),
        BitField("partial_add_supported", 0, 1),
        BitField("reserve_supported", 0, 1),
        BitField("get_allocation_info_supported", 0, 1),
    ]


class ReserveSdrRepositoryRs(_Body):
    """Reserve SDR Repository response (Table 33-5)."""

    name = "Reserve SDR Repository Response"
    fields_desc = [XLEShortField("reservation_id", 0)]


class GetSdrRq(_Body):
    """Get SDR request (Table 33-6): reservation ID, record ID, offset into the record, bytes to read (FFh: the
    whole record)."""

    name = "Get SDR Request"
    fields_desc = [XLEShortField("reservation_id", 0), XLEShortField("record_id", 0), ByteField("offset", 0),
                   ByteField("bytes_to_read", 0xFF)]


class GetSdrRs(_Body):
    """Get SDR response (Table 33-6): next record ID, then the record data read."""

    name = "Get SDR Response"
    fields_desc = [XLEShortField("next_record_id", 0xFFFF), StrField("record_data", b"")]


# ---------------------------------------------------------------------------------- Group Extension probes


class GetPicmgPropertiesRq(_Body):
    """Get PICMG Properties request (PICMG 3.0): the PICMG identifier (00h)."""

    name = "Get PICMG Properties Request"
    fields_desc = [XByteField("picmg_identifier", 0x00)]


class GetHpmxCapabilitiesRq(_Body):
    """Get HPM.x Capabilities request (PICMG HPM.2): PICMG identifier, HPM.x identifier."""

    name = "Get HPM.x Capabilities Request"
    fields_desc = [XByteField("picmg_identifier", 0x00), XByteField("hpm_identifier", 0x02)]


class GetVsoCapabilitiesRq(_Body):
    """Get VSO Capabilities request (VITA 46.11): the VSO identifier (03h)."""

    name = "Get VSO Capabilities Request"
    fields_desc = [XByteField("vso_identifier", 0x03)]


#: (request netfn, cmd, is a response) -> body layer
BODIES: dict[tuple[int, int, bool], type[_Body]] = {
    (NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, False): GetChannelAuthCapabilitiesRq,
    (NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, True): GetChannelAuthCapabilitiesRs,
    (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE, False): GetSessionChallengeRq,
    (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE, True): GetSessionChallengeRs,
    (NetFn.APP, AppCmd.ACTIVATE_SESSION, False): ActivateSessionRq,
    (NetFn.APP, AppCmd.ACTIVATE_SESSION, True): ActivateSessionRs,
    (NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, False): SetSessionPrivilegeLevelRq,
    (NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, True): SetSessionPrivilegeLevelRs,
    (NetFn.APP, AppCmd.CLOSE_SESSION, False): CloseSessionRq,
    (NetFn.APP, AppCmd.GET_DEVICE_ID, False): EmptyBody,
    (NetFn.APP, AppCmd.GET_DEVICE_ID, True): GetDeviceIdRs,
    (NetFn.APP, AppCmd.ACTIVATE_PAYLOAD, False): ActivatePayloadRq,
    (NetFn.APP, AppCmd.ACTIVATE_PAYLOAD, True): ActivatePayloadRs,
    (NetFn.APP, AppCmd.DEACTIVATE_PAYLOAD, False): DeactivatePayloadRq,
    (NetFn.APP, AppCmd.DEACTIVATE_PAYLOAD, True): DeactivatePayloadRs,
    (NetFn.CHASSIS, _GET_CHASSIS_STATUS, False): EmptyBody,
    (NetFn.CHASSIS, _GET_CHASSIS_STATUS, True): GetChassisStatusRs,
    (NetFn.SENSOR_EVENT, _GET_SENSOR_READING, False): GetSensorReadingRq,
    (NetFn.SENSOR_EVENT, _GET_SENSOR_READING, True): GetSensorReadingRs,
    (NetFn.STORAGE, _GET_FRU_INVENTORY_AREA_INFO, False): GetFruInventoryAreaInfoRq,
    (NetFn.STORAGE, _GET_FRU_INVENTORY_AREA_INFO, True): GetFruInventoryAreaInfoRs,
    (NetFn.STORAGE, _READ_FRU_DATA, False): ReadFruDataRq,
    (NetFn.STORAGE, _READ_FRU_DATA, True): ReadFruDataRs,
    (NetFn.STORAGE, _GET_SDR_REPOSITORY_INFO, False): EmptyBody,
    (NetFn.STORAGE, _GET_SDR_REPOSITORY_INFO, True): GetSdrRepositoryInfoRs,
    (NetFn.STORAGE, _RESERVE_SDR_REPOSITORY, False): EmptyBody,
    (NetFn.STORAGE, _RESERVE_SDR_REPOSITORY, True): ReserveSdrRepositoryRs,
    (NetFn.STORAGE, _GET_SDR, False): GetSdrRq,
    (NetFn.STORAGE, _GET_SDR, True): GetSdrRs,
}

#: Group Extension requests, by (cmd, defining body code): the first data byte names the defining body (§5.1)
GROUP_EXTENSION_BODIES: dict[tuple[int, int], type[_Body]] = {
    (0x00, _PICMG): GetPicmgPropertiesRq,
    (0x3E, _PICMG): GetHpmxCapabilitiesRq,
    (0x00, _VSO): GetVsoCapabilitiesRq,
}


def body_class(netfn: int, cmd: int, is_response: bool, data: bytes) -> type[_Body] | None:
    """The body layer of a message's data, or None when there is none for it."""
    request_netfn = netfn & 0x3E
    if request_netfn == NetFn.GROUP_EXTENSION:
        return None if is_response or not data else GROUP_EXTENSION_BODIES.get((cmd, data[0]))
    return BODIES.get((request_netfn, cmd, is_response))
