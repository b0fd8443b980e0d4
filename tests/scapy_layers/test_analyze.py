"""The analyzer on the reference captures (tests/data/pcaps/README.md says which command and password made each):
with the documented password every encrypted payload decrypts and the commands are those the client sent; with a
wrong one the report says that the password does not match; the findings, hashes and ARP table; the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ipmifast.cli.main import main
from scapy_layers.analyze import analyze_file, format_text
from tests.pcaps import PCAPS

PASSWORD = b"ipmifast-admin"
# frames written to files here always carry explicit MAC addresses: without them Scapy resolves the destination
# (ARP or neighbour solicitation on the interface of the route), which would send traffic off this machine
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"

#: what the capturing client sent inside the session (README of tests/data/pcaps; f2 counted from the file)
CHASSIS_POWER = [
    "Set Session Privilege Level", "Get HPM.x Capabilities", "Get Device ID", "Get PICMG Properties",
    "Get VSO Capabilities", "Get Chassis Status", "Get Chassis Status", "Close Session",
]
SDR_FRU_COUNTS = {
    "Get SDR Repository Info": 2, "Reserve SDR Repository": 2, "Get SDR": 51, "Get Sensor Reading": 10,
    "Get FRU Inventory Area Info": 1, "Read FRU Data": 10,
}
CIPHER3 = ["a-lanplus-c3-chassis-power.pcap", "e-sol-c3.pcap", "f-lanplus-c3-sdr-fru.pcap",
           "m-freeipmi-c3-chassis-status.pcap"]


def session_commands(report: dict[str, Any], number: int = 1) -> list[str]:
    return [r["command"] for r in report["requests"] if r["session"] == number]


def rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def report_of(name: str, *passwords: bytes, kg: bytes | None = None) -> dict[str, Any]:
    return analyze_file(PCAPS / name, list(passwords), kg).report(name)


@pytest.mark.parametrize("name", CIPHER3)
def test_cipher3_captures_decrypt_completely(name: str) -> None:
    report = report_of(name, PASSWORD)
    [session] = report["sessions"]
    assert session["cipher_suite"] == 3 and session["password"] == "matches"
    assert session["encrypted_packets"] > 0
    assert session["decrypted_packets"] == session["encrypted_packets"] == session["auth_code_verified"]
    assert session["auth_code_failed"] == 0 and session["opaque_packets"] == 0
    assert session["outcome"] == "established, closed"
    assert report["bad_packets"] == 0
    assert all(r["cc"] is not None for r in report["requests"])  # every request answered


def test_cipher3_commands_are_those_ipmitool_sent() -> None:
    assert session_commands(report_of("a-lanplus-c3-chassis-power.pcap", PASSWORD)) == CHASSIS_POWER
    # the same exchange in clear text (suite 2) names the same commands: decryption changed nothing
    assert session_commands(report_of("c-lanplus-c2-chassis-power.pcap")) == CHASSIS_POWER
    sdr = session_commands(report_of("f-lanplus-c3-sdr-fru.pcap", PASSWORD))
    assert sdr == session_commands(report_of("f2-lanplus-c2-sdr-fru.pcap"))
    for command, count in SDR_FRU_COUNTS.items():
        assert sdr.count(command) == count, command
    freeipmi = session_commands(report_of("m-freeipmi-c3-chassis-status.pcap", PASSWORD))
    assert freeipmi == ["Set Session Privilege Level", "Get Chassis Status", "Close Session"]


def test_sol_capture_decrypts_the_typed_text() -> None:
    [session] = report_of("e-sol-c3.pcap", PASSWORD)["sessions"]
    assert "hello" in session["sol_to_bmc"] and "uname" in session["sol_to_bmc"]
    assert "hello from the host console" in session["sol_from_bmc"]
    assert session_commands(report_of("e-sol-c1.pcap"))[-3:] == ["Activate Payload", "Deactivate Payload",
                                                                  "Close Session"]


def test_wrong_password_does_not_match() -> None:
    report = report_of("a-lanplus-c3-chassis-power.pcap", b"not-the-password")
    [session] = report["sessions"]
    assert session["password"] == "does not match"
    assert session["decrypted_packets"] == 0 and session["opaque_packets"] == session["encrypted_packets"] == 16
    assert "password does not match" in format_text(report)
    [v15] = report_of("d-lan15-md5-chassis-power.pcap", b"not-the-password")["sessions"]
    assert v15["password"] == "does not match" and v15["auth_code_verified"] == 0


def test_a_passwords_file_finds_the_right_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    candidates = tmp_path / "candidates"
    candidates.write_text("admin\npassword\nipmifast-admin\nchangeme\n")
    assert main(["pcap", str(PCAPS / "a-lanplus-c3-chassis-power.pcap"), "--passwords", str(candidates),
                 "--json"]) == 0
    [session] = json.loads(capsys.readouterr().out)["sessions"]
    assert session["password"] == "matches" and session["password_value"] == "ipmifast-admin"
    candidates.write_text("admin\npassword\n")
    main(["pcap", str(PCAPS / "a-lanplus-c3-chassis-power.pcap"), "--passwords", str(candidates), "--json"])
    [session] = json.loads(capsys.readouterr().out)["sessions"]
    assert session["password"] == "does not match any of the 2 passwords"


def test_wrong_kg_is_detected_by_rakp4() -> None:
    [session] = report_of("a-lanplus-c3-chassis-power.pcap", PASSWORD, kg=b"some-kg")["sessions"]
    assert session["kg"] == "given Kg does not match (RAKP 4 does not verify)"
    assert session["decrypted_packets"] == 0


def test_the_bmc_knew_the_password_the_console_did_not() -> None:
    """g: ipmitool used a wrong password; RAKP 2 is the BMC's, made with the real one, and ipmitool stopped."""
    [session] = report_of("g-lanplus-c3-wrong-password.pcap", PASSWORD)["sessions"]
    assert session["password"] == "matches"
    assert session["outcome"].startswith("console sent no RAKP 3")
    [session] = report_of("g-lanplus-c3-wrong-password.pcap", b"wrong-password")["sessions"]
    assert session["password"] == "does not match"


def test_hashcat_7300_lines_verify_with_the_password() -> None:
    report = report_of("a-lanplus-c3-chassis-power.pcap")
    [line] = report["hashes"]
    assert line["hashcat_mode"] == 7300 and line["user"] == "admin"
    salt, digest = line["hash"].split(":")
    # hashcat -m 7300: HMAC-SHA1 keyed with the password over the hex salt (the RAKP 2 auth code's input)
    assert hmac.new(PASSWORD, bytes.fromhex(salt), hashlib.sha1).hexdigest() == digest
    assert hmac.new(b"other", bytes.fromhex(salt), hashlib.sha1).hexdigest() != digest


# Known answers for the line formats: hashcat/hashcat src/modules/module_07350.c ST_HASH (mode 7350, hmac:salt,
# password "admin") and openwall/john src/rakp_sha256_fmt_plug.c tests[1] ($rakp$salt$hmac, RAKP-SHA256,
# password "0penBmc")
HASHCAT_7350 = ("08b017f3628b9835c748521e412429c9:f3450000df540000cdd981b0b3441be8774a61e69321291891a29a0c5fdac3"
                "f06194bd2c29fa5246000000000000000000000000000000001400", b"admin")
JOHN_RAKP_SHA256 = ("$rakp$41987b483ceaad20ffa718e58a99c6ae7ade09383b49f50a70c44febde6e2c7665896457e8b583f101020304"
                    "05060708090a0b0c0d0e0f101404726f6f74$6a7ad41787afe8831a759c98d65b12f0f52726bb1b020819c29a6953"
                    "76410997", b"0penBmc")
_DIGESTS = {"RAKP-HMAC-SHA1": hashlib.sha1, "RAKP-HMAC-MD5": hashlib.md5, "RAKP-HMAC-SHA256": hashlib.sha256}


def _split_hash(entry: dict[str, Any]) -> tuple[bytes, bytes]:
    """(salt, hmac) from the hashcat line and from the John line, which must agree."""
    first, second = entry["hash"].split(":")
    salt, code = (second, first) if entry["hashcat_mode"] == 7350 else (first, second)
    tag, john_salt, john_code = entry["john"].split("$")[1:]
    assert tag == "rakp" and (john_salt, john_code) == (salt, code)
    return bytes.fromhex(salt), bytes.fromhex(code)


def test_rakp_hash_line_formats_match_the_crackers_known_answers() -> None:
    from scapy_layers.analyze import rakp_hash

    line, password = HASHCAT_7350
    code, salt = (bytes.fromhex(x) for x in line.split(":"))
    entry = rakp_hash(2, salt, code)  # RAKP-HMAC-MD5
    assert entry["hash"] == line and entry["hashcat_mode"] == 7350 and entry["john_format"] == "RAKP-MD5"
    assert hmac.new(password, salt, hashlib.md5).digest() == code
    john, password = JOHN_RAKP_SHA256
    _tag, salt_hex, code_hex = john.split("$")[1:]
    entry = rakp_hash(3, bytes.fromhex(salt_hex), bytes.fromhex(code_hex))  # RAKP-HMAC-SHA256
    assert entry["john"] == john and entry["hashcat_mode"] is None and entry["john_format"] == "RAKP-SHA256"
    assert entry["hash"] == f"{salt_hex}:{code_hex}"
    assert hmac.new(password, bytes.fromhex(salt_hex), hashlib.sha256).hexdigest() == code_hex


@pytest.mark.parametrize(("suite", "algorithm", "mode", "john_format", "code_len"), [
    (1, "RAKP-HMAC-SHA1", 7300, "RAKP", 20), (3, "RAKP-HMAC-SHA1", 7300, "RAKP", 20),
    (8, "RAKP-HMAC-MD5", 7350, "RAKP-MD5", 16), (17, "RAKP-HMAC-SHA256", None, "RAKP-SHA256", 32),
])
def test_rakp_hashes_of_every_auth_algorithm(tmp_path: Path, suite: int, algorithm: str, mode: int | None,
                                             john_format: str, code_len: int) -> None:
    """A session of the client core with the BMC core: its RAKP 2 HMAC in the line for that algorithm, which an
    independent HMAC (hashlib) over the line's salt, keyed with the password, reproduces."""
    path = tmp_path / f"suite{suite}.pcap"
    _core_session_capture(path, suite, None)
    report = analyze_file(path).report()
    [entry] = report["hashes"]
    assert (entry["algorithm"], entry["hashcat_mode"], entry["john_format"]) == (algorithm, mode, john_format)
    salt, code = _split_hash(entry)
    assert len(code) == code_len and salt[-len(b"admin"):] == b"admin" and salt[-7] == 0x14  # role, ULength
    assert hmac.new(b"secret", salt, _DIGESTS[algorithm]).digest() == code
    assert hmac.new(b"Secret", salt, _DIGESTS[algorithm]).digest() != code
    text = format_text(report)
    assert f"{algorithm} [{'hashcat -m ' + str(mode) if mode else 'no hashcat mode (salt:hmac)'}; " \
           f"john --format={john_format}]" in text and entry["john"] in text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("j-lanplus-c0-wrong-password-accepted.pcap", "cipher suite 0 accepted"),
        ("k-lan15-weak-anonymous-none.pcap", "authentication type NONE"),
        ("k-lan15-weak-anonymous-none.pcap", "anonymous login"),
        ("l-lan15-weak-straight-password.pcap", "'ipmifast-admin' is in clear text"),
        ("e-sol-c1.pcap", "Serial over LAN in clear text"),
        ("g2-lanplus-c3-unknown-user.pcap", "whether a user exists"),
        ("k-lan15-weak-anonymous-none.pcap", "Capabilities: anonymous login enabled"),
        ("l-lan15-weak-straight-password.pcap", "Capabilities: IPMI v1.5 straight password authentication enabled"),
    ],
)
def test_findings(name: str, words: str) -> None:
    findings = report_of(name)["findings"]
    assert any(words in f["text"] for f in findings), findings


def test_no_weakness_findings_on_a_good_configuration() -> None:
    findings = report_of("a-lanplus-c3-chassis-power.pcap")["findings"]
    assert [f["text"].split(" ")[0] for f in findings] == ["RAKP"]  # only the IPMI v2.0 design issue


def test_outcomes_with_status_text() -> None:
    [s] = report_of("b-lanplus-c17-rejected.pcap")["sessions"]
    assert s["cipher_suite"] == 17 and s["outcome"] == "refused at Open Session: invalid authentication algorithm"
    [s] = report_of("g2-lanplus-c3-unknown-user.pcap")["sessions"]
    assert s["user"] == "nosuchuser" and s["outcome"] == "refused at RAKP 2: unauthorized name"
    [s] = report_of("j-lanplus-c0-wrong-password-accepted.pcap", b"wrong-password")["sessions"]
    assert s["cipher_suite"] == 0 and s["established"] and s["password"].startswith("not verifiable")
    [s] = report_of("d-lan15-md5-chassis-power.pcap", PASSWORD)["sessions"]
    assert s["kind"] == "ipmi1.5" and s["auth_type"] == "MD5" and s["password"] == "matches"
    assert s["auth_code_verified"] == s["packets"] and s["outcome"] == "established, closed"


def test_bmcs_consoles_and_presence_pong() -> None:
    report = report_of("d-lan15-md5-chassis-power.pcap")
    [bmc] = report["bmcs"]
    assert bmc["ip"] == "127.0.10.1" and bmc["presence_pong"]["ipmi"] is True
    assert bmc["auth_capabilities"]["auth_types"] == ["md2", "md5"] and not bmc["auth_capabilities"]["anonymous_login"]
    [console] = report["consoles"]
    assert console["ip"] == "127.0.0.1" and console["users"] == ["admin"]


def test_requests_have_latency_and_completion_text() -> None:
    requests = report_of("a-lanplus-c3-chassis-power.pcap", PASSWORD)["requests"]
    hpm = next(r for r in requests if r["command"] == "Get HPM.x Capabilities")
    assert hpm["cc"] == 0xC1 and hpm["completion"] == "invalid command"
    assert all(r["latency"] is not None and r["latency"] >= 0 for r in requests)


def test_gratuitous_arp_table() -> None:
    [sender] = report_of("i-garp-netns.pcap")["garp"]
    assert sender["ip"] == "127.0.10.200" and sender["mac"] == "02:00:7f:00:0a:c8"
    assert sender["kinds"] == {"announcement": 2, "gratuitous reply": 2}
    assert sender["count"] == 4 and 0.9 < sender["interval_mean"] < 1.2
    assert sender["bmc"] is False  # no RMCP from it, and 02: is a locally administered MAC


def test_pcapng_gives_the_same_report(tmp_path: Path) -> None:
    from tests.interop.conftest import require

    out = tmp_path / "a.pcapng"
    subprocess.run([require("editcap"), "-F", "pcapng", str(PCAPS / "a-lanplus-c3-chassis-power.pcap"), str(out)],
                   check=True, timeout=60)
    ng = analyze_file(out, [PASSWORD]).report("x")
    classic = analyze_file(PCAPS / "a-lanplus-c3-chassis-power.pcap", [PASSWORD]).report("x")
    assert rounded(ng) == rounded(classic)  # times: pcapng counts ticks since 1970, pcap seconds + fraction


def test_cli_text_json_layers_plot(tmp_path: Path) -> None:
    png = tmp_path / "timeline.png"
    out = subprocess.run(
        [sys.executable, "-m", "ipmifast", "pcap", str(PCAPS / "e-sol-c3.pcap"), "--password", "ipmifast-admin",
         "--layers", "--plot", str(png)],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "9   decrypted: IPMI Set Session Privilege Level rq rq_seq=1" in out.stdout
    assert "decrypted: SOL seq=" in out.stdout
    assert "Ether / IP / UDP / RMCP / RMCPPlusSession / RAKP Message 2 tag=0 status=no errors" in out.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = subprocess.run([sys.executable, "-m", "ipmifast", "pcap", str(PCAPS / "h-rmcp-presence-ping.pcap"),
                           "--json"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(data)["bmcs"][0]["presence_pong"]["oem_iana"] == 4542


def test_scapy_is_imported_only_for_layers() -> None:
    code = ("import sys; from ipmifast.cli.main import main; main(['pcap', sys.argv[1]]); "
            "assert 'scapy' not in sys.modules and 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code, str(PCAPS / "a-lanplus-c3-chassis-power.pcap")], check=True,
                   capture_output=True, timeout=60)


def _core_session_capture(path: Path, suite: int, kg: bytes | None) -> None:
    """One session between the client core and the BMC core (a BMC with Kg when ``kg``), written as a capture."""
    import random

    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw
    from scapy.utils import wrpcap

    from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
    from ipmifast.proto.events import RequestReceived
    from ipmifast.proto.session import ClientSession, SessionConfig

    rng = random.Random(7)
    client = ClientSession(SessionConfig(username=b"admin", password=b"secret", cipher_suite=suite, kg=kg),
                           rng.randbytes)
    bmc = BmcSession(BmcConfig(guid=rng.randbytes(16), users=(BmcUser(b"admin", b"secret"),), kg=kg), 0x77,
                     rng.randbytes, 0.0)
    packets: list[Ether] = []

    def put(to_bmc: bool, data: bytes) -> None:
        src, dst = ("127.9.0.1", "127.9.0.2") if to_bmc else ("127.9.0.2", "127.9.0.1")
        # explicit MAC addresses: Scapy would otherwise resolve them, sending ARP on the real network
        pkt = Ether(src=MAC_A, dst=MAC_B) / IP(src=src, dst=dst) / UDP(sport=50000 if to_bmc else 623,
                                                                       dport=623 if to_bmc else 50000)
        pkt = pkt / Raw(data)
        pkt.time = 1.0 + len(packets) * 0.001
        packets.append(pkt)

    def pump() -> None:
        moved = True
        while moved:
            moved = False
            for d in client.datagrams_to_send(0.0):
                put(True, d)
                bmc.receive_datagram(d, 0.0)
                moved = True
            while (ev := bmc.next_event()) is not None:
                if isinstance(ev, RequestReceived):
                    bmc.respond(ev, 0, b"\x01\x00\x00\x40")
            for d in bmc.datagrams_to_send(0.0):
                put(False, d)
                client.receive_datagram(d, 0.0)
                moved = True
            while client.next_event() is not None:
                pass

    client.connect(0.0)
    pump()
    client.request(0x00, 0x01, b"", 0.0)
    pump()
    client.close(0.0)
    pump()
    wrpcap(str(path), packets)


def test_a_bmc_with_kg(tmp_path: Path) -> None:
    """RAKP 2 still proves the password; the SIK needs Kg, and RAKP 4 tells whether the Kg given is the BMC's."""
    path = tmp_path / "kg.pcap"
    _core_session_capture(path, 17, b"the-bmc-key")
    [s] = analyze_file(path, [b"secret"], b"the-bmc-key").report()["sessions"]
    assert s["password"] == "matches" and s["kg"] == "given, RAKP 4 verifies"
    assert s["decrypted_packets"] == s["encrypted_packets"] == 6 and s["outcome"] == "established, closed"
    [s] = analyze_file(path, [b"secret"]).report()["sessions"]
    assert s["kg"] == "RAKP 4 does not verify: the BMC uses a Kg (pass --kg)" and s["decrypted_packets"] == 0
    [s] = analyze_file(path, [b"secret"], b"another-key").report()["sessions"]
    assert s["kg"] == "given Kg does not match (RAKP 4 does not verify)"


def test_every_cipher_suite_of_the_core_decrypts(tmp_path: Path) -> None:
    from ipmifast.proto.cipher_suites import CIPHER_SUITES

    for suite in CIPHER_SUITES:
        path = tmp_path / f"suite{suite}.pcap"
        _core_session_capture(path, suite, None)
        report = analyze_file(path, [b"secret"]).report()
        [s] = report["sessions"]
        assert s["cipher_suite"] == suite and s["outcome"] == "established, closed", (suite, s)
        assert s["decrypted_packets"] == s["encrypted_packets"] and s["auth_code_failed"] == 0, suite
        assert [r["command"] for r in report["requests"]] == [
            "Set Session Privilege Level", "Get Chassis Status", "Close Session"], suite


@pytest.mark.parametrize("encapsulation", ["vlan", "ipv6", "ipv6-options", "sll", "sll2", "raw", "pcap-ns"])
def test_other_link_layers_give_the_same_analysis(tmp_path: Path, encapsulation: str) -> None:
    """The datagrams of a reference capture re-framed: 802.1Q, IPv6, Linux cooked v1 / v2, raw IP, nanoseconds."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting
    from scapy.layers.l2 import CookedLinux, CookedLinuxV2, Dot1Q, Ether
    from scapy.packet import Raw
    from scapy.utils import PcapWriter

    from tests.pcaps import read_udp

    v6 = {"127.0.0.1": "2001:db8::1", "127.0.10.1": "2001:db8::a01"}  # never sent: written to a file
    frames = []
    for d in read_udp("a-lanplus-c3-chassis-power.pcap"):
        udp = UDP(sport=d.src[1], dport=d.dst[1]) / Raw(d.payload)
        ip = IPv6(src=v6[d.src[0]], dst=v6[d.dst[0]]) if encapsulation.startswith("ipv6") else IP(
            src=d.src[0], dst=d.dst[0])
        if encapsulation == "ipv6-options":  # extension headers before UDP (RFC 8200 §4) are walked past
            ip = ip / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt()
        frames.append({
            "vlan": Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=7) / ip / udp,
            "ipv6": Ether(src=MAC_A, dst=MAC_B) / ip / udp,
            "ipv6-options": Ether(src=MAC_A, dst=MAC_B) / ip / udp,
            "sll": CookedLinux(proto=0x0800) / ip / udp,
            "sll2": CookedLinuxV2(proto=0x0800) / ip / udp,
            "raw": ip / udp,
            "pcap-ns": Ether(src=MAC_A, dst=MAC_B) / ip / udp,
        }[encapsulation])
    path = tmp_path / f"{encapsulation}.pcap"
    linktype = {"sll": 113, "sll2": 276, "raw": 101}.get(encapsulation)
    with PcapWriter(str(path), linktype=linktype, nano=encapsulation == "pcap-ns") as writer:
        for number, pkt in enumerate(frames):
            pkt.time = 1000 + number / 1000
            writer.write(pkt)
    report = analyze_file(path, [PASSWORD]).report()
    assert report["bad_packets"] == 0 and report["rmcp_datagrams"] == 24
    [session] = report["sessions"]
    assert session["decrypted_packets"] == 16 and session["outcome"] == "established, closed"
    assert session_commands(report) == CHASSIS_POWER
