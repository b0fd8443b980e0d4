"""IANA private enterprise numbers (the manufacturer IDs of Get Device ID, FRU OEM records and SEL OEM records)
with the names ipmitool prints for them (its ``ipmi_oem_info`` table), for the vendors BMCs commonly come from.

A module of its own, without enums, so that ``mc info`` does not pay for the sensor tables.
"""

from __future__ import annotations

#: IANA enterprise numbers of BMC vendors, as ipmitool names them
MANUFACTURERS: dict[int, str] = {
    2: "IBM", 9: "Cisco", 11: "Hewlett-Packard", 42: "Sun Microsystems", 343: "Intel Corporation", 674: "DELL Inc",
    2011: "Huawei Technologies Co., Ltd.", 2623: "ASUSTeK Computer Inc.", 7154: "Peppercon AG",
    7244: "Quanta Computer Inc.", 10368: "FUJITSU", 10876: "Supermicro", 15370: "Giga-Byte Technology Co., Ltd.",
    19046: "Lenovo", 20569: "Inventec Corporation", 32473: "Example Enterprise Number for Documentation Use",
    37945: "Inspur", 47196: "Hewlett Packard Enterprise", 49622: "OpenBMC",
}


def manufacturer_name(iana: int) -> str:
    """ipmitool's name for an IANA enterprise number (``ipmi_oem_info``), "Unknown (0x...)" for the others."""
    return MANUFACTURERS.get(iana, f"Unknown (0x{iana:X})")
