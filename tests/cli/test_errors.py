"""Every failure a user can hit is one line ``ipmifast: <host>: <message>`` with its documented exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.interop.conftest import SimBmc

from .conftest import ipmi_sim_fixture, ipmifast, ipmifast_offline

bmc = ipmi_sim_fixture(12)


def one_line(result: object, code: int, starts: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)  # type: ignore[attr-defined]
    lines = [line for line in result.stderr.splitlines() if not line.startswith("Warning:")]  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert lines[0].startswith(starts), lines[0]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]  # nothing written half


def base(bmc: SimBmc, *extra: str) -> list[str]:
    return ["-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", *extra]


def test_wrong_password(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "wrong"), "power", "status"), 2,
             f"ipmifast: {bmc.addr}: RAKP 2 HMAC does not verify")


def test_unreachable_host(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "x", "-N", "0.2", "-R", "1"), "-p", str(bmc.port + 1), "power", "status"),
             3, f"ipmifast: {bmc.addr}: no answer to the open session request")


def test_bad_cipher_suite(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin", "-C", "17"), "power", "status"), 2,
             f"ipmifast: {bmc.addr}: open session: invalid authentication algorithm")
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin", "-C", "4"), "power", "status"), 2,
             f"ipmifast: {bmc.addr}: ")


def test_bad_host_name() -> None:
    one_line(ipmifast_offline("-H", "no-such-bmc.invalid", "-U", "a", "-P", "b", "power", "status"), 68,
             "ipmifast: no-such-bmc.invalid: cannot resolve host name")


def test_missing_password_without_a_terminal(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc), "power", "status", stdin=""), 64, f"ipmifast: {bmc.addr}: no password given")


def test_unknown_verb_and_subcommand(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "x"), "frobnicate"), 64, f"ipmifast: {bmc.addr}: unknown verb 'frobnicate'")
    one_line(ipmifast(*base(bmc, "-P", "x"), "chassis", "explode"), 64,
             f"ipmifast: {bmc.addr}: chassis: unknown subcommand 'explode'; usage: chassis status")


def test_malformed_raw_bytes(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin"), "raw", "0x06", "zz"), 64,
             f"ipmifast: {bmc.addr}: raw: 'zz' is not a byte")
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin"), "raw", "0x06", "0x100"), 64,
             f"ipmifast: {bmc.addr}: raw: every value must be a byte")


def test_completion_code_has_the_spec_text(bmc: SimBmc) -> None:
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin"), "raw", "0x06", "0x08"), 1,
             f"ipmifast: {bmc.addr}: Get Device GUID: invalid command (completion code 0xc1)")


def test_password_sources(bmc: SimBmc, tmp_path: Path) -> None:
    env = dict(os.environ, IPMI_PASSWORD="ipmifast-admin")
    ok = ipmifast(*base(bmc, "-E"), "power", "status", env=env)
    assert ok.returncode == 0 and ok.stdout.strip().startswith("Chassis Power is") and ok.stderr == ""
    with_p = ipmifast(*base(bmc, "-P", "ipmifast-admin"), "power", "status")
    assert with_p.returncode == 0 and with_p.stderr.startswith("Warning: the password given with -P")
    loose = tmp_path / "pw"
    loose.write_text("ipmifast-admin\n")
    loose.chmod(0o644)
    one_line(ipmifast(*base(bmc, "-f", str(loose)), "power", "status"), 64,
             f"ipmifast: {bmc.addr}: the password file {loose} can be read by other users")
    assert ipmifast(*base(bmc, "-f", str(loose), "-F"), "power", "status").returncode == 0
    one_line(ipmifast(*base(bmc, "-E"), "power", "status", env={k: v for k, v in os.environ.items()
                                                                  if k != "IPMI_PASSWORD"}),
             64, f"ipmifast: {bmc.addr}: -E: the IPMI_PASSWORD environment variable is not set")


def test_help_and_usage() -> None:
    result = ipmifast("-h")
    assert result.returncode == 0 and "usage: ipmifast" in result.stdout
    one_line(ipmifast("-Z"), 64, "ipmifast: unknown option -Z")


@pytest.mark.parametrize(("verb", "says"), [
    (("mc", "reset", "bogus"), "mc reset: give warm or cold; usage: mc info | guid | reset warm|cold"),
    (("mc",), "mc: what?; usage: mc info"),
    (("raw", "0x06"), "raw: give at least NETFN and CMD; usage: raw NETFN CMD [DATA...]"),
    (("fru", "print", "1", "2"), "fru: print takes one FRU ID, not 2 arguments; usage: fru print [ID]"),
    (("chassis", "bootdev", "usb"), "bootdev: give one of none, pxe, disk"),
    (("power", "sideways"), "power: unknown action 'sideways'; usage: power status|on|off"),
])  # fmt: skip
def test_bad_arguments_give_the_verbs_usage(bmc: SimBmc, verb: tuple[str, ...], says: str) -> None:
    result = ipmifast(*base(bmc, "-P", "ipmifast-admin"), *verb)
    one_line(result, 64, f"ipmifast: {bmc.addr}: {says}")
    group = verb[0]
    assert f"usage: {group}" in result.stderr or group == "chassis" and "usage: chassis status" in result.stderr


@pytest.mark.parametrize(("options", "says"), [
    (("-L", "bogus"), "unknown privilege level 'bogus' (-L)"),
    (("-I", "lan", "-k", "secret"), "Kg (-k/-y) exists only in IPMI v2.0: use -I lanplus"),
    (("-I", "lan", "-A", "SHA1"), "authentication type 'sha1' (-A): use NONE, PASSWORD, MD2 or MD5"),
    (("-I", "serial"), "interface 'serial' is not supported"),
    (("-p", "70000"), "port 70000 is not 1-65535"),
    (("-N", "0"), "timeout (-N) must be positive"),
])  # fmt: skip
def test_bad_session_options_fail_before_any_packet(bmc: SimBmc, options: tuple[str, ...], says: str) -> None:
    one_line(ipmifast(*base(bmc, "-P", "ipmifast-admin"), *options, "power", "status"), 64,
             f"ipmifast: {bmc.addr}: {says}")


def test_output_that_cannot_be_written(bmc: SimBmc) -> None:
    """A full disk is one line and exit 74 (EX_IOERR), not a traceback."""
    import subprocess

    from .conftest import EXECUTABLE

    args = [str(EXECUTABLE), *base(bmc, "-P", "ipmifast-admin"), "sel", "list"]
    with open("/dev/full", "w") as full:
        result = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 74
    assert [line for line in result.stderr.splitlines() if not line.startswith("Warning:")] == [
        f"ipmifast: {bmc.addr}: cannot write the output: No space left on device"]
