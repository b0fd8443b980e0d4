"""Corrupt, truncated and random captures, and datagrams with huge length fields: a clear one-line error (exit 64)
or a partial report with the bad packets counted; never a traceback, an internal error (exit 70) or a hang."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipmifast.cli.main import main
from ipmifast.proto import frame
from scapy_layers.analyze import Analysis, analyze_file, format_text
from tests.pcaps import PCAPS

A = PCAPS / "a-lanplus-c3-chassis-power.pcap"
PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
ETH_IP_UDP = bytes(12) + b"\x08\x00"


def udp_frame(payload: bytes, sport: int = 40000, dport: int = 623) -> bytes:
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0, 64, 17, 0, bytes([127, 0, 0, 1]),
                     bytes([127, 0, 10, 1]))
    return ETH_IP_UDP + ip + struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def pcap(*frames: bytes) -> bytes:
    return PCAP_HEADER + b"".join(struct.pack("<IIII", 1, 0, len(f), len(f)) + f for f in frames)


def run_cli(*args: str) -> tuple[int, str, str]:
    """``ipmifast pcap ARGS`` in its own process, as a user runs it."""
    out = subprocess.run([sys.executable, "-m", "ipmifast", "pcap", *args], capture_output=True, text=True,
                         timeout=120)
    return out.returncode, out.stdout, out.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"hello, this is not a capture", "not a pcap or pcapng capture"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "pcap file header truncated"),
        (b"\x0a\x0d\x0d\x0a" + bytes(8), "bad byte-order magic"),
    ],
)
def test_not_a_capture_is_one_line_and_exit_64(tmp_path: Path, content: bytes,
                                               message: str) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(content)
    code, out, err = run_cli(str(path))
    assert code == 64 and out == ""
    assert err.startswith("ipmifast: ") and message in err and err.count("\n") == 1


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    code, _out, err = run_cli(str(tmp_path / "nope.pcap"))
    assert code == 64 and "No such file or directory" in err and err.count("\n") == 1
    code, _out, err = run_cli(str(A), "--password", "a", "--passwords", "b")
    assert code == 64 and "not allowed with argument" in err
    code, _out, err = run_cli(str(A), "--passwords", str(tmp_path / "nope"))
    assert code == 64 and "No such file" in err
    code, _out, err = run_cli(str(A), "--kg", "0xzz")
    assert code == 64 and "not hexadecimal" in err


def test_truncated_capture_gives_a_partial_report(tmp_path: Path) -> None:
    raw = A.read_bytes()
    for cut in (len(raw) - 5, len(raw) // 2, 24 + 7):
        path = tmp_path / f"cut{cut}.pcap"
        path.write_bytes(raw[:cut])
        report = analyze_file(path, [b"ipmifast-admin"]).report(str(path))
        assert report["truncated"] and "the file ends inside" in report["truncated"]
        code, out, _err = run_cli(str(path), "--password", "ipmifast-admin")
        assert code == 0 and "capture truncated after frame" in out


def test_huge_record_length_stops_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "huge.pcap"
    good = udp_frame(frame.encode_asf_ping(1))
    path.write_bytes(pcap(good) + struct.pack("<IIII", 1, 0, 0xFFFFFFF0, 0xFFFFFFF0) + b"xx")
    report = analyze_file(path).report()
    assert report["frames"] == 1 and "more than 262144" in report["truncated"]
    assert report["bad_packets"] == 1


def test_huge_length_fields_in_datagrams_are_counted(tmp_path: Path) -> None:
    v15 = bytearray(frame.encode_v15_session(0, 0, 0, b"", frame.encode_ipmi_request(0x20, 6, 0, 0x81, 0, 0, 1, b"")))
    v15[13] = 0xFF  # message length beyond the datagram
    v20 = bytearray(frame.encode_v20_session(0, 5, 1, b"abcdefgh"))
    v20[14:16] = b"\xff\xff"  # payload length 65535
    asf = bytearray(frame.encode_asf_pong(1))
    asf[11] = 0xFF  # ASF data length
    ok = frame.encode_asf_ping(1)
    path = tmp_path / "lengths.pcap"
    path.write_bytes(pcap(*(udp_frame(bytes(d)) for d in (v15, v20, asf, ok, b"\x06\x00", b"garbage!"))))
    report = analyze_file(path).report()
    assert report["frames"] == 6 and report["bad_packets"] == 5 and report["truncated"] is None
    assert report["bad_reasons"] == {
        "not RMCP (version byte)": 2,
        "IPMI v1.5 session: message length N exceeds the datagram": 1,
        "RMCP+ session: payload length N but only N bytes follow": 1,
        "ASF message: data length N but only N bytes follow": 1,
    }
    format_text(report)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200), st.sampled_from([b"", b"\x06\x00\xff\x07", b"\x06\x00\xff\x07\x06",
                                                 b"\x06\x00\xff\x07\x06\x13", b"\x06\x00\xff\x06"]))
def test_random_datagrams_never_raise(payload: bytes, prefix: bytes) -> None:
    analysis = Analysis([b"ipmifast-admin"])
    for a, b in (((b"\x7f\x00\x00\x01", 40000), (b"\x7f\x00\x0a\x01", 623)),
                 ((b"\x7f\x00\x0a\x01", 623), (b"\x7f\x00\x00\x01", 40000))):
        analysis.datagram(1, 0.0, a, b, prefix + payload)
    format_text(analysis.report())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120), st.sampled_from([0, 1, 101, 113, 276, 228, 229, 147]))
def test_random_frames_never_raise(data: bytes, linktype: int) -> None:
    analysis = Analysis()
    analysis.feed(1, 0.0, linktype, data)
    analysis.feed(2, 0.0, linktype, ETH_IP_UDP + data)
    format_text(analysis.report())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_files_never_crash_the_cli(tmp_path: Path, data: bytes) -> None:
    for head in (b"", PCAP_HEADER, b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a"):
        path = tmp_path / "random.pcap"
        path.write_bytes(head + data)
        assert main(["pcap", str(path)]) in (0, 64)


def test_mutated_real_capture_never_crashes(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Every byte of the RMCP part of a real capture flipped in turn: the report survives, bad packets counted."""
    raw = bytearray(A.read_bytes())
    path = tmp_path / "mutated.pcap"
    for at in range(24 + 16 + 42, min(len(raw), 24 + 16 + 42 + 120)):
        mutated = bytearray(raw)
        mutated[at] ^= 0xFF
        path.write_bytes(bytes(mutated))
        assert main(["pcap", str(path), "--password", "ipmifast-admin"]) == 0
    capfd.readouterr()


def test_plot_and_layers_failures_are_one_line(tmp_path: Path) -> None:
    code, _out, err = run_cli(str(A), "--plot", str(tmp_path / "missing" / "x.png"))
    assert code == 64 and err == f"ipmifast: {tmp_path / 'missing' / 'x.png'}: No such file or directory\n"
    # without matplotlib or Scapy installed (hidden from the import system here)
    for option, module in (("--plot", "matplotlib"), ("--layers", "scapy")):
        script = (f"import sys; sys.modules[{module!r}] = None; from ipmifast.cli.main import main; "
                  f"sys.exit(main(['pcap', sys.argv[1], {option!r}] + ([sys.argv[2]] if {option!r} == '--plot' "
                  "else [])))")
        out = subprocess.run([sys.executable, "-c", script, str(A), str(tmp_path / "x.png")], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 64, out.stderr
        assert out.stderr.startswith(f"ipmifast: {option} needs ") and "pip install" in out.stderr, out.stderr


def test_secure_asf_is_counted_not_decrypted(tmp_path: Path) -> None:
    path = tmp_path / "rsp.pcap"
    path.write_bytes(pcap(udp_frame(bytes(range(32)), dport=664), udp_frame(bytes(range(32)), sport=664,
                                                                            dport=40000)))
    report = analyze_file(path).report()
    assert report["secure_asf_datagrams"] == 2 and report["bad_packets"] == 0
    assert "secure ASF (UDP 664): 2 datagrams, not decrypted" in format_text(report)
