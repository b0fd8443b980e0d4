"""Names of IPMI v2.0 network functions (Table 5-1) and commands (Appendix G, Table G-1; the ICMB bridge commands
of the ICMB v1.0 specification; the PICMG / HPM.x group extension commands ipmitool sends), for display.

``command_name(netfn, cmd)`` works for requests (even netfn) and responses (odd netfn).
"""

from __future__ import annotations

from ipmifast.proto.consts import NetFn

__all__ = ["COMMAND_NAMES", "GROUP_COMMAND_NAMES", "NETFN_NAMES", "command_name", "netfn_name"]

_NETFN_BASE = {
    NetFn.CHASSIS: "Chassis",
    NetFn.BRIDGE: "Bridge",
    NetFn.SENSOR_EVENT: "Sensor/Event",
    NetFn.APP: "App",
    NetFn.FIRMWARE: "Firmware",
    NetFn.STORAGE: "Storage",
    NetFn.TRANSPORT: "Transport",
    NetFn.GROUP_EXTENSION: "Group Extension",
    NetFn.OEM_GROUP: "OEM/Group",
}

#: every netfn value, request and response: 30h-3Fh are controller-specific OEM
NETFN_NAMES: dict[int, str] = {}
for _code in range(0, 0x40, 2):
    _base = _NETFN_BASE.get(_code, "OEM" if _code >= 0x30 else "Reserved")  # type: ignore[call-overload]
    NETFN_NAMES[_code] = f"{_base} Request"
    NETFN_NAMES[_code + 1] = f"{_base} Response"

_TABLE: dict[int, str] = {
    NetFn.APP: """
        01 Get Device ID; 02 Cold Reset; 03 Warm Reset; 04 Get Self Test Results; 05 Manufacturing Test On;
        06 Set ACPI Power State; 07 Get ACPI Power State; 08 Get Device GUID; 09 Get NetFn Support;
        0A Get Command Support; 0B Get Command Sub-function Support; 0C Get Configurable Commands;
        0D Get Configurable Command Sub-functions; 22 Reset Watchdog Timer; 24 Set Watchdog Timer;
        25 Get Watchdog Timer; 2E Set BMC Global Enables; 2F Get BMC Global Enables; 30 Clear Message Flags;
        31 Get Message Flags; 32 Enable Message Channel Receive; 33 Get Message; 34 Send Message;
        35 Read Event Message Buffer; 36 Get BT Interface Capabilities; 37 Get System GUID;
        38 Get Channel Authentication Capabilities; 39 Get Session Challenge; 3A Activate Session;
        3B Set Session Privilege Level; 3C Close Session; 3D Get Session Info; 3F Get AuthCode;
        40 Set Channel Access; 41 Get Channel Access; 42 Get Channel Info; 43 Set User Access; 44 Get User Access;
        45 Set User Name; 46 Get User Name; 47 Set User Password; 48 Activate Payload; 49 Deactivate Payload;
        4A Get Payload Activation Status; 4B Get Payload Instance Info; 4C Set User Payload Access;
        4D Get User Payload Access; 4E Get Channel Payload Support; 4F Get Channel Payload Version;
        50 Get Channel OEM Payload Info; 52 Master Write-Read; 54 Get Channel Cipher Suites;
        55 Suspend/Resume Payload Encryption; 56 Set Channel Security Keys; 57 Get System Interface Capabilities;
        58 Set System Info Parameters; 59 Get System Info Parameters; 60 Set Command Enables;
        61 Get Command Enables; 62 Set Command Sub-function Enables; 63 Get Command Sub-function Enables;
        64 Get OEM NetFn IANA Support""",
    NetFn.CHASSIS: """
        00 Get Chassis Capabilities; 01 Get Chassis Status; 02 Chassis Control; 03 Chassis Reset;
        04 Chassis Identify; 05 Set Chassis Capabilities; 06 Set Power Restore Policy; 07 Get System Restart Cause;
        08 Set System Boot Options; 09 Get System Boot Options; 0A Set Front Panel Button Enables;
        0B Set Power Cycle Interval; 0F Get POH Counter""",
    NetFn.SENSOR_EVENT: """
        00 Set Event Receiver; 01 Get Event Receiver; 02 Platform Event Message; 10 Get PEF Capabilities;
        11 Arm PEF Postpone Timer; 12 Set PEF Configuration Parameters; 13 Get PEF Configuration Parameters;
        14 Set Last Processed Event ID; 15 Get Last Processed Event ID; 16 Alert Immediate; 17 PET Acknowledge;
        20 Get Device SDR Info; 21 Get Device SDR; 22 Reserve Device SDR Repository; 23 Get Sensor Reading Factors;
        24 Set Sensor Hysteresis; 25 Get Sensor Hysteresis; 26 Set Sensor Threshold; 27 Get Sensor Threshold;
        28 Set Sensor Event Enable; 29 Get Sensor Event Enable; 2A Re-arm Sensor Events;
        2B Get Sensor Event Status; 2D Get Sensor Reading; 2E Set Sensor Type; 2F Get Sensor Type;
        30 Set Sensor Reading And Event Status""",
    NetFn.STORAGE: """
        10 Get FRU Inventory Area Info; 11 Read FRU Data; 12 Write FRU Data; 20 Get SDR Repository Info;
        21 Get SDR Repository Allocation Info; 22 Reserve SDR Repository; 23 Get SDR; 24 Add SDR;
        25 Partial Add SDR; 26 Delete SDR; 27 Clear SDR Repository; 28 Get SDR Repository Time;
        29 Set SDR Repository Time; 2A Enter SDR Repository Update Mode; 2B Exit SDR Repository Update Mode;
        2C Run Initialization Agent; 40 Get SEL Info; 41 Get SEL Allocation Info; 42 Reserve SEL; 43 Get SEL Entry;
        44 Add SEL Entry; 45 Partial Add SEL Entry; 46 Delete SEL Entry; 47 Clear SEL; 48 Get SEL Time;
        49 Set SEL Time; 5A Get Auxiliary Log Status; 5B Set Auxiliary Log Status; 5C Get SEL Time UTC Offset;
        5D Set SEL Time UTC Offset""",
    NetFn.TRANSPORT: """
        01 Set LAN Configuration Parameters; 02 Get LAN Configuration Parameters; 03 Suspend BMC ARPs;
        04 Get IP/UDP/RMCP Statistics; 10 Set Serial/Modem Configuration; 11 Get Serial/Modem Configuration;
        12 Set Serial/Modem Mux; 13 Get TAP Response Codes; 14 Set PPP UDP Proxy Transmit Data;
        15 Get PPP UDP Proxy Transmit Data; 16 Send PPP UDP Proxy Packet; 17 Get PPP UDP Proxy Receive Data;
        18 Serial/Modem Connection Active; 19 Callback; 1A Set User Callback Options; 1B Get User Callback Options;
        1C Set Serial Routing Mux; 20 SOL Activating; 21 Set SOL Configuration Parameters;
        22 Get SOL Configuration Parameters; 30 Forwarded Command; 31 Set Forwarded Commands;
        32 Get Forwarded Commands; 33 Enable Forwarded Commands""",
    NetFn.BRIDGE: """
        00 Get Bridge State; 01 Set Bridge State; 02 Get ICMB Address; 03 Set ICMB Address;
        04 Set Bridge Proxy Address; 05 Get Bridge Statistics; 06 Get ICMB Capabilities; 08 Clear Bridge Statistics;
        09 Get Bridge Proxy Address; 0A Get ICMB Connector Info; 0B Get ICMB Connection ID;
        0C Send ICMB Connection ID; 10 Prepare For Discovery; 11 Get Addresses; 12 Set Discovered;
        13 Get Chassis Device ID; 14 Set Chassis Device ID; 20 Bridge Request; 21 Bridge Message;
        30 Get Event Count; 31 Set Event Destination; 32 Set Event Reception State; 33 Send ICMB Event Message;
        34 Get Event Destination; 35 Get Event Reception State; FF Error Report""",
}

# Group Extension (netfn 2Ch) commands, by defining body code (the first data byte): PICMG 00h (with HPM.1 / HPM.x),
# VSO 03h, DCMI DCh
_GROUP_TABLE: dict[int, str] = {
    0x00: """
        00 Get PICMG Properties; 01 Get Address Info; 2E Get Target Upgrade Capabilities;
        2F Get Component Properties; 30 Abort Firmware Upgrade; 31 Initiate Upgrade Action;
        32 Upload Firmware Block; 33 Finish Firmware Upload; 34 Get Upgrade Status; 35 Activate Firmware;
        36 Query Self-test Results; 37 Query Rollback Status; 38 Initiate Manual Rollback;
        3E Get HPM.x Capabilities""",
    0x03: "00 Get VSO Capabilities",
    0xDC: """
        01 Get DCMI Capabilities Info; 02 Get Power Reading; 03 Get Power Limit; 04 Set Power Limit;
        05 Activate/Deactivate Power Limit; 06 Get Asset Tag; 07 Get DCMI Sensor Info; 08 Set Asset Tag;
        09 Get Management Controller ID String; 0A Set Management Controller ID String; 0B Set Thermal Limit;
        0C Get Thermal Limit; 0D Get Temperature Readings; 10 Set DCMI Configuration Parameters;
        11 Get DCMI Configuration Parameters""",
}


def _parse(table: dict[int, str]) -> dict[tuple[int, int], str]:
    return {
        (int(key), int(code, 16)): name.strip()
        for key, text in table.items()
        for code, _, name in (entry.strip().partition(" ") for entry in text.split(";"))
    }


#: (request netfn, cmd) -> name
COMMAND_NAMES = _parse(_TABLE)
#: (defining body code, cmd) -> name, for Group Extension requests
GROUP_COMMAND_NAMES = _parse(_GROUP_TABLE)


def netfn_name(netfn: int) -> str:
    """``"App Request"``, ``"Chassis Response"``, ``"OEM Request"`` (Table 5-1)."""
    return NETFN_NAMES.get(netfn & 0x3F, f"netfn 0x{netfn:02x}")


def command_name(netfn: int, cmd: int, body_code: int | None = None) -> str:
    """The Appendix G name of a command, or ``"netfn 0xNN cmd 0xNN"`` for OEM and unknown commands.

    Group Extension commands are named by their defining body code (``body_code``, the first data byte).
    """
    netfn &= 0x3E
    if netfn == NetFn.GROUP_EXTENSION:
        name = GROUP_COMMAND_NAMES.get((body_code, cmd)) if body_code is not None else None
        return name or f"Group Extension 0x{body_code or 0:02x} cmd 0x{cmd:02x}"
    return COMMAND_NAMES.get((netfn, cmd), f"netfn 0x{netfn:02x} cmd 0x{cmd:02x}")
