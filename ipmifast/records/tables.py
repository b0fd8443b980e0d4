"""Spec tables for sensors, events, SDRs and entities (IPMI v2.0 rev 1.1 ch. 42-43), one IntEnum per table.

- ``SdrRecordType``: the SDR record types of §43 (Tables 43-1 to 43-11).
- ``EventReadingType``: event/reading type codes (Table 42-1); ``GENERIC_OFFSETS`` holds the offsets' text of the
  generic codes (Table 42-2).
- ``SensorType``: sensor type codes (Table 42-3); ``SENSOR_SPECIFIC_OFFSETS`` holds their sensor-specific offsets.
- ``Unit``: sensor unit type codes (Table 43-15), ``RateUnit`` and ``ModifierRelation`` (Table 43-1 byte 21).
- ``EntityId``: entity ID codes (Table 43-13, with the DCMI additions 40h-42h).
- ``Linearization``, ``AnalogDataFormat``: Table 43-1 bytes 21 and 24; ``IdStringType``: §43.15.

Texts come in two spellings, because the two reference clients print the spec's wording differently:
``"ipmitool"`` (ipmitool 1.8.19's tables, including its quirks such as the trailing blank of
"Lower Critical going low ") and ``"freeipmi"`` (FreeIPMI 1.6.10's "short" strings, the spec's text with its
parenthesised explanations cut). The ipmitool spelling reproduces ipmitool's gaps too: it has no text for Session
Audit (2Ah), Event Logging Disabled offset 06h, ACPI power state 0Dh, and version change offsets 01h/07h unless
event data 2 is flagged; ``ipmitool sel`` prints an empty description there, and so do we. The FreeIPMI spelling
covers every offset the spec defines.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag
from typing import Final, Literal, NamedTuple

Style = Literal["ipmitool", "freeipmi"]


class SdrRecordType(IntEnum):
    """SDR record type codes (IPMI v2.0 §43, byte 4 of the records of Tables 43-1 to 43-11)."""

    FULL_SENSOR = 0x01
    COMPACT_SENSOR = 0x02
    EVENT_ONLY = 0x03
    ENTITY_ASSOCIATION = 0x08
    DEVICE_RELATIVE_ENTITY_ASSOCIATION = 0x09
    GENERIC_DEVICE_LOCATOR = 0x10
    FRU_DEVICE_LOCATOR = 0x11
    MC_DEVICE_LOCATOR = 0x12
    MC_CONFIRMATION = 0x13
    BMC_MESSAGE_CHANNEL_INFO = 0x14
    OEM = 0xC0


class EventReadingType(IntEnum):
    """Event/Reading Type Codes (IPMI v2.0 §42.1, Table 42-1). 70h-7Fh are OEM codes."""

    UNSPECIFIED = 0x00
    THRESHOLD = 0x01
    DMI_USAGE = 0x02
    DIGITAL_STATE = 0x03
    PREDICTIVE_FAILURE = 0x04
    LIMIT = 0x05
    PERFORMANCE = 0x06
    SEVERITY = 0x07
    PRESENCE = 0x08
    ENABLE = 0x09
    AVAILABILITY = 0x0A
    REDUNDANCY = 0x0B
    ACPI_DEVICE_POWER_STATE = 0x0C
    SENSOR_SPECIFIC = 0x6F


EVENT_READING_TYPE_OEM_MIN = 0x70  # Table 42-1: 70h-7Fh OEM non-threshold
EVENT_READING_TYPE_OEM_MAX = 0x7F


def event_reading_class(code: int) -> str:
    """Table 42-1's class of an event/reading type code: threshold, generic, sensor-specific, OEM, unspecified."""
    if code == EventReadingType.THRESHOLD:
        return "threshold"
    if EventReadingType.DMI_USAGE <= code <= EventReadingType.ACPI_DEVICE_POWER_STATE:
        return "generic"
    if code == EventReadingType.SENSOR_SPECIFIC:
        return "sensor-specific"
    if EVENT_READING_TYPE_OEM_MIN <= code <= EVENT_READING_TYPE_OEM_MAX:
        return "oem"
    return "unspecified"


class SensorType(IntEnum):
    """Sensor Type Codes (IPMI v2.0 §42.2, Table 42-3). C0h-FFh are OEM reserved."""

    RESERVED = 0x00
    TEMPERATURE = 0x01
    VOLTAGE = 0x02
    CURRENT = 0x03
    FAN = 0x04
    PHYSICAL_SECURITY = 0x05
    PLATFORM_SECURITY = 0x06
    PROCESSOR = 0x07
    POWER_SUPPLY = 0x08
    POWER_UNIT = 0x09
    COOLING_DEVICE = 0x0A
    OTHER_UNITS = 0x0B
    MEMORY = 0x0C
    DRIVE_SLOT = 0x0D
    POST_MEMORY_RESIZE = 0x0E
    SYSTEM_FIRMWARE_PROGRESS = 0x0F
    EVENT_LOGGING_DISABLED = 0x10
    WATCHDOG_1 = 0x11
    SYSTEM_EVENT = 0x12
    CRITICAL_INTERRUPT = 0x13
    BUTTON_SWITCH = 0x14
    MODULE_BOARD = 0x15
    MICROCONTROLLER = 0x16
    ADD_IN_CARD = 0x17
    CHASSIS = 0x18
    CHIP_SET = 0x19
    OTHER_FRU = 0x1A
    CABLE_INTERCONNECT = 0x1B
    TERMINATOR = 0x1C
    SYSTEM_BOOT_INITIATED = 0x1D
    BOOT_ERROR = 0x1E
    OS_BOOT = 0x1F
    OS_CRITICAL_STOP = 0x20
    SLOT_CONNECTOR = 0x21
    SYSTEM_ACPI_POWER_STATE = 0x22
    WATCHDOG_2 = 0x23
    PLATFORM_ALERT = 0x24
    ENTITY_PRESENCE = 0x25
    MONITOR_ASIC = 0x26
    LAN = 0x27
    MANAGEMENT_SUBSYSTEM_HEALTH = 0x28
    BATTERY = 0x29
    SESSION_AUDIT = 0x2A
    VERSION_CHANGE = 0x2B
    FRU_STATE = 0x2C


SENSOR_TYPE_OEM_MIN = 0xC0

# Table 42-3 names as ipmitool 1.8.19 prints them (sel list, sdr type), then as FreeIPMI 1.6.10 prints them.
_SENSOR_TYPE_TEXT_IPMITOOL: Final[tuple[str, ...]] = (
    "reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security",
    "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other", "Memory", "Drive Slot / Bay",
    "POST Memory Resize", "System Firmwares", "Event Logging Disabled", "Watchdog1", "System Event",
    "Critical Interrupt", "Button", "Module / Board", "Microcontroller", "Add-in Card", "Chassis", "Chip Set",
    "Other FRU", "Cable / Interconnect", "Terminator", "System Boot Initiated", "Boot Error", "OS Boot",
    "OS Critical Stop", "Slot / Connector", "System ACPI Power State", "Watchdog2", "Platform Alert",
    "Entity Presence", "Monitor ASIC", "LAN", "Management Subsys Health", "Battery", "Session Audit",
    "Version Change", "FRU State",
)  # fmt: skip
_SENSOR_TYPE_TEXT_FREEIPMI: Final[tuple[str, ...]] = (
    "Reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security",
    "Platform Security Violation Attempt", "Processor", "Power Supply", "Power Unit", "Cooling Device",
    "Other Units Based Sensor", "Memory", "Drive Slot", "POST Memory Resize", "System Firmware Progress",
    "Event Logging Disabled", "Watchdog 1", "System Event", "Critical Interrupt", "Button/Switch", "Module/Board",
    "Microcontroller/Coprocessor", "Add In Card", "Chassis", "Chip Set", "Other Fru", "Cable/Interconnect",
    "Terminator", "System Boot Initiated", "Boot Error", "OS Boot", "OS Critical Stop", "Slot/Connector",
    "System ACPI Power State", "Watchdog 2", "Platform Alert", "Entity Presence", "Monitor ASIC/IC", "LAN",
    "Management Subsystem Health", "Battery", "Session Audit", "Version Change", "FRU State",
)  # fmt: skip


def sensor_type_text(code: int, style: Style = "ipmitool") -> str:
    """The name of a sensor type code (Table 42-3); OEM codes C0h-FFh and reserved codes get a generic name."""
    names = _SENSOR_TYPE_TEXT_IPMITOOL if style == "ipmitool" else _SENSOR_TYPE_TEXT_FREEIPMI
    if code < len(names):
        return names[code]
    if style == "freeipmi":
        return "OEM Reserved" if code >= SENSOR_TYPE_OEM_MIN else "Unknown"
    # ipmitool looks C0h-FFh up in its per-vendor OEM tables and prints "Unknown" when nothing matches
    return "Unknown"


class Unit(IntEnum):
    """Sensor Unit Type Codes (IPMI v2.0 Table 43-15)."""

    UNSPECIFIED = 0
    DEGREES_C = 1
    DEGREES_F = 2
    DEGREES_K = 3
    VOLTS = 4
    AMPS = 5
    WATTS = 6
    JOULES = 7
    COULOMBS = 8
    VA = 9
    NITS = 10
    LUMEN = 11
    LUX = 12
    CANDELA = 13
    KPA = 14
    PSI = 15
    NEWTON = 16
    CFM = 17
    RPM = 18
    HZ = 19
    MICROSECOND = 20
    MILLISECOND = 21
    SECOND = 22
    MINUTE = 23
    HOUR = 24
    DAY = 25
    WEEK = 26
    MIL = 27
    INCHES = 28
    FEET = 29
    CU_IN = 30
    CU_FEET = 31
    MM = 32
    CM = 33
    M = 34
    CU_CM = 35
    CU_M = 36
    LITERS = 37
    FLUID_OUNCE = 38
    RADIANS = 39
    STERADIANS = 40
    REVOLUTIONS = 41
    CYCLES = 42
    GRAVITIES = 43
    OUNCE = 44
    POUND = 45
    FT_LB = 46
    OZ_IN = 47
    GAUSS = 48
    GILBERTS = 49
    HENRY = 50
    MILLIHENRY = 51
    FARAD = 52
    MICROFARAD = 53
    OHMS = 54
    SIEMENS = 55
    MOLE = 56
    BECQUEREL = 57
    PPM = 58
    RESERVED = 59
    DECIBELS = 60
    DBA = 61
    DBC = 62
    GRAY = 63
    SIEVERT = 64
    COLOR_TEMP_DEG_K = 65
    BIT = 66
    KILOBIT = 67
    MEGABIT = 68
    GIGABIT = 69
    BYTE = 70
    KILOBYTE = 71
    MEGABYTE = 72
    GIGABYTE = 73
    WORD = 74
    DWORD = 75
    QWORD = 76
    LINE = 77
    HIT = 78
    MISS = 79
    RETRY = 80
    RESET = 81
    OVERFLOW = 82
    UNDERRUN = 83
    COLLISION = 84
    PACKETS = 85
    MESSAGES = 86
    CHARACTERS = 87
    ERROR = 88
    CORRECTABLE_ERROR = 89
    UNCORRECTABLE_ERROR = 90
    FATAL_ERROR = 91
    GRAMS = 92


# Table 43-15's text as ipmitool prints it (the spec's words; 82 is "overrun / overflow" in the spec) and
# FreeIPMI's abbreviations (ipmi-sensors and ipmi-sel print these by default).
UNIT_TEXT: Final[tuple[str, ...]] = (
    "unspecified", "degrees C", "degrees F", "degrees K", "Volts", "Amps", "Watts", "Joules", "Coulombs", "VA",
    "Nits", "lumen", "lux", "Candela", "kPa", "PSI", "Newton", "CFM", "RPM", "Hz", "microsecond", "millisecond",
    "second", "minute", "hour", "day", "week", "mil", "inches", "feet", "cu in", "cu feet", "mm", "cm", "m",
    "cu cm", "cu m", "liters", "fluid ounce", "radians", "steradians", "revolutions", "cycles", "gravities",
    "ounce", "pound", "ft-lb", "oz-in", "gauss", "gilberts", "henry", "millihenry", "farad", "microfarad", "ohms",
    "siemens", "mole", "becquerel", "PPM", "reserved", "Decibels", "DbA", "DbC", "gray", "sievert",
    "color temp deg K", "bit", "kilobit", "megabit", "gigabit", "byte", "kilobyte", "megabyte", "gigabyte", "word",
    "dword", "qword", "line", "hit", "miss", "retry", "reset", "overflow", "underrun", "collision", "packets",
    "messages", "characters", "error", "correctable error", "uncorrectable error", "fatal error", "grams",
)  # fmt: skip
UNIT_ABBREVIATION: Final[tuple[str, ...]] = (
    "unspecified", "C", "F", "K", "V", "A", "W", "J", "C", "VA", "nits", "lm", "lux", "cd", "KPA", "PSI", "N",
    "CFM", "RPM", "Hz", "us", "ms", "s", "min", "hr", "day", "wk", "mil", "in", "ft", "cu in", "cu feet", "mm",
    "cm", "m", "cu cm", "cu m", "L", "fl oz", "rad", "sr", "rev", "c", "g", "oz", "lb", "ft lB", "oz in", "G",
    "Gi", "H", "mH", "F", "uF", "ohms", "S", "mol", "Bq", "PPM", "Reserved", "dB", "DbA", "DbC", "Gy", "Sv",
    "color temp deg K", "b", "Kb", "Mb", "Gb", "B", "KB", "MB", "GB", "word", "dword", "qword", "line", "hit",
    "miss", "retry", "reset", "overrun / overflow", "underrun", "collision", "pkts", "msgs", "chars", "err",
    "correctable err", "uncorrectable err", "fatal err", "g",
)  # fmt: skip


class RateUnit(IntEnum):
    """Rate unit, Sensor Units 1 bits 5:3 (IPMI v2.0 Table 43-1, byte 21)."""

    NONE = 0
    PER_MICROSECOND = 1
    PER_MILLISECOND = 2
    PER_SECOND = 3
    PER_MINUTE = 4
    PER_HOUR = 5
    PER_DAY = 6


RATE_UNIT_TEXT: Final[tuple[str, ...]] = ("none", "per uS", "per ms", "per s", "per minute", "per hour", "per day")


class ModifierRelation(IntEnum):
    """Modifier unit relation, Sensor Units 1 bits 2:1 (IPMI v2.0 Table 43-1, byte 21)."""

    NONE = 0
    DIVIDE = 1  # "Basic Unit / Modifier Unit"
    MULTIPLY = 2  # "Basic Unit * Modifier Unit"


class AnalogDataFormat(IntEnum):
    """Analog (numeric) data format, Sensor Units 1 bits 7:6 (IPMI v2.0 Table 43-1, byte 21)."""

    UNSIGNED = 0
    ONES_COMPLEMENT = 1
    TWOS_COMPLEMENT = 2
    NO_ANALOG = 3  # "does not return analog (numeric) reading"


class Linearization(IntEnum):
    """Linearization, byte 24 bits 6:0 (IPMI v2.0 Table 43-1; §36.3). 70h-7Fh are non-linear (OEM) formulas."""

    LINEAR = 0x00
    LN = 0x01
    LOG10 = 0x02
    LOG2 = 0x03
    E = 0x04
    EXP10 = 0x05
    EXP2 = 0x06
    ONE_OVER_X = 0x07
    SQR = 0x08
    CUBE = 0x09
    SQRT = 0x0A
    CUBE_ROOT = 0x0B


LINEARIZATION_NON_LINEAR_MIN = 0x70  # 70h-7Fh: "non-linear", use Get Sensor Reading Factors (§35.5)
LINEARIZATION_NON_LINEAR_MAX = 0x7F


class IdStringType(IntEnum):
    """Type bits 7:6 of an SDR ID string type/length byte (IPMI v2.0 §43.15)."""

    UNICODE = 0
    BCD_PLUS = 1
    ASCII_6BIT = 2
    LATIN1 = 3  # "8-bit ASCII + Latin 1"


class EntityId(IntEnum):
    """Entity ID codes (IPMI v2.0 Table 43-13; 40h-42h are DCMI's)."""

    UNSPECIFIED = 0x00
    OTHER = 0x01
    UNKNOWN = 0x02
    PROCESSOR = 0x03
    DISK = 0x04
    PERIPHERAL_BAY = 0x05
    SYSTEM_MANAGEMENT_MODULE = 0x06
    SYSTEM_BOARD = 0x07
    MEMORY_MODULE = 0x08
    PROCESSOR_MODULE = 0x09
    POWER_SUPPLY = 0x0A
    ADD_IN_CARD = 0x0B
    FRONT_PANEL_BOARD = 0x0C
    BACK_PANEL_BOARD = 0x0D
    POWER_SYSTEM_BOARD = 0x0E
    DRIVE_BACKPLANE = 0x0F
    SYSTEM_INTERNAL_EXPANSION_BOARD = 0x10
    OTHER_SYSTEM_BOARD = 0x11
    PROCESSOR_BOARD = 0x12
    POWER_UNIT = 0x13
    POWER_MODULE = 0x14
    POWER_MANAGEMENT = 0x15
    CHASSIS_BACK_PANEL_BOARD = 0x16
    SYSTEM_CHASSIS = 0x17
    SUB_CHASSIS = 0x18
    OTHER_CHASSIS_BOARD = 0x19
    DISK_DRIVE_BAY = 0x1A
    PERIPHERAL_BAY_2 = 0x1B
    DEVICE_BAY = 0x1C
    FAN_COOLING_DEVICE = 0x1D
    COOLING_UNIT = 0x1E
    CABLE_INTERCONNECT = 0x1F
    MEMORY_DEVICE = 0x20
    SYSTEM_MANAGEMENT_SOFTWARE = 0x21
    SYSTEM_FIRMWARE = 0x22
    OPERATING_SYSTEM = 0x23
    SYSTEM_BUS = 0x24
    GROUP = 0x25
    REMOTE_MANAGEMENT_COMMUNICATION_DEVICE = 0x26
    EXTERNAL_ENVIRONMENT = 0x27
    BATTERY = 0x28
    PROCESSING_BLADE = 0x29
    CONNECTIVITY_SWITCH = 0x2A
    PROCESSOR_MEMORY_MODULE = 0x2B
    IO_MODULE = 0x2C
    PROCESSOR_IO_MODULE = 0x2D
    MANAGEMENT_CONTROLLER_FIRMWARE = 0x2E
    IPMI_CHANNEL = 0x2F
    PCI_BUS = 0x30
    PCI_EXPRESS_BUS = 0x31
    SCSI_BUS = 0x32
    SATA_SAS_BUS = 0x33
    PROCESSOR_FRONT_SIDE_BUS = 0x34
    REAL_TIME_CLOCK = 0x35
    AIR_INLET = 0x37
    DCMI_AIR_INLET = 0x40
    DCMI_PROCESSOR = 0x41
    DCMI_BASEBOARD = 0x42


# ipmitool's names (sensor get / sdr -v "Entity ID : 3.1 (Processor)")
ENTITY_ID_TEXT: Final[dict[int, str]] = {
    0x00: "Unspecified", 0x01: "Other", 0x02: "Unknown", 0x03: "Processor", 0x04: "Disk or Disk Bay",
    0x05: "Peripheral Bay", 0x06: "System Management Module", 0x07: "System Board", 0x08: "Memory Module",
    0x09: "Processor Module", 0x0A: "Power Supply", 0x0B: "Add-in Card", 0x0C: "Front Panel Board",
    0x0D: "Back Panel Board", 0x0E: "Power System Board", 0x0F: "Drive Backplane",
    0x10: "System Internal Expansion Board", 0x11: "Other System Board", 0x12: "Processor Board",
    0x13: "Power Unit", 0x14: "Power Module", 0x15: "Power Management", 0x16: "Chassis Back Panel Board",
    0x17: "System Chassis", 0x18: "Sub-Chassis", 0x19: "Other Chassis Board", 0x1A: "Disk Drive Bay",
    0x1B: "Peripheral Bay", 0x1C: "Device Bay", 0x1D: "Fan Device", 0x1E: "Cooling Unit",
    0x1F: "Cable/Interconnect", 0x20: "Memory Device", 0x21: "System Management Software", 0x22: "BIOS",
    0x23: "Operating System", 0x24: "System Bus", 0x25: "Group", 0x26: "Remote Management Device",
    0x27: "External Environment", 0x28: "Battery", 0x29: "Processing Blade", 0x2A: "Connectivity Switch",
    0x2B: "Processor/Memory Module", 0x2C: "I/O Module", 0x2D: "Processor/IO Module",
    0x2E: "Management Controller Firmware", 0x2F: "IPMI Channel", 0x30: "PCI Bus", 0x31: "PCI Express Bus",
    0x32: "SCSI Bus (parallel)", 0x33: "SATA/SAS Bus", 0x34: "Processor/Front-Side Bus",
    0x35: "Real Time Clock(RTC)", 0x37: "Air Inlet", 0x40: "Air Inlet", 0x41: "Processor",
    0x42: "Baseboard/Main System Board",
}  # fmt: skip


def entity_id_text(code: int) -> str:
    """The name of an entity ID (Table 43-13); 90h-AFh chassis-specific, B0h-CFh board-set, D0h-FFh OEM."""
    if code in ENTITY_ID_TEXT:
        return ENTITY_ID_TEXT[code]
    if 0x90 <= code <= 0xAF:
        return "Chassis-specific"
    if 0xB0 <= code <= 0xCF:
        return "Board-set specific"
    if code >= 0xD0:
        return "OEM system integrator defined"
    return "Reserved"


class ThresholdMask(IntFlag):
    """The six thresholds as one bit each: the bit order of the readable/settable threshold masks (Table 43-1
    bytes 19-20) and of the threshold comparison status of Get Sensor Reading (Table 35-15, byte 3)."""

    LOWER_NON_CRITICAL = 0x01
    LOWER_CRITICAL = 0x02
    LOWER_NON_RECOVERABLE = 0x04
    UPPER_NON_CRITICAL = 0x08
    UPPER_CRITICAL = 0x10
    UPPER_NON_RECOVERABLE = 0x20


class OffsetText(NamedTuple):
    """One event offset's text in both reference spellings (None: that client has no text for it)."""

    ipmitool: str | None
    freeipmi: str | None

    def text(self, style: Style) -> str | None:
        return self.ipmitool if style == "ipmitool" else self.freeipmi


def _T(ipmitool: str | None, freeipmi: str | None | Literal[False] = False) -> OffsetText:  # noqa: N802
    return OffsetText(ipmitool, ipmitool if freeipmi is False else freeipmi)


# Generic offsets (Table 42-2), by event/reading type code then offset. The spec's wording is FreeIPMI's; ipmitool
# writes threshold offsets without the dash and pads "going low" with a blank.
GENERIC_OFFSETS: Final[dict[int, dict[int, OffsetText]]] = {
    EventReadingType.THRESHOLD: {
        0x00: _T("Lower Non-critical going low ", "Lower Non-critical - going low"),
        0x01: _T("Lower Non-critical going high", "Lower Non-critical - going high"),
        0x02: _T("Lower Critical going low ", "Lower Critical - going low"),
        0x03: _T("Lower Critical going high", "Lower Critical - going high"),
        0x04: _T("Lower Non-recoverable going low ", "Lower Non-recoverable - going low"),
        0x05: _T("Lower Non-recoverable going high", "Lower Non-recoverable - going high"),
        0x06: _T("Upper Non-critical going low ", "Upper Non-critical - going low"),
        0x07: _T("Upper Non-critical going high", "Upper Non-critical - going high"),
        0x08: _T("Upper Critical going low ", "Upper Critical - going low"),
        0x09: _T("Upper Critical going high", "Upper Critical - going high"),
        0x0A: _T("Upper Non-recoverable going low ", "Upper Non-recoverable - going low"),
        0x0B: _T("Upper Non-recoverable going high", "Upper Non-recoverable - going high"),
    },
    EventReadingType.DMI_USAGE: {
        0x00: _T("Transition to Idle"),
        0x01: _T("Transition to Active"),
        0x02: _T("Transition to Busy"),
    },
    EventReadingType.DIGITAL_STATE: {
        0x00: _T("State Deasserted"),
        0x01: _T("State Asserted"),
    },
    EventReadingType.PREDICTIVE_FAILURE: {
        0x00: _T("Predictive Failure Deasserted", "Predictive Failure deasserted"),
        0x01: _T("Predictive Failure Asserted", "Predictive Failure asserted"),
    },
    EventReadingType.LIMIT: {
        0x00: _T("Limit Not Exceeded"),
        0x01: _T("Limit Exceeded"),
    },
    EventReadingType.PERFORMANCE: {
        0x00: _T("Performance Met"),
        0x01: _T("Performance Lags"),
    },
    EventReadingType.SEVERITY: {
        0x00: _T("Transition to OK", "transition to OK"),
        0x01: _T("Transition to Non-critical from OK", "transition to Non-Critical from OK"),
        0x02: _T("Transition to Critical from less severe", "transition to Critical from less severe"),
        0x03: _T("Transition to Non-recoverable from less severe", "transition to Non-recoverable from less severe"),
        0x04: _T("Transition to Non-critical from more severe", "transition to Non-Critical from more severe"),
        0x05: _T("Transition to Critical from Non-recoverable", "transition to Critical from Non-recoverable"),
        0x06: _T("Transition to Non-recoverable", "transition to Non-recoverable"),
        0x07: _T("Monitor"),
        0x08: _T("Informational"),
    },
    EventReadingType.PRESENCE: {
        0x00: _T("Device Absent", "Device Removed/Device Absent"),
        0x01: _T("Device Present", "Device Inserted/Device Present"),
    },
    EventReadingType.ENABLE: {
        0x00: _T("Device Disabled"),
        0x01: _T("Device Enabled"),
    },
    EventReadingType.AVAILABILITY: {
        0x00: _T("Transition to Running", "transition to Running"),
        0x01: _T("Transition to In Test", "transition to In Test"),
        0x02: _T("Transition to Power Off", "transition to Power Off"),
        0x03: _T("Transition to On Line", "transition to On Line"),
        0x04: _T("Transition to Off Line", "transition to Off Line"),
        0x05: _T("Transition to Off Duty", "transition to Off Duty"),
        0x06: _T("Transition to Degraded", "transition to Degraded"),
        0x07: _T("Transition to Power Save", "transition to Power Save"),
        0x08: _T("Install Error"),
    },
    EventReadingType.REDUNDANCY: {
        0x00: _T("Fully Redundant"),
        0x01: _T("Redundancy Lost"),
        0x02: _T("Redundancy Degraded"),
        0x03: _T("Non-Redundant: Sufficient from Redundant", "Non-redundant:Sufficient Resources from Redundant"),
        0x04: _T(
            "Non-Redundant: Sufficient from Insufficient",
            "Non-redundant:Sufficient Resources from Insufficient Resources",
        ),
        0x05: _T("Non-Redundant: Insufficient Resources", "Non-redundant:Insufficient Resources"),
        0x06: _T("Redundancy Degraded from Fully Redundant"),
        0x07: _T("Redundancy Degraded from Non-Redundant", "Redundancy Degraded from Non-redundant"),
    },
    EventReadingType.ACPI_DEVICE_POWER_STATE: {
        0x00: _T("D0 Power State"),
        0x01: _T("D1 Power State"),
        0x02: _T("D2 Power State"),
        0x03: _T("D3 Power State"),
    },
}

# Sensor-specific offsets (Table 42-3), by sensor type then offset.
SENSOR_SPECIFIC_OFFSETS: Final[dict[int, dict[int, OffsetText]]] = {
    SensorType.PHYSICAL_SECURITY: {
        0x00: _T("General Chassis intrusion", "General Chassis Intrusion"),
        0x01: _T("Drive Bay intrusion"),
        0x02: _T("I/O Card area intrusion"),
        0x03: _T("Processor area intrusion"),
        0x04: _T("System unplugged from LAN", "LAN Leash Lost"),
        0x05: _T("Unauthorized dock"),
        0x06: _T("FAN area intrusion"),
    },
    SensorType.PLATFORM_SECURITY: {
        0x00: _T("Front Panel Lockout violation attempted", "Secure Mode Violation attempt"),
        0x01: _T("Pre-boot password violation - user password", "Pre-boot Password Violation - user password"),
        0x02: _T("Pre-boot password violation - setup password", "Pre-boot Password Violation - setup password"),
        0x03: _T(
            "Pre-boot password violation - network boot password",
            "Pre-boot Password Violation - network boot password",
        ),
        0x04: _T("Other pre-boot password violation", "Other pre-boot Password Violation"),
        0x05: _T("Out-of-band access password violation", "Out-of-band Access Password Violation"),
    },
    SensorType.PROCESSOR: {
        0x00: _T("IERR"),
        0x01: _T("Thermal Trip"),
        0x02: _T("FRB1/BIST failure"),
        0x03: _T("FRB2/Hang in POST failure"),
        0x04: _T("FRB3/Processor startup/init failure", "FRB3/Processor Startup/Initialization failure"),
        0x05: _T("Configuration Error"),
        0x06: _T("SM BIOS Uncorrectable CPU-complex Error", "SM BIOS `Uncorrectable CPU-complex Error'"),
        0x07: _T("Presence detected", "Processor Presence detected"),
        0x08: _T("Disabled", "Processor disabled"),
        0x09: _T("Terminator presence detected", "Terminator Presence Detected"),
        0x0A: _T("Throttled", "Processor Automatically Throttled"),
        0x0B: _T("Uncorrectable machine check exception", "Machine Check Exception"),
        0x0C: _T("Correctable machine check error", "Correctable Machine Check Error"),
    },
    SensorType.POWER_SUPPLY: {
        0x00: _T("Presence detected"),
        0x01: _T("Failure detected", "Power Supply Failure detected"),
        0x02: _T("Predictive failure", "Predictive Failure"),
        0x03: _T("Power Supply AC lost", "Power Supply input lost (AC/DC)"),
        0x04: _T("AC lost or out-of-range", "Power Supply input lost or out-of-range"),
        0x05: _T("AC out-of-range, but present", "Power Supply input out-of-range, but present"),
        0x06: _T("Config Error", "Configuration error"),
        0x07: _T("Power Supply Inactive"),
    },
    SensorType.POWER_UNIT: {
        0x00: _T("Power off/down", "Power Off/Power Down"),
        0x01: _T("Power cycle", "Power Cycle"),
        0x02: _T("240VA power down", "240VA Power Down"),
        0x03: _T("Interlock power down", "Interlock Power Down"),
        0x04: _T("AC lost", "AC lost/Power input lost"),
        0x05: _T("Soft-power control failure", "Soft Power Control Failure"),
        0x06: _T("Failure detected", "Power Unit Failure detected"),
        0x07: _T("Predictive failure", "Predictive Failure"),
    },
    SensorType.MEMORY: {
        0x00: _T("Correctable ECC", "Correctable memory error"),
        0x01: _T("Uncorrectable ECC", "Uncorrectable memory error"),
        0x02: _T("Parity"),
        0x03: _T("Memory Scrub Failed"),
        0x04: _T("Memory Device Disabled"),
        0x05: _T("Correctable ECC logging limit reached", "Correctable memory error logging limit reached"),
        0x06: _T("Presence Detected", "Presence detected"),
        0x07: _T("Configuration Error", "Configuration error"),
        0x08: _T("Spare"),
        0x09: _T("Throttled", "Memory Automatically Throttled"),
        0x0A: _T("Critical Overtemperature"),
    },
    SensorType.DRIVE_SLOT: {
        0x00: _T("Drive Present", "Drive Presence"),
        0x01: _T("Drive Fault"),
        0x02: _T("Predictive Failure"),
        0x03: _T("Hot Spare"),
        0x04: _T("Parity Check In Progress", "Consistency Check / Parity Check in progress"),
        0x05: _T("In Critical Array"),
        0x06: _T("In Failed Array"),
        0x07: _T("Rebuild In Progress", "Rebuild/Remap in progress"),
        0x08: _T("Rebuild Aborted", "Rebuild/Remap Aborted"),
    },
    SensorType.SYSTEM_FIRMWARE_PROGRESS: {
        0x00: _T("Unknown Error", "System Firmware Error"),
        0x01: _T("Unknown Hang", "System Firmware Hang"),
        0x02: _T("Unknown Progress", "System Firmware Progress"),
    },
    SensorType.EVENT_LOGGING_DISABLED: {
        0x00: _T("Correctable memory error logging disabled", "Correctable Memory Error Logging Disabled"),
        0x01: _T("Event logging disabled", "Event Type Logging Disabled"),
        0x02: _T("Log area reset/cleared", "Log Area Reset/Cleared"),
        0x03: _T("All event logging disabled", "All Event Logging Disabled"),
        0x04: _T("Log full", "SEL Full"),
        0x05: _T("Log almost full", "SEL Almost Full"),
        0x06: _T(None, "Correctable Machine Check Error Logging Disabled"),
    },
    SensorType.WATCHDOG_1: {
        0x00: _T("BIOS Reset", "BIOS Watchdog Reset"),
        0x01: _T("OS Reset", "OS Watchdog Reset"),
        0x02: _T("OS Shut Down", "OS Watchdog Shut Down"),
        0x03: _T("OS Power Down", "OS Watchdog Power Down"),
        0x04: _T("OS Power Cycle", "OS Watchdog Power Cycle"),
        0x05: _T("OS NMI/Diag Interrupt", "OS Watchdog NMI/Diagnostic Interrupt"),
        0x06: _T("OS Expired", "OS Watchdog Expired, status only"),
        0x07: _T("OS pre-timeout Interrupt", "OS Watchdog pre-timeout Interrupt, non-NMI"),
    },
    SensorType.SYSTEM_EVENT: {
        0x00: _T("System Reconfigured"),
        0x01: _T("OEM System boot event", "OEM System Boot Event"),
        0x02: _T("Undetermined system hardware failure"),
        0x03: _T("Entry added to auxiliary log", "Entry added to Auxiliary Log"),
        0x04: _T("PEF Action"),
        0x05: _T("Timestamp Clock Sync", "Timestamp Clock Synch"),
    },
    SensorType.CRITICAL_INTERRUPT: {
        0x00: _T("NMI/Diag Interrupt", "Front Panel NMI/Diagnostic Interrupt"),
        0x01: _T("Bus Timeout"),
        0x02: _T("I/O Channel check NMI", "I/O channel check NMI"),
        0x03: _T("Software NMI"),
        0x04: _T("PCI PERR"),
        0x05: _T("PCI SERR"),
        0x06: _T("EISA failsafe timeout", "EISA Fail Safe Timeout"),
        0x07: _T("Bus Correctable error", "Bus Correctable Error"),
        0x08: _T("Bus Uncorrectable error", "Bus Uncorrectable Error"),
        0x09: _T("Fatal NMI"),
        0x0A: _T("Bus Fatal Error"),
        0x0B: _T("Bus Degraded"),
    },
    SensorType.BUTTON_SWITCH: {
        0x00: _T("Power Button pressed"),
        0x01: _T("Sleep Button pressed"),
        0x02: _T("Reset Button pressed"),
        0x03: _T("FRU Latch", "FRU latch open"),
        0x04: _T("FRU Service", "FRU service request button"),
    },
    SensorType.CHIP_SET: {
        0x00: _T("Soft Power Control Failure"),
        0x01: _T("Thermal Trip"),
    },
    SensorType.CABLE_INTERCONNECT: {
        0x00: _T("Connected", "Cable/Interconnect is connected"),
        0x01: _T("Config Error", "Configuration Error - Incorrect cable connected"),
    },
    SensorType.SYSTEM_BOOT_INITIATED: {
        0x00: _T("Initiated by power up"),
        0x01: _T("Initiated by hard reset"),
        0x02: _T("Initiated by warm reset"),
        0x03: _T("User requested PXE boot"),
        0x04: _T("Automatic boot to diagnostic"),
        0x05: _T("OS initiated hard reset", "OS / run-time software initiated hard reset"),
        0x06: _T("OS initiated warm reset", "OS / run-time software initiated warm reset"),
        0x07: _T("System Restart"),
    },
    SensorType.BOOT_ERROR: {
        0x00: _T("No bootable media"),
        0x01: _T("Non-bootable disk in drive", "Non-bootable diskette left in drive"),
        0x02: _T("PXE server not found", "PXE Server not found"),
        0x03: _T("Invalid boot sector"),
        0x04: _T("Timeout waiting for selection", "Timeout waiting for user selection of boot source"),
    },
    SensorType.OS_BOOT: {
        0x00: _T("A: boot completed"),
        0x01: _T("C: boot completed"),
        0x02: _T("PXE boot completed"),
        0x03: _T("Diagnostic boot completed"),
        0x04: _T("CD-ROM boot completed"),
        0x05: _T("ROM boot completed"),
        0x06: _T("boot completed - device not specified", "boot completed - boot device not specified"),
        0x07: _T("Installation started", "Base OS/Hypervisor Installation started"),
        0x08: _T("Installation completed", "Base OS/Hypervisor Installation completed"),
        0x09: _T("Installation aborted", "Base OS/Hypervisor Installation aborted"),
        0x0A: _T("Installation failed", "Base OS/Hypervisor Installation failed"),
    },
    SensorType.OS_CRITICAL_STOP: {
        0x00: _T("Error during system startup", "Critical stop during OS load"),
        0x01: _T("Run-time critical stop", "Run-time Critical Stop"),
        0x02: _T("OS graceful stop", "OS Graceful Stop"),
        0x03: _T("OS graceful shutdown", "OS Graceful Shutdown"),
        0x04: _T("PEF initiated soft shutdown", "Soft Shutdown initiated by PEF"),
        0x05: _T("Agent not responding", "Agent Not Responding"),
    },
    SensorType.SLOT_CONNECTOR: {
        0x00: _T("Fault Status", "Fault Status asserted"),
        0x01: _T("Identify Status", "Identify Status asserted"),
        0x02: _T("Device Installed", "Slot/Connector Device installed/attached"),
        0x03: _T("Ready for Device Installation", "Slot/Connector Ready for Device Installation"),
        0x04: _T("Ready for Device Removal", "Slot/Connector Ready for Device Removal"),
        0x05: _T("Slot Power is Off"),
        0x06: _T("Device Removal Request", "Slot/Connector Device Removal Request"),
        0x07: _T("Interlock", "Interlock asserted"),
        0x08: _T("Slot is Disabled"),
        0x09: _T("Spare Device", "Slot holds spare device"),
    },
    SensorType.SYSTEM_ACPI_POWER_STATE: {
        0x00: _T("S0/G0: working", "S0/G0"),
        0x01: _T("S1: sleeping with system hw & processor context maintained", "S1"),
        0x02: _T("S2: sleeping, processor context lost", "S2"),
        0x03: _T("S3: sleeping, processor & hw context lost, memory retained", "S3"),
        0x04: _T("S4: non-volatile sleep/suspend-to-disk", "S4"),
        0x05: _T("S5/G2: soft-off", "S5/G2"),
        0x06: _T("S4/S5: soft-off", "S4/S5 soft-off"),
        0x07: _T("G3: mechanical off", "G3/Mechanical Off"),
        0x08: _T("Sleeping in S1/S2/S3 state", "Sleeping in an S1, S2, or S3 states"),
        0x09: _T("G1: sleeping", "G1 sleeping"),
        0x0A: _T("S5: entered by override", "S5 entered by override"),
        0x0B: _T("Legacy ON state"),
        0x0C: _T("Legacy OFF state"),
        0x0D: _T(None, "Unspecified"),
        0x0E: _T("Unknown"),
    },
    SensorType.WATCHDOG_2: {
        0x00: _T("Timer expired", "Timer expired, status only"),
        0x01: _T("Hard reset", "Hard Reset"),
        0x02: _T("Power down", "Power Down"),
        0x03: _T("Power cycle", "Power Cycle"),
        0x04: _T("reserved"),
        0x05: _T("reserved"),
        0x06: _T("reserved"),
        0x07: _T("reserved"),
        0x08: _T("Timer interrupt"),
    },
    SensorType.PLATFORM_ALERT: {
        0x00: _T("Platform generated page", "platform generated page"),
        0x01: _T("Platform generated LAN alert", "platform generated LAN alert"),
        0x02: _T("Platform Event Trap generated"),
        0x03: _T("Platform generated SNMP trap, OEM format", "platform generated SNMP trap, OEM format"),
    },
    SensorType.ENTITY_PRESENCE: {
        0x00: _T("Present", "Entity Present"),
        0x01: _T("Absent", "Entity Absent"),
        0x02: _T("Disabled", "Entity Disabled"),
    },
    SensorType.LAN: {
        0x00: _T("Heartbeat Lost", "LAN Heartbeat Lost"),
        0x01: _T("Heartbeat", "LAN Heartbeat"),
    },
    SensorType.MANAGEMENT_SUBSYSTEM_HEALTH: {
        0x00: _T("Sensor access degraded or unavailable", "sensor access degraded or unavailable"),
        0x01: _T("Controller access degraded or unavailable", "controller access degraded or unavailable"),
        0x02: _T("Management controller off-line", "management controller off-line"),
        0x03: _T("Management controller unavailable", "management controller unavailable"),
        0x04: _T("Sensor failure", "sensor failure"),
        0x05: _T("FRU failure"),
    },
    SensorType.BATTERY: {
        0x00: _T("Low", "battery low"),
        0x01: _T("Failed", "battery failed"),
        0x02: _T("Presence Detected", "battery presence detected"),
    },
    SensorType.SESSION_AUDIT: {
        0x00: _T(None, "Session Activated"),
        0x01: _T(None, "Session Deactivated"),
        0x02: _T(None, "Invalid Username or Password"),
        0x03: _T(None, "Invalid Password Disable"),
    },
    SensorType.VERSION_CHANGE: {
        0x00: _T("Hardware change detected", "Hardware change detected with associated Entity"),
        0x01: _T(None, "Firmware or software change detected with associated Entity"),
        0x02: _T("Hardware incompatibility detected", "Hardware incompatibility detected with associated Entity"),
        0x03: _T(
            "Firmware or software incompatibility detected",
            "Firmware or software incompatibility detected with associated Entity",
        ),
        0x04: _T("Invalid or unsupported hardware version", "Entity is of an invalid or unsupported hardware version"),
        0x05: _T(
            "Invalid or unsupported firmware or software version",
            "Entity contains an invalid or unsupported firmware or software version",
        ),
        0x06: _T("Hardware change success", "Hardware Change detected with associated Entity was successful"),
        0x07: _T(None, "Software or F/W Change detected with associated Entity was successful"),
    },
    SensorType.FRU_STATE: {
        0x00: _T("Not Installed", "FRU Not Installed"),
        0x01: _T("Inactive", "FRU Inactive"),
        0x02: _T("Activation Requested", "FRU Activation Requested"),
        0x03: _T("Activation in Progress", "FRU Activation In Progress"),
        0x04: _T("Active", "FRU Active"),
        0x05: _T("Deactivation Requested", "FRU Deactivation Requested"),
        0x06: _T("Deactivation in Progress", "FRU Deactivation In Progress"),
        0x07: _T("Communication lost", "FRU Communication Lost"),
    },
}

# PICMG 3.0 (AdvancedTCA) sensor types in the OEM range, which ipmitool decodes on every BMC (FreeIPMI only with
# its OEM interpretation, which we do not follow).
SENSOR_SPECIFIC_OFFSETS.update({
    0xF0: {i: _T(f"Transition to M{i}", None) for i in range(8)},
    0xF1: {
        0x00: _T("IPMB-A disabled, IPMB-B disabled", None),
        0x01: _T("IPMB-A enabled, IPMB-B disabled", None),
        0x02: _T("IPMB-A disabled, IPMB-B enabled", None),
        0x03: _T("IPMB-A enabled, IPMB-B enabled", None),
    },
    0xF2: {0x00: _T("Module Handle Closed", None), 0x01: _T("Module Handle Opened", None), 0x02: _T("Quiesced", None)},
})

# ipmitool's texts chosen by event data 2 (Table 42-3: power supply configuration error type, system firmware
# error/hang/progress codes, version change type), by (sensor type, offset) then event data 2.
IPMITOOL_EVENT_DATA2_TEXT: Final[dict[tuple[int, int], dict[int, str]]] = {
    (0x08, 0x06): {
        0x00: "Config Error: Vendor Mismatch",
        0x01: "Config Error: Revision Mismatch",
        0x02: "Config Error: Processor Missing",
        0x03: "Config Error: Power Supply Rating Mismatch",
        0x04: "Config Error: Voltage Rating Mismatch",
    },
    (0x0F, 0x00): {
        0x00: "Unspecified",
        0x01: "No system memory installed",
        0x02: "No usable system memory",
        0x03: "Unrecoverable IDE device failure",
        0x04: "Unrecoverable system-board failure",
        0x05: "Unrecoverable diskette failure",
        0x06: "Unrecoverable hard-disk controller failure",
        0x07: "Unrecoverable PS/2 or USB keyboard failure",
        0x08: "Removable boot media not found",
        0x09: "Unrecoverable video controller failure",
        0x0A: "No video device selected",
        0x0B: "BIOS corruption detected",
        0x0C: "CPU voltage mismatch",
        0x0D: "CPU speed mismatch failure",
    },
    (0x0F, 0x01): {
        0x00: "Unspecified",
        0x01: "Memory initialization",
        0x02: "Hard-disk initialization",
        0x03: "Secondary CPU Initialization",
        0x04: "User authentication",
        0x05: "User-initiated system setup",
        0x06: "USB resource configuration",
        0x07: "PCI resource configuration",
        0x08: "Option ROM initialization",
        0x09: "Video initialization",
        0x0A: "Cache initialization",
        0x0B: "SMBus initialization",
        0x0C: "Keyboard controller initialization",
        0x0D: "Management controller initialization",
        0x0E: "Docking station attachment",
        0x0F: "Enabling docking station",
        0x10: "Docking station ejection",
        0x11: "Disabling docking station",
        0x12: "Calling operating system wake-up vector",
        0x13: "System boot initiated",
        0x14: "Motherboard initialization",
        0x15: "reserved",
        0x16: "Floppy initialization",
        0x17: "Keyboard test",
        0x18: "Pointing device test",
        0x19: "Primary CPU initialization",
    },
    (0x0F, 0x02): {
        0x00: "Unspecified",
        0x01: "Memory initialization",
        0x02: "Hard-disk initialization",
        0x03: "Secondary CPU Initialization",
        0x04: "User authentication",
        0x05: "User-initiated system setup",
        0x06: "USB resource configuration",
        0x07: "PCI resource configuration",
        0x08: "Option ROM initialization",
        0x09: "Video initialization",
        0x0A: "Cache initialization",
        0x0B: "SMBus initialization",
        0x0C: "Keyboard controller initialization",
        0x0D: "Management controller initialization",
        0x0E: "Docking station attachment",
        0x0F: "Enabling docking station",
        0x10: "Docking station ejection",
        0x11: "Disabling docking station",
        0x12: "Calling operating system wake-up vector",
        0x13: "System boot initiated",
        0x14: "Motherboard initialization",
        0x15: "reserved",
        0x16: "Floppy initialization",
        0x17: "Keyboard test",
        0x18: "Pointing device test",
        0x19: "Primary CPU initialization",
    },
    (0x2B, 0x01): {
        0x00: "Firmware or software change detected",
        0x01: "Firmware or software change detected, Mngmt Ctrl Dev Id",
        0x02: "Firmware or software change detected, Mngmt Ctrl Firm Rev",
        0x03: "Firmware or software change detected, Mngmt Ctrl Dev Rev",
        0x04: "Firmware or software change detected, Mngmt Ctrl Manuf Id",
        0x05: "Firmware or software change detected, Mngmt Ctrl IPMI Vers",
        0x06: "Firmware or software change detected, Mngmt Ctrl Aux Firm Id",
        0x07: "Firmware or software change detected, Mngmt Ctrl Firm Boot Block",
        0x08: "Firmware or software change detected, Mngmt Ctrl Other",
        0x09: "Firmware or software change detected, BIOS/EFI change",
        0x0A: "Firmware or software change detected, SMBIOS change",
        0x0B: "Firmware or software change detected, O/S change",
        0x0C: "Firmware or software change detected, O/S loader change",
        0x0D: "Firmware or software change detected, Service Diag change",
        0x0E: "Firmware or software change detected, Mngmt SW agent change",
        0x0F: "Firmware or software change detected, Mngmt SW App change",
        0x10: "Firmware or software change detected, Mngmt SW Middle",
        0x11: "Firmware or software change detected, Prog HW Change (FPGA)",
        0x12: "Firmware or software change detected, board/FRU module change",
        0x13: "Firmware or software change detected, board/FRU component change",
        0x14: "Firmware or software change detected, board/FRU replace equ ver",
        0x15: "Firmware or software change detected, board/FRU replace new ver",
        0x16: "Firmware or software change detected, board/FRU replace old ver",
        0x17: "Firmware or software change detected, board/FRU HW conf change",
    },
    (0x2B, 0x07): {
        0x00: "Firmware or software change success",
        0x01: "Firmware or software change success, Mngmt Ctrl Dev Id",
        0x02: "Firmware or software change success, Mngmt Ctrl Firm Rev",
        0x03: "Firmware or software change success, Mngmt Ctrl Dev Rev",
        0x04: "Firmware or software change success, Mngmt Ctrl Manuf Id",
        0x05: "Firmware or software change success, Mngmt Ctrl IPMI Vers",
        0x06: "Firmware or software change success, Mngmt Ctrl Aux Firm Id",
        0x07: "Firmware or software change success, Mngmt Ctrl Firm Boot Block",
        0x08: "Firmware or software change success, Mngmt Ctrl Other",
        0x09: "Firmware or software change success, BIOS/EFI change",
        0x0A: "Firmware or software change success, SMBIOS change",
        0x0B: "Firmware or software change success, O/S change",
        0x0C: "Firmware or software change success, O/S loader change",
        0x0D: "Firmware or software change success, Service Diag change",
        0x0E: "Firmware or software change success, Mngmt SW agent change",
        0x0F: "Firmware or software change success, Mngmt SW App change",
        0x10: "Firmware or software change success, Mngmt SW Middle",
        0x11: "Firmware or software change success, Prog HW Change (FPGA)",
        0x12: "Firmware or software change success, board/FRU module change",
        0x13: "Firmware or software change success, board/FRU component change",
        0x14: "Firmware or software change success, board/FRU replace equ ver",
        0x15: "Firmware or software change success, board/FRU replace new ver",
        0x16: "Firmware or software change success, board/FRU replace old ver",
        0x17: "Firmware or software change success, board/FRU HW conf change",
    },
}


def event_offset_text(
    event_reading_type: int,
    sensor_type: int,
    offset: int,
    style: Style = "ipmitool",
    event_data2: int | None = None,
) -> str | None:
    """The text of one event offset: generic (Table 42-2) or sensor-specific (Table 42-3), None if undefined.

    ``event_data2`` (only when event data 1 says byte 2 holds sensor-specific or OEM data) selects ipmitool's
    finer texts, e.g. the power supply configuration error type or the BIOS POST code (Table 42-3's event data 2).
    """
    if event_reading_type == EventReadingType.SENSOR_SPECIFIC:
        if style == "ipmitool" and event_data2 is not None:
            finer = IPMITOOL_EVENT_DATA2_TEXT.get((sensor_type, offset))
            if finer is not None and event_data2 in finer:
                return finer[event_data2]
        entry = SENSOR_SPECIFIC_OFFSETS.get(sensor_type, {}).get(offset)
    else:
        entry = GENERIC_OFFSETS.get(event_reading_type, {}).get(offset)
    return None if entry is None else entry.text(style)
