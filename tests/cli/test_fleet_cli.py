"""One verb over many hosts (``ipmifast -H RANGE ...``, ``ipmifast/cli/fleet``), run as a user runs it: output
grouped by result, JSON Lines and CSV, per-host errors classified while the rest succeed (hosts that time out,
refuse the password, or answer garbage), exit status, and the confirmation destructive verbs need."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.conftest import SimBmc, start_ipmi_sim, stop_ipmi_sim
from tests.sim.conftest import FleetThread, on_loop

from .conftest import ipmifast

pytestmark = pytest.mark.interop
PORT = 9841
LOGIN = ["-I", "lanplus", "-C", "17", "-U", "admin", "-N", "0.3", "-R", "1"]


@pytest.fixture(scope="module")
def password(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text("ipmifast\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture(scope="module")
def fleet() -> Iterator[object]:
    with FleetThread(count=40, base="127.128.0.1", port=PORT, fail_rate=0.1) as f:
        yield f


def run(password: str, hosts: str, *args: str) -> tuple[int, str, str]:
    out = ipmifast(*LOGIN, "-f", password, "-H", hosts, "-p", str(PORT), *args)
    return out.returncode, out.stdout, out.stderr


def test_grouped_output_and_the_timeouts(fleet: object, password: str) -> None:
    unreachable = [n for n in range(1, 41) if fleet.unreachable(f"127.128.0.{n}")]  # type: ignore[attr-defined]
    assert 0 < len(unreachable) < 10
    code, out, err = run(password, "127.128.0.[1-40]", "power", "status")
    assert code == 3  # timeout: the only error class
    lines = out.splitlines()
    on = [n for n in range(1, 41) if n not in unreachable]
    assert lines[0] == f"127.128.0.[{_runs(on)}]: Chassis Power is on"
    assert lines[1].startswith(f"127.128.0.{_set(unreachable)}: error: ")
    assert err.strip() == (f"ipmifast: 40 hosts in {err.split(' in ')[1].split(' s ')[0]} s "
                           f"({err.split('(')[1].split(')')[0]}): {len(on)} ok, {len(unreachable)} failed, "
                           f"{len(unreachable)} timeout")


def _runs(values: list[int]) -> str:
    out, start, prev = [], values[0], values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ",".join(out)


def _set(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"[{_runs(values)}]"


def test_many_line_output_is_one_block_equal_to_a_single_host_run(fleet: object, password: str) -> None:
    code, out, _ = run(password, "127.128.0.[1-3],127.128.0.[5-6]", "-x", "127.128.0.6", "mc", "info")
    single = ipmifast(*LOGIN, "-f", password, "-H", "127.128.0.1", "-p", str(PORT), "mc", "info").stdout
    reachable = [n for n in (1, 2, 3, 5) if not fleet.unreachable(f"127.128.0.{n}")]  # type: ignore[attr-defined]
    header, *body = out.split("\n", 1)[0], out.split("\n", 1)[1]
    assert header.startswith("----- 127.128.0.") and f"({len(reachable)} hosts) -----" in header
    assert body[0].startswith(single)
    assert code in (0, 3)


def test_json_lines_and_csv(fleet: object, password: str) -> None:
    code, out, _ = run(password, "127.128.0.[1-40]", "--json", "power", "status")
    records = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["host"] for r in records) == sorted(f"127.128.0.{n}" for n in range(1, 41))
    good = [r for r in records if r["ok"]]
    assert all(r["value"] == {"power": "on"} and r["lines"] == ["Chassis Power is on"] for r in good)
    assert all(r["error"]["kind"] == "timeout" for r in records if not r["ok"])
    code, out, _ = run(password, "127.128.0.[1-3]", "--csv", "power", "status")
    assert out.splitlines()[0] == "host,port,status,output"
    assert set(out.splitlines()[1:]) >= {f"127.128.0.{n},{PORT},ok,Chassis Power is on" for n in (1, 2, 3)
                                         if not fleet.unreachable(f"127.128.0.{n}")}  # type: ignore[attr-defined]


def test_mixed_hosts_each_reported_with_its_own_error(fleet: object, password: str, tmp_path: Path,
                                                      garbage_peer: tuple[str, int]) -> None:
    """Simulated BMCs, an ipmi_sim whose admin password differs (authentication refused), a peer answering
    garbage, and a name that does not resolve in the list: one run, each host its own line."""
    ipmi: SimBmc = start_ipmi_sim(tmp_path, slot=5)
    try:
        spec = f"127.128.0.[1-2],{ipmi.addr}:{ipmi.port},{garbage_peer[0]}:{garbage_peer[1]}"
        code, out, err = run(password, spec, "--json", "-C", "3", "power", "status")  # ipmi_sim has no suite 17
    finally:
        stop_ipmi_sim(ipmi)
    by_host = {r["host"]: r for r in map(json.loads, out.splitlines())}
    assert by_host[ipmi.addr]["error"]["kind"] == "auth"
    assert by_host[garbage_peer[0]]["error"]["kind"] == "timeout"  # garbage is dropped, never believed
    for n in (1, 2):
        r = by_host[f"127.128.0.{n}"]
        assert r["ok"] != fleet.unreachable(r["host"])  # type: ignore[attr-defined]
    assert code in (2, 3) and "failed" in err


def test_destructive_verbs_need_confirmation(fleet: object, password: str) -> None:
    hosts = f"127.128.1.[1-3]:{PORT + 4}"
    with FleetThread(count=3, base="127.128.1.1", port=PORT + 4) as small:
        code, out, err = run(password, hosts, "power", "off")  # no terminal, no --yes
        assert code == 64 and out == "" and "needs --yes" in err and len(err.splitlines()) == 1
        assert all(on_loop(small, lambda a=a: small.bmc(a).state.chassis.power_on) for a, _ in small.addresses)
        code, out, _ = run(password, hosts, "--dry-run", "power", "off")
        assert code == 0 and out.strip() == f"3 hosts: 127.128.1.[1-3]:{PORT + 4}"
        code, out, _ = run(password, hosts, "--yes", "power", "off")
        assert code == 0 and out.strip() == f"127.128.1.[1-3]:{PORT + 4}: Chassis Power Control: Down/Off"
        assert not any(on_loop(small, lambda a=a: small.bmc(a).state.chassis.power_on) for a, _ in small.addresses)
        code, out, _ = run(password, hosts, "power", "on")  # not destructive: no question asked
        assert code == 0 and out.strip() == f"127.128.1.[1-3]:{PORT + 4}: Chassis Power Control: Up/On"


def test_rate_capped_run_answers_every_host(fleet: object, password: str) -> None:
    code, out, err = run(password, "127.128.0.[1-5]", "--rate", "150", "-N", "2", "power", "status")
    assert code == 0, err
    assert out == "127.128.0.[1-5]: Chassis Power is on\n"


def test_bad_fleet_input_is_one_line(password: str) -> None:
    for args, message in ((["-H", "10.0.0.[1-"], "without ']'"), (["-H", "10.0.0.0/8"], "more than"),
                          (["-H", "127.0.0.[1-2]", "--concurrency", "0"], "at least 1"),
                          (["-H", "127.0.0.[1-2]", "--rate", "0"], "--rate must be positive"),
                          (["-H", "127.0.0.[1-2]", "frobnicate"], "unknown verb")):
        out = ipmifast(*LOGIN, "-f", password, *args, *(["power", "status"] if "frobnicate" not in args else []))
        assert out.returncode == 64 and len(out.stderr.splitlines()) == 1 and message in out.stderr, out.stderr


def test_credentials_file_for_mixed_credentials(tmp_path: Path) -> None:
    """Two groups of BMCs with different users and passwords, a third on the command line's credentials: one run,
    every host answers; a credentials file others can read is refused."""
    secret = tmp_path / "rack2.pw"
    secret.write_text("calvin-2\n")
    secret.chmod(0o600)
    creds = tmp_path / "credentials.csv"
    creds.write_text("# host pattern, user, password, cipher suite, port\n"
                     "127.128.2.[1-3], ops, s3cret, 3,\n"
                     f"127.128.3.0/30, root, @{secret}, 17, {PORT + 2}\n")
    creds.chmod(0o600)
    cli_pw = tmp_path / "admin.pw"
    cli_pw.write_text("ipmifast\n")
    cli_pw.chmod(0o600)
    # one simulated fleet per port: each group has users of its own (the third group's port comes from its row)
    with FleetThread(count=3, base="127.128.2.1", port=PORT + 1, users=["ops:s3cret:operator"]), \
            FleetThread(count=2, base="127.128.3.1", port=PORT + 2, users=["root:calvin-2"]), \
            FleetThread(count=2, base="127.128.4.1", port=PORT + 3):
        hosts = f"127.128.2.[1-3]:{PORT + 1},127.128.3.[1-2],127.128.4.[1-2]:{PORT + 3}"
        out = ipmifast("-I", "lanplus", "-C", "17", "-U", "admin", "-f", str(cli_pw), "-N", "0.3", "-R", "1",
                       "-p", str(PORT), "--credentials", str(creds), "-L", "operator", "-H", hosts,
                       "--json", "power", "status")
        assert out.returncode == 0, out.stdout + out.stderr
        records = [json.loads(line) for line in out.stdout.splitlines()]
        assert len(records) == 7 and all(r["ok"] for r in records)
        # without the file, the first two groups refuse the command line's admin/ipmifast
        out = ipmifast("-I", "lanplus", "-C", "17", "-U", "admin", "-f", str(cli_pw), "-N", "0.3", "-R", "1",
                       "-p", str(PORT + 2), "-H", f"127.128.2.[1-3]:{PORT + 1},127.128.3.[1-2]", "--json", "power",
                       "status")
        assert out.returncode == 2
        assert {json.loads(line)["error"]["kind"] for line in out.stdout.splitlines()} == {"auth"}
    creds.chmod(0o644)
    out = ipmifast("-U", "admin", "-f", str(cli_pw), "--credentials", str(creds), "-H", "127.128.2.[1-3]",
                   "power", "status")
    assert out.returncode == 64 and "can be read by other users" in out.stderr and len(out.stderr.splitlines()) == 1
