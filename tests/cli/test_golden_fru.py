"""FRU devices with MultiRecord areas, FRU file IDs and a bad checksum, loaded into ipmi_sim at run time (its
emulator console: ``mc_add_fru_data``); ``ipmifast fru print`` prints what ``ipmitool fru print`` prints, with
and without ``-v`` (ipmitool 1.8.19 shows the FRU file IDs and the MultiRecords only with ``-v``).

SEL records of every kind added the same way (``sel_add``): OEM timestamped and non-timestamped, a "Linux kernel
panic" F0h record, a record type the spec leaves undefined, generic-discrete and OEM event types; ``sel list``,
``sel elist`` and their ``-v`` forms print what ipmitool prints.

Also: manufacturer names as ipmitool prints them (the IANA registry), for controllers behind the BMC reached by
bridging (``-t``), whose manufacturer IDs ipmi_sim lets us choose.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.records import fru
from ipmifast.records.fru import FruField, FruInventory, MultiRecord
from tests.interop.conftest import SimBmc, stop_ipmi_sim

from .conftest import both, emulator, start_console_bmc

pytestmark = pytest.mark.interop

SLOT = 16
UNASSIGNED = 0x0FFF28  # not in the IANA registry, and 20 bits as Get Device ID's manufacturer ID field is
FRU_SIZE = 512  # padded as an EEPROM is

PSU = fru.PowerSupplyInformation(
    overall_capacity=800, peak_va=900, inrush_current=40, inrush_interval=5, low_input_voltage_1=9000,
    high_input_voltage_1=14000, low_input_voltage_2=18000, high_input_voltage_2=26400, low_input_frequency=47,
    high_input_frequency=63, ac_dropout_tolerance=20, flags=0x1F, peak_wattage=900, hold_up_time=2,
    combined_voltage_1=0, combined_voltage_2=2, total_combined_wattage=400, tachometer_lower_threshold=3,
)  # fmt: skip
PSU_PLAIN = fru.PowerSupplyInformation(overall_capacity=460, peak_va=0xFFFF, inrush_current=0xFF,
                                       flags=0x06)  # fmt: skip
DC_OUT = fru.DcOutput(standby=True, output_number=1, nominal_voltage=1200, max_negative_deviation=-60,
                      max_positive_deviation=60, ripple_and_noise=120, min_current=100, max_current=50000)
DC_LOAD = fru.DcLoad(output_number=2, nominal_voltage=-1200, min_voltage=-1260, max_voltage=-1140,
                     ripple_and_noise=50, min_current=0, max_current=1500)
RECORDS = (
    MultiRecord(type_id=0x00, data=fru.encode_power_supply_information(PSU)),
    MultiRecord(type_id=0x00, data=fru.encode_power_supply_information(PSU_PLAIN)),
    MultiRecord(type_id=0x01, data=fru.encode_dc_output(DC_OUT)),
    MultiRecord(type_id=0x02, data=fru.encode_dc_load(DC_LOAD)),
    MultiRecord(type_id=0x03, data=fru.encode_management_access(
        fru.ManagementAccess(sub_record_type=fru.ManagementAccessType.SYSTEM_NAME, data=b"rack7-node3"))),
    MultiRecord(type_id=0x04, data=fru.encode_base_compatibility(fru.BaseCompatibility(
        manufacturer_id=32473, entity_id=0x0A, compatibility_base=1, code_start=3, code_range_mask=b"\x0f"))),
    MultiRecord(type_id=0xC0, data=(32473).to_bytes(3, "little") + b"\x01\x02"),
    MultiRecord(type_id=0xC0, data=(12345).to_bytes(3, "little") + b"\x01"),
    MultiRecord(type_id=0xC0, data=(UNASSIGNED).to_bytes(3, "little")),
    MultiRecord(type_id=0xD2, data=b"\x01\x02\x03"),
)  # fmt: skip
INVENTORY = FruInventory(
    board=fru.BoardInfo(mfg_minutes=15_000_000, manufacturer=FruField.of("ipmifast"),
                        product_name=FruField.of("PSU Board"), serial_number=FruField.of("PSU0001"),
                        part_number=FruField.of("PS-800"), fru_file_id=FruField.of("board-v3.bin")),
    product=fru.ProductInfo(manufacturer=FruField.of("ipmifast"), product_name=FruField.of("PSU 800"),
                            fru_file_id=FruField.of("product-v1.bin")),
    multirecords=RECORDS,
)  # fmt: skip


#: sel_add MC TYPE then the 13 bytes after the record type (ipmi_sim sets the timestamps of types below E0h)
SEL_RECORDS = (
    "0xc1 0 0 0 0 0xd9 0x7e 0x00 0x41 0x42 0x43 0x00 0x7f 0x10",  # OEM timestamped, printable and not
    "0xe5 0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08 0x09 0x0a 0x0b 0x0c 0x0d",  # OEM non-timestamped
    "0xf0 0x00 0x00 0x4f 0x6f 0x70 0x73 0x21 0x20 0x62 0x75 0x67 0x00 0x00",  # "Linux kernel panic": "Oops! bug"
    "0x10 0 0 0 0 0x20 0x00 0x04 0x05 0x0a 0x6f 0x00 0xff 0xff",  # undefined record type 10h
    "0x02 0 0 0 0 0x21 0x00 0x04 0x07 0x30 0x03 0x01 0xff 0xff",  # generic discrete (03h), software generator
    "0x02 0 0 0 0 0x20 0x00 0x04 0xc5 0x40 0x75 0x02 0x11 0x22",  # OEM sensor type and event type
)


def fru_command(fru_id: int, image: bytes, directory: Path) -> str:
    """Load ``image`` as FRU ``fru_id`` of the BMC from a file (the console truncates long ``data`` lines)."""
    path = directory / f"fru{fru_id}.bin"
    path.write_bytes(image)
    return f'mc_add_fru_data 0x20 {fru_id} {len(image)} file 0 "{path}"'


@pytest.fixture(scope="module")
def bmc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    sim = start_console_bmc(tmp_path_factory.mktemp("cli-fru"), SLOT)
    try:
        image = fru.encode_fru(INVENTORY, size=FRU_SIZE)
        bad = bytearray(fru.encode_fru(FruInventory(board=INVENTORY.board), size=FRU_SIZE))
        bad[8 + 9] ^= 0x01  # a board field byte: the board area checksum no longer adds up
        emulator(sim, fru_command(1, image, sim.state_dir), fru_command(2, bytes(bad), sim.state_dir))
        emulator(sim, *(f"sel_add 0x20 {record}" for record in SEL_RECORDS))
        for i, iana in enumerate((674, 12345, 7154, 10876, UNASSIGNED)):
            address = 0x40 + 2 * i
            emulator(sim, f"mc_add 0x{address:02x} 0x05 no-device-sdrs 0x02 1 0x23 0x01 {iana} 0x0202",
                     f"mc_enable 0x{address:02x}")  # fmt: skip
        yield sim
    finally:
        stop_ipmi_sim(sim)



@pytest.mark.parametrize("verb", [("-v", "fru", "print", "1"), ("fru", "print", "1"), ("-v", "fru", "print"),
                                  ("fru", "print", "0"), ("-v", "fru", "print", "0")], ids=" ".join)  # fmt: skip
def test_fru_print_like_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    theirs, mine = both(bmc, password_file, *verb)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.returncode == 0 and mine.stderr == "", mine.stderr
    assert mine.stdout == theirs.stdout
    if verb == ("-v", "fru", "print", "1"):  # what the comparison covers
        for text in (" Power Supply Record", " DC Output Record", " DC Load Record", "  OEM (VWB Group) Record",
                     "  OEM (Unknown (0xFFF28)) Record", " Board FRU ID          : board-v3.bin",
                     "  Flags                      : 'Predictive fail' 'Power factor correction' "
                     "'Autoswitch voltage' 'Hot swap' 'Two pulses per rotation'"):  # fmt: skip
            assert text + "\n" in mine.stdout


def test_json_carries_every_multirecord(bmc: SimBmc, password_file: Path) -> None:
    _, mine = both(bmc, password_file, "--json", "fru", "print", "1")
    value = json.loads(mine.stdout)
    assert [r["type_id"] for r in value["multirecords"]] == [r.type_id for r in RECORDS]
    assert value["board"]["mfg_minutes"] == 15_000_000 and value["product"]["product_name"]["data"]


def test_a_bad_checksum_is_reported_not_fatal(bmc: SimBmc, password_file: Path) -> None:
    theirs, mine = both(bmc, password_file, "fru", "print", "2")
    assert mine.returncode == 0
    (line,) = mine.stderr.splitlines()
    assert line.startswith(f"ipmifast: {bmc.addr}: FRU 2: FRU board info area: bad checksum ")
    assert line.endswith(" (fields shown as read)")
    assert " Board Mfg             : iplifast" in mine.stdout  # the changed byte, shown as read
    assert mine.stdout == theirs.stdout  # ipmitool 1.8.19 does not check area checksums


@pytest.mark.parametrize("verb", [("sel", "list"), ("sel", "elist"), ("-v", "sel", "list"), ("-v", "sel", "elist")],
                         ids=" ".join)  # fmt: skip
def test_every_kind_of_sel_record_like_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    theirs, mine = both(bmc, password_file, *verb)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.returncode == 0 and mine.stderr == "", mine.stderr
    assert mine.stdout == theirs.stdout
    if verb[0] == "-v":
        for text in ("(OEM timestamped)", "(OEM non-timestamped)", "Linux kernel panic (OEM record f0)",
                     " Event Type            : Generic Discrete", " Event Type            : OEM"):  # fmt: skip
            assert text in mine.stdout


@pytest.mark.parametrize("address", [0x40, 0x42, 0x44, 0x46, 0x48])
def test_manufacturer_names_as_ipmitool_prints_them(bmc: SimBmc, password_file: Path, address: int) -> None:
    theirs, mine = both(bmc, password_file, "-t", f"0x{address:02x}", "mc", "info")
    assert mine.stdout == theirs.stdout and "Manufacturer Name" in mine.stdout
