"""Passwords and keys never show: not in the output of any verb (text, --json, --debug), not in error messages,
not in the audit's output or hash files, and not in the process title other users see (``ps``).

Every run below uses one distinctive password and Kg; each output is searched for both (and for their hex)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sim.conftest import FleetThread

from .conftest import EXECUTABLE, ipmifast

pytestmark = pytest.mark.interop
PORT = 9866
SECRET = "Zq7-secret-Wx4"  # the simulated BMCs' admin password in this module
KG = "Kg-secret-9f3a"
HOST = "127.133.0.1"
VERBS = [
    ["chassis", "status"], ["power", "status"], ["chassis", "bootdev", "pxe"], ["chassis", "identify", "1"],
    ["mc", "info"], ["mc", "guid"], ["mc", "watchdog", "get"], ["mc", "selftest"],
    ["channel", "info"], ["channel", "getaccess", "1", "2"], ["channel", "authcap", "1", "4"],
    ["lan", "print"], ["sol", "info"], ["user", "list"], ["user", "summary"], ["session", "info", "active"],
    ["sdr", "elist"], ["sdr", "info"], ["sensor", "list"], ["sel", "list"], ["sel", "info"], ["fru", "print"],
    ["raw", "0x06", "0x01"], ["user", "test", "2", "16", SECRET],
]


def leaked(text: str) -> list[str]:
    found = []
    for secret in (SECRET, KG):
        for form in (secret, secret.encode().hex(), secret.encode().hex().upper()):
            if form in text:
                found.append(form)
    return found


@pytest.fixture(scope="module")
def bmcs() -> object:
    with FleetThread(count=2, base=HOST, port=PORT, users=[f"admin:{SECRET}"]) as fleet:
        yield fleet


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("secret") / "pw"
    path.write_text(SECRET + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize("verb", VERBS, ids=[" ".join(v[:2]) for v in VERBS])
@pytest.mark.parametrize("mode", [["--debug"], ["--json", "--debug"], ["-v"]])
def test_no_verb_prints_the_password(bmcs: object, verb: list[str], mode: list[str]) -> None:
    out = ipmifast("-H", HOST, "-p", str(PORT), "-U", "admin", "-P", SECRET, *mode, *verb)
    # "user test" is given the password as an argument: it may echo nothing of it either
    assert not leaked(out.stdout + out.stderr), (verb, out.stdout, out.stderr)


def test_fleet_json_and_errors_do_not_print_it(bmcs: object, password_file: str) -> None:
    runs = [
        ipmifast("-H", f"{HOST},127.133.0.2", "-p", str(PORT), "-U", "admin", "-f", password_file, "--json", "--debug",
                 "chassis", "status"),
        ipmifast("-H", HOST, "-p", str(PORT), "-U", "admin", "-P", SECRET + "x", "--debug", "mc", "info"),  # wrong
        ipmifast("-H", "127.133.9.9", "-p", str(PORT), "-U", "admin", "-P", SECRET, "-N", "0.2", "-R", "0", "--debug",
                 "mc", "info"),  # unreachable
        ipmifast("-H", HOST, "-p", str(PORT), "-U", "admin", "-P", SECRET, "-k", KG, "--debug", "mc", "info"),
        ipmifast("-H", HOST, "-p", str(PORT), "-U", "admin", "-P", SECRET, "frobnicate"),  # usage error
        ipmifast("-I", "lan", "-H", HOST, "-p", str(PORT), "-U", "admin", "-P", SECRET, "--debug", "mc", "info"),
    ]
    for out in runs:
        assert not leaked(out.stdout + out.stderr), (out.args, out.stdout, out.stderr)
    assert json.loads(runs[0].stdout.splitlines()[0])["ok"] is True
    assert runs[1].returncode != 0 and runs[2].returncode != 0 and runs[4].returncode == 64


def test_the_audit_does_not_print_found_or_given_passwords(bmcs: object, tmp_path: Path) -> None:
    words = tmp_path / "words"
    words.write_text(f"123456\n{SECRET}\n")
    hashes = tmp_path / "hashes"
    out = ipmifast("audit", f"{HOST}:{PORT}", "-U", "admin", "-P", SECRET, "-w", str(words), "--hashes", str(hashes),
                   "--json")
    assert out.returncode == 0, out.stderr
    assert "line 2 of the word list" in out.stdout  # found, and said so without the password itself
    assert not leaked(out.stdout + out.stderr + hashes.read_text())


def _cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode()


def test_the_process_title_masks_p_and_k() -> None:
    # a run long enough to look at (unreachable hosts, 2 s per try): what `ps` shows other users
    proc = subprocess.Popen([str(EXECUTABLE), "-H", "127.133.8.[1-2]", "-p", str(PORT), "-U", "admin", "-P", SECRET,
                             "-k", KG, "-N", "2", "-R", "0", "power", "status"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        title = _cmdline(proc.pid)
        while "****" not in title and time.monotonic() < deadline:
            time.sleep(0.02)
            title = _cmdline(proc.pid)
        assert "-P **** -k ****" in title, title
        assert not leaked(title)
    finally:
        proc.kill()
        proc.wait()


def test_masking_keeps_everything_else() -> None:
    from ipmifast.cli.proctitle import masked

    assert masked(["-H", "h", "-P", "pw", "-k", "kg", "-ypw2", "power", "status"]) == [
        "-H", "h", "-P", "****", "-k", "****", "-y****", "power", "status"]
    assert masked(["-f", "file", "mc", "info"]) == ["-f", "file", "mc", "info"]


def test_python_api_reprs_and_errors_hide_them() -> None:
    import ipmifast
    from ipmifast.proto.session import SessionConfig

    config = SessionConfig(username=b"admin", password=SECRET.encode(), kg=KG.encode())
    assert not leaked(repr(config)) and not leaked(str(config))
    code = (f"import ipmifast\nc = ipmifast.connect('127.133.9.8', port={PORT}, username='admin', "
            f"password={SECRET!r}, kg={KG!r}, timeout=0.1, retries=0)\nprint(repr(c))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert not leaked(out.stdout + out.stderr)
    assert ipmifast is not None
