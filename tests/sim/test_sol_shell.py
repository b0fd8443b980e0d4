"""The simulated host behind SOL (ipmifast/sim/console.py): boot log, login, the small shell, breaks, and the SOL
configuration honoured on Activate Payload. Sans-IO here; through real consoles in tests/cli/test_sol_console.py."""

from __future__ import annotations

import hashlib

from ipmifast.proto.sol import SolWindow
from ipmifast.sim.console import HostConsole, HostShell


def logged_in(shell: HostShell) -> HostShell:
    shell.input(b"\r")
    shell.input(b"root\r")
    assert shell.mode == "password"
    out = shell.input(b"secret\r")
    assert b"secret" not in out  # the password is not echoed
    assert out.endswith(b"root@sim-host:~# ")
    return shell


def test_login_accepts_any_user_and_password() -> None:
    shell = HostShell("sim-host", "127.0.0.9")
    assert shell.banner().endswith(b"sim-host login: ")
    assert shell.input(b"alice\r") == b"alice\r\nPassword: "
    assert shell.input(b"x\r").endswith(b"alice@sim-host:~$ ")


def test_commands_answer() -> None:
    shell = logged_in(HostShell("sim-host", "127.0.0.9", clock=lambda: 100.0))
    shell.booted_at = 40.0
    assert shell.input(b"uname -a\r") == (b"uname -a\r\nLinux sim-host 6.1.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 "
                                          b"GNU/Linux\r\nroot@sim-host:~# ")  # fmt: skip
    assert shell.input(b"hostname\r").split(b"\r\n")[1] == b"sim-host"
    assert shell.input(b"echo hello  world\r").split(b"\r\n")[1] == b"hello  world"
    assert shell.input(b"cat /proc/uptime\r").split(b"\r\n")[1] == b"60.00 114.00"
    assert shell.input(b"seq 2 4\r") == b"seq 2 4\r\n2\r\n3\r\n4\r\nroot@sim-host:~# "
    assert shell.input(b"nope\r").split(b"\r\n")[1] == b"-sh: nope: command not found"
    assert shell.input(b"exit\r").endswith(b"sim-host login: ")
    assert shell.mode == "login"


def test_line_editing_and_crlf() -> None:
    shell = logged_in(HostShell("sim-host", "127.0.0.9"))
    assert shell.input(b"echo ab\x7fc\r\n") == b"echo ab\b \bc\r\nac\r\nroot@sim-host:~# "


def test_cat_echoes_bytes_unchanged_until_ctrl_d() -> None:
    shell = logged_in(HostShell("sim-host", "127.0.0.9"))
    assert shell.input(b"cat\r") == b"cat\r\n"
    blob = bytes(b for b in range(256) if b not in (3, 4)) * 8
    assert shell.input(blob[:1000]) + shell.input(blob[1000:]) == blob
    assert shell.cat_bytes == len(blob) and shell.cat_digest.digest() == hashlib.sha256(blob).digest()
    assert shell.input(b"\x04") == b"^D\r\nroot@sim-host:~# "


def test_boot_log_and_breaks_through_the_window() -> None:
    """A HostConsole paired with a console window in memory: the banner on attach, the boot log on power on, and
    a break from the console counted by the host."""
    shell = HostShell("sim-host", "127.0.0.9")
    bmc = HostConsole(shell, powered=True)
    console = SolWindow(251)
    got = bytearray()

    def pump(now: float) -> None:
        for _ in range(50):
            moved = False
            for p in bmc.payloads_to_send(now):
                console.receive(p, now)
                moved = True
            for p in console.payloads_to_send(now):
                bmc.receive(p, now)
                bmc.read()
                moved = True
            got.extend(console.read())
            if not moved:
                return

    pump(0.0)
    assert got.endswith(b"sim-host login: ")
    bmc.power(True)
    pump(1.0)
    assert b"console=ttyS1,115200n8" in got and got.endswith(b"sim-host login: ")
    console.send_break()
    console.send(b"~")
    pump(2.0)
    assert shell.breaks == 1
    assert bmc.received.endswith(b"~")
