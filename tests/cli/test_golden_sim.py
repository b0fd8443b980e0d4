"""Golden tests against the simulator: ``ipmifast VERB`` prints what ``ipmitool VERB`` prints for the same
simulated BMC, over cipher suite 17 (which ipmi_sim lacks) and over IPMI v1.5."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.sim.fleet import Fleet
from tests.interop.conftest import require
from tests.sim.conftest import FleetThread

from .conftest import ipmifast

pytestmark = pytest.mark.interop
HOST = "127.89.0.2"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with FleetThread(count=3, base="127.89.0.1", port=9971, seed=3) as running:
        yield running


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text("ipmifast\n")
    path.chmod(0o600)
    return path


ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
INTERFACES = {"lanplus-17": ["-I", "lanplus", "-C", "17"], "lan-md5": ["-I", "lan", "-A", "MD5"]}
VERBS = [
    ("chassis", "status"),
    ("power", "status"),
    ("mc", "info"),
    ("mc", "guid"),
    ("raw", "0x06", "0x01"),
    ("lan", "print", "1"),
    ("channel", "info", "1"),
    ("user", "list", "1"),
    ("sol", "info", "1"),
    ("chassis", "bootdev", "pxe"),
    ("sdr", "elist"),
    ("sdr", "list"),
    ("sdr", "elist", "all"),
    ("sensor", "list"),
    ("sel", "list"),
    ("sel", "elist"),
    ("fru", "print"),
    ("-v", "fru", "print"),
    ("fru", "print", "0"),
    ("-v", "sdr", "list"),
    ("-v", "sdr", "elist", "all"),
    ("-v", "sel", "list"),
    ("-v", "sel", "elist"),
]


@pytest.mark.parametrize("interface", sorted(INTERFACES))
@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_same_output_as_ipmitool(
    fleet: Fleet, password_file: Path, interface: str, verb: tuple[str, ...]
) -> None:
    common = ["-H", HOST, "-p", str(fleet.port), "-U", "admin", *INTERFACES[interface]]
    theirs = subprocess.run([require("ipmitool"), *common, "-P", "ipmifast", *verb],
                            capture_output=True, text=True, timeout=60, env=ENV)
    mine = ipmifast(*common, "-f", str(password_file), *verb, env=ENV)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.returncode == 0, mine.stderr
    if mine.stdout != theirs.stdout:  # sensor readings follow the clock: one may have moved between the reads
        after = subprocess.run([require("ipmitool"), *common, "-P", "ipmifast", *verb],
                               capture_output=True, text=True, timeout=60, env=ENV)
        assert mine.stdout == after.stdout


#: verbs that change the BMC, in order: ipmitool runs each against one simulated BMC and ipmifast against another
#: started alike, in lockstep, so both meet the same state (power cycling takes the simulator a moment)
CHANGES = [
    ("chassis", "bootdev", "pxe", "options=persistent,efiboot"),
    ("chassis", "bootdev", "disk", "options=efiboot"),
    ("chassis", "policy", "list"),
    ("chassis", "policy", "always-on"),
    ("power", "soft"),
    ("power", "on"),
    ("power", "cycle"),
    ("chassis", "power", "reset"),
    ("mc", "watchdog", "off"),
    ("mc", "watchdog", "reset"),
    ("mc", "watchdog", "get"),
    ("mc", "reset", "cold"),
]


def test_verbs_that_change_the_bmc_print_what_ipmitool_prints(fleet: Fleet, password_file: Path) -> None:
    for verb in CHANGES:
        common = ["-p", str(fleet.port), "-U", "admin", *INTERFACES["lanplus-17"]]
        theirs = subprocess.run([require("ipmitool"), "-H", "127.89.0.3", *common, "-P", "ipmifast", *verb],
                                capture_output=True, text=True, timeout=60, env=ENV)  # fmt: skip
        mine = ipmifast("-H", "127.89.0.1", *common, "-f", str(password_file), *verb, env=ENV)
        assert mine.stderr == "", verb
        if verb == ("mc", "watchdog", "get"):  # the countdown runs between the two reads: equal to 0.2 s
            ours, their = mine.stdout.splitlines(), theirs.stdout.splitlines()
            assert len(ours) == len(their) and ours[:-1] == their[:-1], verb
            left = [float(line.split(":")[1].split()[0]) for line in (ours[-1], their[-1])]
            assert ours[-1].startswith("Present Countdown:") and abs(left[0] - left[1]) <= 0.2, (ours[-1], their[-1])
            continue
        assert (mine.returncode, mine.stdout) == (theirs.returncode, theirs.stdout), (verb, mine.stderr, theirs.stderr)
        if verb[0] == "power":
            deadline = time.monotonic() + 20  # let both simulated chassis finish the transition
            while time.monotonic() < deadline and {fleet.bmc(h).state.chassis.power_on for h in
                                                   ("127.89.0.1", "127.89.0.3")} != {True}:  # fmt: skip
                time.sleep(0.1)


READ_ONLY = [verb for verb in VERBS if verb[0] != "-v" and verb[:2] != ("chassis", "bootdev")]


@pytest.mark.parametrize("verb", READ_ONLY, ids=" ".join)
def test_every_verb_has_typed_json(fleet: Fleet, password_file: Path, verb: tuple[str, ...]) -> None:
    import json

    common = ["-H", HOST, "-p", str(fleet.port), "-U", "admin", *INTERFACES["lanplus-17"], "-f", str(password_file)]
    text = ipmifast(*common, *verb, env=ENV)
    value = json.loads(ipmifast(*common, "--json", *verb, env=ENV).stdout)
    assert value not in (None, [], {}), verb
    if verb[:2] in (("sel", "list"), ("sel", "elist")):
        assert len(value) == len(text.stdout.splitlines())
        assert all(isinstance(e["record_id"], int) and isinstance(e["record_type"], int) for e in value)
        ids = {line.split("|")[0].strip() for line in text.stdout.splitlines()}
        assert {f"{e['record_id']:x}" for e in value} == ids
    if verb[:2] in (("sdr", "elist"), ("sdr", "list")):
        shown = {line.split("|")[0].strip() for line in text.stdout.splitlines()}
        numbers = {e["record"]["id_string"]: e["value"] for e in value if "value" in e}
        assert numbers and all(isinstance(v, float) for v in numbers.values()) and set(numbers) <= shown
