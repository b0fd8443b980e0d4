"""FRU inventory against the test bed: FRU 0 as ipmitool read it from ipmi_sim (f2 capture), as bmc.emu defines
it, and as ``ipmitool fru print`` / ``ipmi-fru`` printed it in VERIFIED.md."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipmifast.errors import CompletionCodeError, DecodeError, LocalProtocolError
from ipmifast.records import fru
from ipmifast.records.fru import (
    BoardInfo,
    ChassisInfo,
    ChassisType,
    FruField,
    FruFieldType,
    FruInventory,
    MultiRecord,
    ProductInfo,
    decode_fru,
    encode_fru,
)
from ipmifast.records.sdr import StorageCmd

from .data import capture_fru, emu_fru, verified
from .strategies import fru_inventories

T = FruField.of

EXPECTED = FruInventory(
    chassis=ChassisInfo(chassis_type=ChassisType.RACK_MOUNT_CHASSIS, part_number=T("IPMIFAST-CH-01"),
                        serial_number=T("CH0000001")),
    board=BoardInfo(language=0, mfg_minutes=14747520, manufacturer=T("ipmifast"),
                    product_name=T("Simulated Board SB-100"), serial_number=T("BRD0000001"), part_number=T("SB-100-A"),
                    fru_file_id=T("")),
    product=ProductInfo(language=0, manufacturer=T("ipmifast"), product_name=T("Simulated Server S1"),
                        part_number=T("S1-1U"), product_version=T("1.0"), serial_number=T("SRV0000001"),
                        asset_tag=T("ASSET-0001"), fru_file_id=T("")),
)  # fmt: skip


def test_capture_image_decodes_field_by_field() -> None:
    assert decode_fru(capture_fru()) == EXPECTED


def test_encoder_builds_the_emu_image() -> None:
    assert encode_fru(EXPECTED, size=256) == emu_fru()
    assert emu_fru().startswith(capture_fru())


def test_fru_print_as_ipmitool_printed() -> None:
    assert tuple(fru.format_ipmitool_fru(decode_fru(capture_fru()))) == verified("-C 3 fru print")[:-1]


def test_ipmi_fru_as_freeipmi_printed() -> None:
    lines = verified(
        "ipmi-fru -D LAN_2_0 -h 127.0.10.1:623 -u admin -p ipmifast-admin -I 3 -W opensesspriv "
        "--sdr-cache-directory $WORK/sdr-cache --quiet-cache"
    )
    inventory = decode_fru(capture_fru())
    assert inventory.chassis is not None and inventory.board is not None and inventory.product is not None
    fields = {line.split(": ", 1)[0].strip(): line.split(": ", 1)[1] for line in lines if line.startswith("  FRU ")}
    assert fields["FRU Chassis Type"] == fru.chassis_type_text(inventory.chassis.chassis_type, "freeipmi")
    assert fields["FRU Chassis Part Number"] == inventory.chassis.part_number.text
    assert fields["FRU Chassis Serial Number"] == inventory.chassis.serial_number.text
    assert fields["FRU Board Manufacturing Date/Time"] == fru.mfg_date_text(inventory.board, "freeipmi")
    assert fields["FRU Board Manufacturer"] == inventory.board.manufacturer.text
    assert fields["FRU Board Product Name"] == inventory.board.product_name.text
    assert fields["FRU Board Serial Number"] == inventory.board.serial_number.text
    assert fields["FRU Board Part Number"] == inventory.board.part_number.text
    assert fields["FRU Product Manufacturer Name"] == inventory.product.manufacturer.text
    assert fields["FRU Product Name"] == inventory.product.product_name.text
    assert fields["FRU Product Part/Model Number"] == inventory.product.part_number.text
    assert fields["FRU Product Version"] == inventory.product.product_version.text
    assert fields["FRU Product Serial Number"] == inventory.product.serial_number.text
    assert fields["FRU Product Asset Tag"] == inventory.product.asset_tag.text


def test_board_date() -> None:
    assert EXPECTED.board is not None
    assert EXPECTED.board.mfg_datetime == datetime(2024, 1, 15, 8, 0, tzinfo=timezone.utc)
    assert BoardInfo().mfg_datetime is None
    assert fru.mfg_date_text(BoardInfo()) == "Unspecified"
    assert fru.mfg_date_text(BoardInfo(mfg_minutes=60), "ipmitool") == "Mon Jan  1 01:00:00 1996 UTC"


def test_chassis_type_names() -> None:
    assert fru.chassis_type_text(0x17) == "Rack Mount Chassis"
    assert (fru.chassis_type_text(0x1A), fru.chassis_type_text(0x1A, "freeipmi")) == ("CompactPCI", "Compact PCI")
    assert fru.chassis_type_text(0x24) == fru.chassis_type_text(0xFF) == "Unknown"


# -- checksums and malformed images --------------------------------------------------------------------------------


def _corrupt(offset: int, value: int) -> bytes:
    image = bytearray(emu_fru())
    image[offset] = value
    return bytes(image)


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [
        (7, 0xED, "common header: bad checksum"),
        (39, 0x0E, "chassis info area: bad checksum"),
        (103, 0x75, "board info area: bad checksum"),
        (12, 0x49 ^ 0x01, "chassis info area: bad checksum"),  # a data byte changed
    ],
)
def test_bad_checksums_raise_unless_skip_checks(offset: int, value: int, message: str) -> None:
    image = _corrupt(offset, value)
    with pytest.raises(DecodeError, match=message):
        decode_fru(image)
    decoded = decode_fru(image, skip_checks=True)
    assert decoded.product == EXPECTED.product


def test_missing_end_marker() -> None:
    image = bytearray(emu_fru())
    image[36] = 0x00  # the chassis area's C1h becomes an empty binary field, then pad bytes, then no marker
    image[39] = (image[39] + 0xC1) & 0xFF  # keep the checksum right
    with pytest.raises(DecodeError, match="end-of-fields"):
        decode_fru(bytes(image))
    chassis = decode_fru(bytes(image), skip_checks=True).chassis
    assert chassis is not None and chassis.part_number == T("IPMIFAST-CH-01")


def test_areas_outside_the_image() -> None:
    with pytest.raises(DecodeError):
        decode_fru(emu_fru()[:100])  # the product area starts at 104
    with pytest.raises(DecodeError):
        decode_fru(emu_fru()[:7])
    with pytest.raises(DecodeError):
        decode_fru(emu_fru()[:110])  # the product area runs past the end


# -- fields --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "ipmitool"),
    [
        (FruField(bytes.fromhex("1234abc0"), FruFieldType.BCD_PLUS), "1234 -.0", "1234 -.0"),
        (FruField(bytes.fromhex("29dca6"), FruFieldType.ASCII_6BIT), "IPMI", "IPMI"),
        (FruField(bytes.fromhex("29dca621"), FruFieldType.ASCII_6BIT), "IPMIA", "IPMIA   "),  # ipmitool pads
        (FruField(bytes.fromhex("00ff10"), FruFieldType.BINARY), "00ff10", "00ff10"),
        (FruField("Grüße".encode("latin-1")), "Grüße", "Grüße"),
        (FruField("Wörter".encode("utf-16-le"), unicode=True), "Wörter", "W\0ö\0r\0t\0e\0r\0"),
    ],
)
def test_field_encodings(field: FruField, text: str, ipmitool: str) -> None:
    assert field.text == text == str(field)
    assert fru.ipmitool_field_text(field) == ipmitool


def test_unicode_fields_follow_the_language_code() -> None:
    board = BoardInfo(language=1, manufacturer=FruField("Fabricant".encode("utf-16-le"), unicode=True))
    decoded = decode_fru(encode_fru(FruInventory(board=board)))
    assert decoded.board is not None and decoded.board.manufacturer.text == "Fabricant"


def test_field_limits() -> None:
    with pytest.raises(LocalProtocolError, match="end marker"):
        encode_fru(FruInventory(chassis=ChassisInfo(part_number=T("X"))))
    with pytest.raises(LocalProtocolError):
        encode_fru(FruInventory(chassis=ChassisInfo(part_number=T("x" * 64))))
    with pytest.raises(LocalProtocolError):
        encode_fru(EXPECTED, size=100)
    with pytest.raises(LocalProtocolError):
        T("zz", FruFieldType.BINARY)


# -- MultiRecords --------------------------------------------------------------------------------------------------


def test_multirecords_with_checksums_and_typed_records() -> None:
    psu = fru.PowerSupplyInformation(overall_capacity=800, peak_va=900, inrush_current=40, inrush_interval=5,
                                     low_input_voltage_1=9000, high_input_voltage_1=14000, low_input_frequency=47,
                                     high_input_frequency=63, ac_dropout_tolerance=20, flags=0x0E, peak_wattage=900,
                                     hold_up_time=2, combined_voltage_1=0, combined_voltage_2=2,
                                     total_combined_wattage=400, tachometer_lower_threshold=0)  # fmt: skip
    dc = fru.DcOutput(standby=True, output_number=1, nominal_voltage=1200, max_negative_deviation=-60,
                      max_positive_deviation=60, ripple_and_noise=120, min_current=100, max_current=50000)
    records = (MultiRecord(type_id=0x00, data=fru.encode_power_supply_information(psu)),
               MultiRecord(type_id=0x01, data=fru.encode_dc_output(dc)), MultiRecord(type_id=0xC0, data=b"oem"))
    image = encode_fru(FruInventory(board=EXPECTED.board, multirecords=records))
    decoded = decode_fru(image)
    assert decoded.multirecords == records
    assert fru.decode_power_supply_information(decoded.multirecords[0].data) == psu
    assert fru.decode_dc_output(decoded.multirecords[1].data) == dc
    start = image[5] * 8
    assert image[start + 1] == 0x02 and image[-3 - 5 + 1] == 0x82  # end-of-list only on the last record
    bad = bytearray(image)
    bad[-1] ^= 0xFF
    with pytest.raises(DecodeError, match="record checksum"):
        decode_fru(bytes(bad))
    assert decode_fru(bytes(bad), skip_checks=True).multirecords[2].data == b"oem"[:2] + bytes([b"m"[0] ^ 0xFF])


# -- reader --------------------------------------------------------------------------------------------------------


class FakeFru:
    def __init__(self, image: bytes, max_read: int = 255, busy: int = 0, words: bool = False) -> None:
        self.image = image
        self.max_read = max_read
        self.busy = busy
        self.words = words

    def __call__(self, netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
        if cmd == StorageCmd.GET_FRU_INVENTORY_AREA_INFO:
            return 0, len(self.image).to_bytes(2, "little") + bytes([self.words])
        if self.busy:
            self.busy -= 1
            return 0x81, b""
        unit = 2 if self.words else 1
        offset, count = int.from_bytes(data[1:3], "little") * unit, data[3]
        if count > self.max_read:
            return 0xC8, b""
        chunk = self.image[offset : offset + count * unit]
        return 0, bytes([len(chunk) // unit]) + chunk


def test_reader_reads_the_whole_device() -> None:
    assert fru.read_fru(FakeFru(emu_fru())) == emu_fru()
    reader = fru.FruReader(chunk_size=32)
    bmc = FakeFru(emu_fru(), max_read=20, busy=3)
    while (request := reader.next_request()) is not None:
        reader.receive_response(*bmc(request.netfn, request.cmd, request.data))
    assert reader.data == emu_fru() and reader.chunk_size <= 20


def test_reader_word_access() -> None:
    bmc = FakeFru(emu_fru(), words=True)
    assert fru.read_fru(bmc) == emu_fru()


def test_reader_errors() -> None:
    with pytest.raises(CompletionCodeError):
        fru.read_fru(FakeFru(emu_fru(), busy=100))
    with pytest.raises(DecodeError):
        fru.decode_read_fru_data_rs(b"\x05abc")


# -- hypothesis ----------------------------------------------------------------------------------------------------


@given(fru_inventories())
def test_any_inventory_round_trips(inventory: FruInventory) -> None:
    assert decode_fru(encode_fru(inventory)) == inventory


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_decode_error(data: bytes) -> None:
    for skip in (False, True):
        try:
            decode_fru(data, skip_checks=skip)
        except DecodeError:
            pass


@given(fru_inventories(), st.integers(0, 2000), st.integers(0, 255))
def test_corrupted_images_raise_only_decode_error(inventory: FruInventory, where: int, value: int) -> None:
    image = bytearray(encode_fru(inventory))
    image[where % len(image)] = value
    for skip in (False, True):
        try:
            decoded = decode_fru(bytes(image), skip_checks=skip)
        except DecodeError:
            continue
        fru.format_ipmitool_fru(decoded)


# Known answers: each record's bytes written out from the FRU specification's layout tables, field by field.
MULTIRECORD_KATS = [
    (fru.decode_power_supply_information,  # §18.1, Table 18-1
     "2003" "8403" "28" "05" "2823" "b036" "5046" "2067" "2f" "3f" "14" "1f" "8423" "02" "9001" "03",
     fru.PowerSupplyInformation(overall_capacity=800, peak_va=900, inrush_current=40, inrush_interval=5,
                                low_input_voltage_1=9000, high_input_voltage_1=14000, low_input_voltage_2=18000,
                                high_input_voltage_2=26400, low_input_frequency=47, high_input_frequency=63,
                                ac_dropout_tolerance=20, flags=0x1F, peak_wattage=900, hold_up_time=2,
                                combined_voltage_1=0, combined_voltage_2=2, total_combined_wattage=400,
                                tachometer_lower_threshold=3), fru.encode_power_supply_information),
    (fru.decode_dc_output, "81" "b004" "c4ff" "3c00" "7800" "6400" "50c3",  # §18.2, Table 18-2
     fru.DcOutput(standby=True, output_number=1, nominal_voltage=1200, max_negative_deviation=-60,
                  max_positive_deviation=60, ripple_and_noise=120, min_current=100, max_current=50000),
     fru.encode_dc_output),
    (fru.decode_dc_load, "02" "50fb" "14fb" "8cfb" "3200" "0000" "dc05",  # §18.3, Table 18-3
     fru.DcLoad(output_number=2, nominal_voltage=-1200, min_voltage=-1260, max_voltage=-1140, ripple_and_noise=50,
                min_current=0, max_current=1500), fru.encode_dc_load),
    (fru.decode_management_access, "02" + b"rack7-node3".hex(),  # §18.4: sub-record 02h, system name
     fru.ManagementAccess(sub_record_type=2, data=b"rack7-node3"), fru.encode_management_access),
    (fru.decode_base_compatibility, "d97e00" "0a" "01" "03" "0f",  # §18.5, Table 18-7
     fru.BaseCompatibility(manufacturer_id=32473, entity_id=0x0A, compatibility_base=1, code_start=3,
                           code_range_mask=b"\x0f"), fru.encode_base_compatibility),
]  # fmt: skip


@pytest.mark.parametrize(("decode", "hex_data", "record", "encode"), MULTIRECORD_KATS,
                         ids=lambda v: getattr(v, "__name__", None))  # fmt: skip
def test_typed_multirecords_both_ways(decode: object, hex_data: str, record: object, encode: object) -> None:
    data = bytes.fromhex(hex_data)
    assert decode(data) == record  # type: ignore[operator]
    assert encode(record) == data  # type: ignore[operator]


def test_multirecords_as_ipmitool_prints_them_with_v() -> None:
    """Lines as ipmitool 1.8.19 -v printed these records from ipmi_sim (tests/cli/test_golden_fru.py checks the
    whole output against ipmitool run in the same test)."""
    psu, dc, load, access = (MultiRecord(type_id=t, data=bytes.fromhex(h)) for (_, h, _, _), t in
                             zip(MULTIRECORD_KATS[:4], (0x00, 0x01, 0x02, 0x03), strict=True))  # fmt: skip
    oem = MultiRecord(type_id=0xC0, data=bytes.fromhex("d97e000102"))
    lines = fru.format_ipmitool_multirecords((psu, dc, load, access, oem))
    assert lines[0] == " Power Supply Record"
    assert "  Input Voltage Range 2      : 180-264 V" in lines
    assert "  Flags                      : 'Predictive fail' 'Power factor correction' 'Autoswitch voltage' " \
           "'Hot swap' 'Two pulses per rotation'" in lines  # fmt: skip
    assert "  Combined capacity          : 400 W (12 V and 5 V)" in lines
    assert "  Max negative deviation     : -0.60 V" in lines and "  Maximum current draw       : 50.000 A" in lines
    assert "  Min voltage allowed        : -12.60 V" in lines and "  Maximum current load       : 1.500 A" in lines
    assert lines[-1] == "  OEM (Example Enterprise Number for Documentation Use) Record"
    assert not any("rack7" in line for line in lines)  # ipmitool prints no management access record
    assert fru.format_ipmitool_fru(FruInventory(multirecords=(psu,))) == ["FRU Device Description : Builtin FRU "
                                                                          "Device (ID 0)"]  # only with -v


def test_a_multirecord_list_without_its_end_marker_is_reported_and_read() -> None:
    """A BMC whose last MultiRecord lacks the end-of-list bit (§16.1, byte 2 bit 7): the strict decode says so; the
    lenient one (what ``fru print`` falls back to, with a warning) keeps every record read, and stops at the
    zero padding after them instead of taking it for records."""
    records = (MultiRecord(type_id=0xC0, data=b"one"), MultiRecord(type_id=0xC1, data=b"two"))
    image = bytearray(encode_fru(FruInventory(board=EXPECTED.board, multirecords=records), size=256))
    last = image[5] * 8 + 5 + 3  # the second record's header
    image[last + 1] &= 0x7F  # end-of-list bit cleared...
    image[last + 4] = (-sum(image[last:last + 4])) & 0xFF  # ...and its header checksum made right again
    with pytest.raises(DecodeError, match="no end-of-list record|record format version"):
        decode_fru(bytes(image))
    assert decode_fru(bytes(image), skip_checks=True).multirecords == records
    with pytest.raises(DecodeError, match="no end-of-list record"):
        decode_fru(bytes(image[:last + 5 + 3]))  # the image ends right after the record
    assert decode_fru(bytes(image[:last + 5 + 3]), skip_checks=True).multirecords == records
