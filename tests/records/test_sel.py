"""SEL entries against the test bed: the entries bmc.emu loads into ipmi_sim, decoded and printed exactly as
ipmitool 1.8.19 (``sel list``, ``sel elist``) and FreeIPMI 1.6.10 (``ipmi-sel``) printed them in VERIFIED.md."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipmifast.errors import CompletionCodeError, DecodeError, LocalProtocolError
from ipmifast.records import sel
from ipmifast.records.sdr import FullSensorRecord, SdrRecord, StorageCmd, decode_sdr, find_sensor_record
from ipmifast.records.sel import (
    OemNonTimestampedRecord,
    OemTimestampedRecord,
    SystemEventRecord,
    UnknownSelRecord,
    decode_sel_entry,
    encode_sel_entry,
)
from ipmifast.records.tables import EventReadingType, SensorType, sensor_type_text

from .data import capture_sdrs, emu_sel_entries, verified
from .strategies import sdr_records, sel_records

EXPECTED: list[sel.SelRecord] = [
    SystemEventRecord(record_id=1, timestamp=3100, generator_id=0x0020, evm_rev=4, sensor_type=SensorType.TEMPERATURE,
                      sensor_number=1, deassertion=False, event_type=EventReadingType.THRESHOLD, event_data1=0x57,
                      event_data2=86, event_data3=85),
    SystemEventRecord(record_id=2, timestamp=3100, generator_id=0x0020, evm_rev=4, sensor_type=SensorType.TEMPERATURE,
                      sensor_number=1, deassertion=True, event_type=EventReadingType.THRESHOLD, event_data1=0x57,
                      event_data2=84, event_data3=85),
    SystemEventRecord(record_id=3, timestamp=3100, generator_id=0x0020, evm_rev=4, sensor_type=SensorType.FAN,
                      sensor_number=6, deassertion=False, event_type=EventReadingType.THRESHOLD, event_data1=0x52,
                      event_data2=8, event_data3=10),
    SystemEventRecord(record_id=4, timestamp=3100, generator_id=0x0020, evm_rev=4, sensor_type=SensorType.POWER_SUPPLY,
                      sensor_number=9, deassertion=False, event_type=EventReadingType.SENSOR_SPECIFIC,
                      event_data1=0x01, event_data2=0xFF, event_data3=0xFF),
    SystemEventRecord(record_id=5, timestamp=3100, generator_id=0x0020, evm_rev=4,
                      sensor_type=SensorType.PHYSICAL_SECURITY, sensor_number=10, deassertion=False,
                      event_type=EventReadingType.SENSOR_SPECIFIC, event_data1=0x00, event_data2=0xFF,
                      event_data3=0xFF),
    OemTimestampedRecord(record_id=6, record_type=0xC0, timestamp=3100, manufacturer_id=0x007ED9,
                         data=bytes.fromhex("deadbeef0102")),
]  # fmt: skip


def _event(index: int) -> SystemEventRecord:
    record = EXPECTED[index]
    assert isinstance(record, SystemEventRecord)
    return record


def _sdrs() -> list[SdrRecord]:
    return [decode_sdr(r) for r in capture_sdrs()]


@pytest.mark.parametrize("index", range(6))
def test_emu_entries_decode_field_by_field(index: int) -> None:
    assert decode_sel_entry(emu_sel_entries()[index]) == EXPECTED[index]


@pytest.mark.parametrize("index", range(6))
def test_encoder_rebuilds_the_entries(index: int) -> None:
    assert encode_sel_entry(EXPECTED[index]) == emu_sel_entries()[index]


def test_event_fields() -> None:
    unc = EXPECTED[0]
    assert isinstance(unc, SystemEventRecord)
    assert (unc.offset, unc.event_data2_use, unc.event_data3_use) == (7, sel.EventDataUse.TRIGGER,
                                                                       sel.EventDataUse.TRIGGER)  # fmt: skip
    assert (unc.generator_address, unc.generator_is_software, unc.generator_channel, unc.generator_lun) == (
        0x20, False, 0, 0)
    assert unc.is_threshold and unc.pre_init


def test_sel_list_as_ipmitool_printed() -> None:
    assert tuple(sel.format_ipmitool_sel(r) for r in EXPECTED) == verified("-C 3 sel list")


def test_sel_elist_as_ipmitool_printed() -> None:
    sdrs = _sdrs()
    assert tuple(sel.format_ipmitool_sel(r, sdrs) for r in EXPECTED) == verified("-C 3 sel elist")


def test_ipmi_sel_as_freeipmi_printed() -> None:
    """ID, date, time, name, type and event columns of ``ipmi-sel`` for the six entries bmc.emu adds."""
    lines = verified(
        "ipmi-sel -D LAN_2_0 -h 127.0.10.1:623 -u admin -p ipmifast-admin -I 3 -W opensesspriv "
        "--sdr-cache-directory $WORK/sdr-cache --quiet-cache"
    )
    assert lines[0].startswith("ID | Date")
    sdrs = _sdrs()
    for record, line in zip(EXPECTED, lines[1:7], strict=True):
        cols = [c.strip() for c in line.split("|")]
        assert int(cols[0]) == record.record_id
        assert isinstance(record, SystemEventRecord | OemTimestampedRecord)
        assert (cols[1], cols[2]) == sel.freeipmi_date_time(record.timestamp)
        sdr = None
        if isinstance(record, SystemEventRecord):
            sdr = find_sensor_record(sdrs, record.generator_address, record.sensor_number, record.sensor_type)
            assert sdr is not None
            assert cols[3:5] == [getattr(sdr, "id_string", ""), sensor_type_text(record.sensor_type, "freeipmi")]
        else:
            assert cols[3:5] == ["N/A", "N/A"]
        assert cols[5] == sel.freeipmi_event_text(record, sdr)


def test_ipmitool_timestamps() -> None:
    record = EXPECTED[3]
    assert isinstance(record, SystemEventRecord)
    line = sel.format_ipmitool_sel(replace(record, timestamp=0x1FFFFFFF))
    assert line.startswith("   4 |  Pre-Init  |0536870911| Power Supply #0x09 |")
    # ipmitool's Pre-Init test is "< 20000000h"; the spec (and FreeIPMI, and is_pre_init) include 20000000h
    assert sel.format_ipmitool_sel(replace(record, timestamp=0x20000000)).startswith("   4 | 01/05/87 | 18:48:32 GMT |")
    assert sel.is_pre_init(0x20000000) and not sel.is_pre_init(0x20000001)
    assert sel.format_ipmitool_sel(replace(record, timestamp=1705305600)).startswith(
        "   4 | 01/15/24 | 08:00:00 UTC | Power Supply #0x09 | Failure detected | Asserted")
    assert sel.format_ipmitool_sel(replace(record, timestamp=0xFFFFFFFF)).startswith(
        "   4 | Unspecified | Unspecified | Power Supply")
    assert sel.freeipmi_date_time(1705305600) == ("Jan-15-2024", "08:00:00")
    assert sel.freeipmi_date_time(0x20000000) == ("PostInit", "PostInit")
    assert sel.freeipmi_date_time(0xFFFFFFFF) == ("Unspecified", "Unspecified")
    assert sel.timestamp_datetime(1705305600) is not None and sel.timestamp_datetime(5) is None


def test_record_ids_print_in_hex_and_sensor_zero_has_no_number() -> None:
    record = replace(_event(4), record_id=0x1A, sensor_number=0)
    assert sel.format_ipmitool_sel(record) == ("  1a |  Pre-Init  |0000003100| Physical Security | "
                                               "General Chassis intrusion | Asserted")  # fmt: skip


def test_oem_records() -> None:
    nots = OemNonTimestampedRecord(record_id=7, record_type=0xE1, data=bytes(range(13)))
    assert sel.format_ipmitool_sel(nots) == "   7 | OEM record e1 | 000102030405060708090a0b0c"
    assert sel.freeipmi_event_text(nots) == "OEM defined = " + " ".join(f"{i:02X}h" for i in range(13))
    panic = OemNonTimestampedRecord(record_id=8, record_type=0xF0, data=b"\0\0Oops: bug\0\0")
    assert sel.format_ipmitool_sel(panic) == "   8 | Linux kernel panic: Oops: bug"


@pytest.mark.parametrize(
    ("sensor_type", "event_type", "data1", "data2", "ipmitool", "freeipmi"),
    [
        (0x08, 0x6F, 0xC6, 0x03, "Config Error: Power Supply Rating Mismatch", "Configuration error"),
        (0x08, 0x6F, 0x06, 0x03, "Config Error", "Configuration error"),  # data 2 not flagged: offset text
        (0x0F, 0x6F, 0xC0, 0x0B, "BIOS corruption detected", "System Firmware Error"),
        (0x07, 0x6F, 0x07, 0xFF, "Presence detected", "Processor Presence detected"),
        (0x23, 0x6F, 0x01, 0xFF, "Hard reset", "Hard Reset"),
        (0x2A, 0x6F, 0x00, 0xFF, None, "Session Activated"),  # ipmitool has no Session Audit texts
        (0x02, 0x07, 0x02, 0xFF, "Transition to Critical from less severe",
         "transition to Critical from less severe"),
        (0x01, 0x01, 0x02, 0xFF, "Lower Critical going low ", "Lower Critical - going low"),
        (0x01, 0x70, 0x02, 0xFF, None, None),  # OEM event/reading type
    ],
)
def test_event_descriptions(sensor_type: int, event_type: int, data1: int, data2: int, ipmitool: str | None,
                            freeipmi: str | None) -> None:  # fmt: skip
    record = SystemEventRecord(sensor_type=sensor_type, event_type=event_type, event_data1=data1, event_data2=data2)
    assert sel.event_description(record) == ipmitool
    assert sel.event_description(record, "freeipmi") == freeipmi


def test_threshold_text_without_trigger_values() -> None:
    fan = _sdrs()[8]
    assert isinstance(fan, FullSensorRecord)
    record = replace(_event(2), event_data1=0x02)
    assert sel.threshold_event_text(record, fan) == "Reading 0"  # ipmitool prints 0 for an unflagged reading
    assert sel.freeipmi_event_text(record, fan) == "Lower Critical - going low"
    assert sel.freeipmi_event_text(EXPECTED[2]) == (
        "Lower Critical - going low ; Sensor Reading = 08h ; Threshold = 0Ah")  # no SDR: raw bytes


def test_memory_ecc_location() -> None:
    record = SystemEventRecord(record_id=9, timestamp=3100, sensor_type=SensorType.MEMORY, sensor_number=0,
                               event_type=0x6F, event_data1=0xA0, event_data2=0x00, event_data3=0x21)  # fmt: skip
    assert sel.format_ipmitool_sel(record, []).endswith("| Correctable ECC | Asserted | CPU 1 DIMM 2")


# -- reader --------------------------------------------------------------------------------------------------------


class FakeSel:
    """A BMC's SEL: whole-record reads, optional CAh for them (forcing partial reads), optional cancellation."""

    def __init__(self, entries: list[bytes], whole_ok: bool = True, cancel_at: set[int] | None = None) -> None:
        self.entries = entries
        self.whole_ok = whole_ok
        self.cancel_at = cancel_at or set()
        self.reservation = 0
        self.calls = 0

    def __call__(self, netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
        self.calls += 1
        if cmd == StorageCmd.RESERVE_SEL:
            self.reservation += 1
            return 0, self.reservation.to_bytes(2, "little")
        if self.calls in self.cancel_at:
            self.reservation += 1
        reservation, record_id, offset, count = (int.from_bytes(data[0:2], "little"),
                                                 int.from_bytes(data[2:4], "little"), data[4], data[5])  # fmt: skip
        if not self.entries:
            return 0xCB, b""
        partial = not (offset == 0 and count == 0xFF)
        if not partial and not self.whole_ok:
            return 0xCA, b""
        if partial and reservation != self.reservation:
            return 0xC5, b""
        ids = [int.from_bytes(e[:2], "little") for e in self.entries]
        index = 0 if record_id == 0 else ids.index(record_id)
        next_id = ids[index + 1] if index + 1 < len(ids) else 0xFFFF
        chunk = self.entries[index] if not partial else self.entries[index][offset : offset + count]
        return 0, next_id.to_bytes(2, "little") + chunk


def test_reader_reads_the_emu_entries() -> None:
    bmc = FakeSel(list(emu_sel_entries()))
    assert sel.read_sel(bmc) == EXPECTED
    assert bmc.reservation == 0  # whole-record reads need no reservation


def test_reader_falls_back_to_partial_reads() -> None:
    bmc = FakeSel(list(emu_sel_entries()), whole_ok=False, cancel_at={5, 9})
    reader = sel.SelReader(partial_chunk=5)
    while (request := reader.next_request()) is not None:
        reader.receive_response(*bmc(request.netfn, request.cmd, request.data))
    assert reader.decoded() == EXPECTED
    assert bmc.reservation >= 3


def test_reader_empty_sel_and_errors() -> None:
    assert sel.read_sel(FakeSel([])) == []
    reader = sel.SelReader()
    reader.next_request()
    with pytest.raises(CompletionCodeError):
        reader.receive_response(0xD4, b"")
    reader = sel.SelReader()
    reader.next_request()
    with pytest.raises(DecodeError):
        reader.receive_response(0, b"\xff\xff\x01\x00")


# -- hypothesis ----------------------------------------------------------------------------------------------------


@given(sel_records)
def test_every_record_type_round_trips(record: sel.SelRecord) -> None:
    assert decode_sel_entry(encode_sel_entry(record)) == record


@given(st.binary(min_size=16, max_size=16))
def test_any_16_bytes_decode_and_encode_back(data: bytes) -> None:
    assert encode_sel_entry(decode_sel_entry(data)) == data


@given(st.binary(max_size=40).filter(lambda b: len(b) != 16))
def test_other_lengths_raise_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_sel_entry(data)


@given(st.binary(min_size=16, max_size=16), st.lists(sdr_records, max_size=4))
def test_text_of_any_entry(data: bytes, sdrs: list[SdrRecord]) -> None:
    record = decode_sel_entry(data)
    if isinstance(record, SystemEventRecord) and sdrs:
        first = sdrs[0]
        if isinstance(first, FullSensorRecord):
            sdrs[0] = replace(first, sensor_owner_id=record.generator_address, sensor_number=record.sensor_number,
                              sensor_type=record.sensor_type)  # fmt: skip
    assert sel.format_ipmitool_sel(record, sdrs).startswith(f"{record.record_id:4x} | ")
    assert isinstance(sel.freeipmi_event_text(record, sdrs[0] if sdrs else None), str)


def test_encoder_refuses_misfiled_types() -> None:
    with pytest.raises(LocalProtocolError):
        encode_sel_entry(UnknownSelRecord(record_type=0x02))
    with pytest.raises(LocalProtocolError):
        encode_sel_entry(OemTimestampedRecord(record_type=0xE0))
    with pytest.raises(LocalProtocolError):
        encode_sel_entry(OemTimestampedRecord(data=b"short"))


def test_verbose_entry_prints_the_date_twice_as_ipmitool_does() -> None:
    """ipmitool 1.8.19 prints ``"%s %s"`` of two calls sharing one static buffer: the date twice (the golden tests
    in tests/cli compare whole ``-v sel list`` outputs with ipmitool's)."""
    from datetime import datetime, timezone

    stamp = int(datetime(2024, 1, 15, 8, 0, tzinfo=timezone.utc).timestamp())
    event = sel.SystemEventRecord(record_id=0x12, timestamp=stamp, sensor_type=SensorType.TEMPERATURE,
                                  sensor_number=1, event_type=EventReadingType.THRESHOLD, event_data1=0x57,
                                  event_data2=0x56, event_data3=0x55)  # fmt: skip
    lines = sel.format_ipmitool_sel_verbose(event)
    assert lines[:3] == ["SEL Record ID          : 0012", " Record Type           : 02",
                         " Timestamp             : 01/15/24 01/15/24"]  # fmt: skip
    assert " Event Data            : 575655" in lines and lines[-1] == ""
    early = sel.format_ipmitool_sel_verbose(replace(event, timestamp=426))
    assert early[2] == " Timestamp             : S+ 70/001 S+ 70/001"
    unspecified = sel.format_ipmitool_sel_verbose(replace(event, timestamp=0xFFFFFFFF))
    assert unspecified[2] == " Timestamp             : Unspecified Unspecified"


@given(sel_records)
def test_verbose_text_for_any_record(record: object) -> None:
    lines = sel.format_ipmitool_sel_verbose(record)  # type: ignore[arg-type]
    assert lines[0].startswith("SEL Record ID          : ") and lines[-1] == ""
