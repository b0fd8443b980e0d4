"""IANA private enterprise numbers: the manufacturer IDs of Get Device ID, FRU OEM records and SEL OEM records.

ipmitool 1.8.19 names them from the IANA registry file, read at run time (Debian: package ``ipmitool``,
``/usr/share/misc/enterprise-numbers.txt``), so this does too: the line
after the number, as the registry spells it ("Dell Inc.", "Super Micro Computer Inc."), and "Unknown (0xFFFF28)"
for a number the registry does not list. Without the file, the few vendors of ``MANUFACTURERS`` are named, with
the registry's spelling.
"""

from __future__ import annotations

#: where ipmitool finds the registry
REGISTRY_PATHS = ("/usr/share/misc/enterprise-numbers.txt", "/usr/share/misc/enterprise-numbers")

#: the registry's names of BMC vendors, for machines without the registry file
MANUFACTURERS: dict[int, str] = {
    2: "IBM (https://w3.ibm.com/standards )", 9: "ciscoSystems", 11: "Hewlett-Packard", 42: "Sun Microsystems",
    343: "Intel Corporation", 674: "Dell Inc.", 2011: "HUAWEI Technology Co.,Ltd", 2623: "ASUSTek Computer Inc.",
    7154: "Intelligent Platform Management Interface forum", 7244: "Quanta Computer Inc.",
    10876: "Super Micro Computer Inc.", 19046: "Lenovo Enterprise Business Group",
    32473: "Example Enterprise Number for Documentation Use", 47196: "Hewlett Packard Enterprise",
    49622: "ASRock Rack Incorporation",
}


def manufacturer_name(iana: int, paths: tuple[str, ...] = REGISTRY_PATHS) -> str:
    """The registry's name for an IANA enterprise number, as ipmitool prints it."""
    for path in paths:
        try:
            with open(path, "rb") as f:
                registry = f.read()
        except OSError:
            continue
        key = b"\n%d\n" % iana
        at = registry.find(key)
        if at < 0:
            break
        start = at + len(key)
        end = registry.find(b"\n", start)
        return registry[start : end if end >= 0 else len(registry)].strip().decode("utf-8", "replace")
    else:
        if iana in MANUFACTURERS:
            return MANUFACTURERS[iana]
    return f"Unknown (0x{iana:X})"
