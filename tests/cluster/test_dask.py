"""``--cluster`` against a real ``dask scheduler`` and two ``dask worker`` processes on loopback, over 5,000 BMCs of
an ``ipmifast sim`` process: the output equals a local run's host for host, a killed worker loses no host and
reports none twice, a destructive verb is not re-run, and no password reaches Dask's logs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import COUNT, LOGIN, SIM_PORT, DaskCluster, _tool, by_host, ipmifast

pytestmark = pytest.mark.interop
SECRET = "Zq7-clu-secret-4411"
SUBSET = "127.98.[0-3].[1-254]"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    c = DaskCluster(tmp_path_factory.mktemp("dask"), 9981, workers=2, threads=2,
                    env={"IPMIFAST_TEST_PASSWORD": "ipmifast"})
    try:
        yield c
    finally:
        c.close()


def _fleet(password_file: str, hosts: str, *args: str, cluster: str | None = None) -> subprocess.CompletedProcess[str]:
    where = ["--cluster", cluster] if cluster else []
    return ipmifast(*LOGIN, "-f", password_file, "-H", hosts, "-p", str(SIM_PORT), *where, *args)


def _shards_per_worker(cluster: DaskCluster) -> list[int]:
    out = ipmifast("cluster", "workers", cluster.address)
    assert out.returncode == 0, out.stderr
    return [int(line.rsplit("shards run ", 1)[1]) for line in out.stdout.splitlines()[1:]]


def test_power_status_equals_a_local_run_host_for_host(cluster: DaskCluster, sim_5000: str,
                                                       password_file: str) -> None:
    before = sum(_shards_per_worker(cluster))
    local = _fleet(password_file, sim_5000, "--json", "power", "status")
    remote = _fleet(password_file, sim_5000, "--json", "--shard-size", "250", "power", "status",
                    cluster=cluster.address)
    assert remote.returncode == local.returncode == 3, remote.stderr  # the 2% that never answer: timeouts
    expected, got = by_host(local.stdout), by_host(remote.stdout)
    assert len(got) == COUNT and got == expected
    timeouts = [r for r in got.values() if not r["ok"]]
    assert 0 < len(timeouts) < COUNT * 0.05 and {r["error"]["kind"] for r in timeouts} == {"timeout"}  # type: ignore[index]
    assert remote.stderr.split(": ", 2)[2] == local.stderr.split(": ", 2)[2]  # "N ok, M failed, M timeout"
    after = _shards_per_worker(cluster)
    assert sum(after) - before == COUNT // 250 and all(n > 0 for n in after)  # both workers took shards

    # the grouped text output too (on the first 1,016 hosts: the layout, not the scale, is what this checks)
    text_local = _fleet(password_file, SUBSET, "power", "status")
    text_remote = _fleet(password_file, SUBSET, "--shard-size", "100", "power", "status", cluster=cluster.address)
    assert text_remote.stdout == text_local.stdout and len(text_remote.stdout.splitlines()) == 2


def test_discovery_equals_a_local_run_host_for_host(cluster: DaskCluster, sim_5000: str) -> None:
    local = ipmifast("discover", sim_5000, "-p", str(SIM_PORT), "-N", "0.5", "--json")
    remote = ipmifast("discover", sim_5000, "-p", str(SIM_PORT), "-N", "0.5", "--json", "--cluster",
                      cluster.address)
    assert remote.returncode == local.returncode == 0, remote.stderr
    expected, got = by_host(local.stdout), by_host(remote.stdout)
    assert len(got) == COUNT and got == expected
    assert sum(1 for r in got.values() if r.get("ipmi")) > COUNT * 0.95

    table_local = ipmifast("discover", SUBSET, "-p", str(SIM_PORT), "-N", "0.5")
    table_remote = ipmifast("discover", SUBSET, "-p", str(SIM_PORT), "-N", "0.5", "--shard-size", "100",
                            "--cluster", cluster.address)
    body = [line for line in table_local.stdout.splitlines() if " hosts in " not in line]
    assert [line for line in table_remote.stdout.splitlines() if " hosts in " not in line] == body
    assert len(body) == 1016 + 2  # the header, one row per host, the IPMI 2.0 count


def _without_salted_hashes(report: dict[str, object]) -> dict[str, object]:
    """An audit report less the RAKP hash strings: they carry the random numbers of each handshake."""
    out = dict(report)
    hashes = out.pop("hashes", None)
    if hashes is not None:
        assert isinstance(hashes, list)
        out["hashes"] = [{k: v for k, v in h.items() if k not in ("hash", "john")} for h in hashes]
        assert all(len(h["hash"]) > 40 for h in hashes)
    return out


def test_audit_equals_a_local_run_host_for_host(cluster: DaskCluster, sim_5000: str, password_file: str,
                                                tmp_path: Path) -> None:
    words = tmp_path / "words"
    words.write_text("calvin\nadmin\nipmifast\npassword\n")
    common = ["audit", sim_5000, "-p", str(SIM_PORT), "-N", "0.5", "-U", "admin", "-w", str(words), "--json"]
    local = ipmifast(*common, "-f", password_file)
    remote = ipmifast(*common, "--cluster", cluster.address, "--worker-password", "env:IPMIFAST_TEST_PASSWORD")
    assert remote.returncode == local.returncode == 0, remote.stderr
    expected, got = by_host(local.stdout), by_host(remote.stdout)
    assert len(got) == COUNT
    assert {k: _without_salted_hashes(v) for k, v in got.items()} == {
        k: _without_salted_hashes(v) for k, v in expected.items()}
    cracked = [f for r in got.values() for f in r.get("findings", []) if f["finding"] == "weak-password"]  # type: ignore[attr-defined]
    assert len(cracked) > COUNT * 0.95  # the word list was read on the workers and found 'ipmifast'


def _kill_mid_run(cluster: DaskCluster, argv: list[str], mid_shard: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` and SIGKILL worker 0 once the first shard's results have arrived (``mid_shard``: once worker 0
    has been running a shard for a while, before any result)."""
    with tempfile.TemporaryFile("w+") as err:
        client = subprocess.Popen([_tool("ipmifast"), *argv], stdout=subprocess.PIPE, stderr=err, text=True)
        assert client.stdout is not None
        first = ""
        if mid_shard:
            deadline = time.monotonic() + 30
            while _shards_per_worker(cluster)[0] == 0:
                assert time.monotonic() < deadline and client.poll() is None, "worker 0 never started a shard"
            time.sleep(0.6)
        else:
            first = client.stdout.readline()
        os.kill(cluster.workers[0].pid, signal.SIGKILL)
        cluster.workers[0].wait(10)
        rest = client.stdout.read()  # the same buffered reader: nothing readline took ahead is lost
        client.wait(180)
        err.seek(0)
        return subprocess.CompletedProcess(argv, client.returncode, first + rest, err.read())


@pytest.fixture()
def fresh_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    c = DaskCluster(tmp_path, 9983, workers=2, threads=2)
    try:
        yield c
    finally:
        c.close()


def test_a_worker_killed_mid_run_loses_no_host_and_reports_none_twice(fresh_cluster: DaskCluster, sim_5000: str,
                                                                      password_file: str) -> None:
    # 2,000 of the hosts; --rate slows each worker so that the kill lands while its shards are half done
    hosts = "127.98.[0-7].[1-250]"
    argv = [*LOGIN, "-f", password_file, "-H", hosts, "-p", str(SIM_PORT), "--json", "--shard-size", "125",
            "--rate", "3000", "--cluster", fresh_cluster.address, "power", "status"]
    remote = _kill_mid_run(fresh_cluster, argv)
    got = by_host(remote.stdout)  # fails on a host reported twice
    local = by_host(_fleet(password_file, hosts, "--json", "power", "status").stdout)
    assert len(got) == 2000 and got == local, remote.stderr
    assert fresh_cluster.workers[0].returncode == -signal.SIGKILL


def test_a_destructive_verb_is_not_rerun_after_a_worker_dies(fresh_cluster: DaskCluster, sim_5000: str,
                                                             password_file: str) -> None:
    # 500 hosts at 400 datagrams/s per worker, 10 sessions at once per shard: a shard of 50 hosts takes over a
    # second and its hosts finish one after another, so the kill lands in the middle of it
    hosts = "127.98.[0-1].[1-250]"
    argv = [*LOGIN, "-f", password_file, "-H", hosts, "-p", str(SIM_PORT), "--json", "--shard-size", "50",
            "--rate", "400", "--concurrency", "10", "--yes", "--cluster", fresh_cluster.address, "power", "off"]
    try:
        remote = _kill_mid_run(fresh_cluster, argv, mid_shard=True)
        got = by_host(remote.stdout)  # fails on a host reported twice
        assert len(got) == 500, remote.stderr
        kinds = {k: ("ok" if r["ok"] else r["error"]["kind"]) for k, r in got.items()}  # type: ignore[index]
        unknown = [k for k, kind in kinds.items() if kind == "unknown"]
        assert set(kinds.values()) <= {"ok", "timeout", "unknown"} and unknown, remote.stderr
        assert remote.returncode != 0 and f"{len(unknown)} unknown" in remote.stderr
        assert all("result unknown" in got[k]["error"]["message"] for k in unknown)  # type: ignore[index]
        state = {k: r for k, r in by_host(_fleet(password_file, hosts, "--json", "power", "status").stdout).items()
                 if r["ok"]}
        reported_off = [k for k, kind in kinds.items() if kind == "ok"]
        assert all(state[k]["value"]["power"] == "off" for k in reported_off)  # type: ignore[index]
        # the hosts of the lost shards that their first try had not reached were never touched by a second one
        untouched = [k for k in unknown if k in state and state[k]["value"]["power"] == "on"]  # type: ignore[index]
        assert untouched, "every unknown host was powered off: the lost shards were re-run"
        # what the lost shards' first try had done before its worker died was recorded, and is reported as done
        shard_of = {(f"127.98.{a}.{b}", SIM_PORT): i // 50 for i, (a, b) in
                    enumerate((a, b) for a in range(2) for b in range(1, 251))}
        lost = {shard_of[k] for k in unknown}
        assert any(kinds[k] == "ok" and shard_of[k] in lost for k in got), "nothing of the lost shards was recorded"
    finally:
        on = _fleet(password_file, hosts, "--yes", "power", "on")
        assert on.returncode in (0, 3), on.stderr


def test_no_password_reaches_dask_logs_keys_or_reprs(tmp_path: Path, password_file: str) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    secret_file.chmod(0o600)
    with _small_sim(tmp_path, f"auditor:{SECRET}"):
        c = DaskCluster(tmp_path, 9985, workers=1, threads=2)
        try:
            login = ["-I", "lanplus", "-C", "17", "-U", "auditor", "-f", str(secret_file), "-N", "0.5", "-R", "1",
                     "-H", "127.99.0.[1-40]", "-p", "9986", "--cluster", c.address]
            ok = ipmifast(*login, "--json", "power", "status")
            assert ok.returncode == 0 and len(by_host(ok.stdout)) == 40, ok.stderr
            audit = ipmifast("audit", "127.99.0.[1-40]", "-p", "9986", "-U", "auditor", "-f", str(secret_file),
                             "--cluster", c.address, "--json", "-w", str(tmp_path / "no-such-word-list"))
            failed = by_host(audit.stdout)
            assert len(failed) == 40 and all("cannot read the word list" in str(r["error"]) for r in failed.values())
            logs = c.logs()
            assert "Compute Failed" in logs or "cannot read the word list" in logs  # Dask logged the failed tasks
            assert re.search(r"Key: +ipmifast-audit-[0-9a-f]{12}-0\n", logs)  # ... by a key that names the run
            for output in (ok.stdout, ok.stderr, audit.stdout, audit.stderr, logs):
                assert SECRET not in output
        finally:
            c.close()


class _small_sim:
    def __init__(self, directory: Path, user: str) -> None:
        self.log = directory / "small-sim.log"
        self.user = user

    def __enter__(self) -> None:
        import time

        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [_tool("ipmifast"), "sim", "--count", "40", "--base", "127.99.0.1", "--port", "9986", "--user",
                 self.user], stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while "listening on" not in self.log.read_text():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)


def test_a_local_run_does_not_import_dask(sim_5000: str, password_file: str) -> None:
    code = (
        "import sys\n"
        "from ipmifast.cli.main import main\n"
        f"assert main([*{LOGIN!r}, '-f', {password_file!r}, '-H', '127.98.0.[1-20]', '-p', '{SIM_PORT}', "
        "'power', 'status']) in (0, 3)\n"
        f"assert main(['discover', '127.98.0.[1-20]', '-p', '{SIM_PORT}']) == 0\n"
        f"assert main(['audit', '127.98.0.[1-5]', '-p', '{SIM_PORT}']) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask'))\n"
        "print(json.dumps(loaded) if False else repr(loaded), file=sys.stderr)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().endswith("[]")


def test_cluster_usage_errors_are_one_line(password_file: str) -> None:
    for argv, code, words in [
        (["-H", "127.98.0.[1-2]", "--shard-size", "10", "power", "status"], 64, "--cluster"),
        (["-H", "127.98.0.[1-2]", "--cluster", "tcp://127.0.0.1:9981", "--shard-size", "0", "power", "status"],
         64, "at least 1"),
        (["-H", "127.98.0.[1-2]", "--cluster", "tcp://127.0.0.1:9981", "--worker-password", "IPMI_PW", "power",
          "status"], 64, "env:VARIABLE or file:PATH"),
        (["discover", "127.98.0.1", "--shard-size", "10"], 64, "--cluster"),
        (["audit", "127.98.0.1", "--worker-password", "env:X"], 64, "--cluster"),
        (["cluster", "local", "--workers", "0"], 64, "at least 1"),
        (["-H", "127.98.0.[1-2]", "--cluster", "tcp://127.0.0.1:9981", "sol", "log", "--dir", "/tmp/x"], 64,
         "does not run on --cluster"),
    ]:
        out = ipmifast(*LOGIN, "-f", password_file, *argv) if argv[0] == "-H" else ipmifast(*argv)
        assert out.returncode == code, (argv, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1 and words in out.stderr, (argv, out.stderr)
        assert "Traceback" not in out.stderr


def test_an_unreachable_scheduler_is_one_line_exit_69(password_file: str) -> None:
    for argv in (["-H", "127.98.0.[1-2]", "-p", str(SIM_PORT), *LOGIN, "-f", password_file, "--cluster",
                  "tcp://127.0.0.1:9989", "power", "status"],
                 ["discover", "127.98.0.[1-2]", "--cluster", "tcp://127.0.0.1:9989"],
                 ["cluster", "workers", "tcp://127.0.0.1:9989"]):
        out = ipmifast(*argv, env={**os.environ, "IPMIFAST_CLUSTER_TIMEOUT": "1"})
        assert out.returncode == 69, out.stderr
        assert out.stderr.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9989" in out.stderr


def test_json_lines_of_a_cluster_run_are_json(cluster: DaskCluster, sim_5000: str, password_file: str) -> None:
    out = _fleet(password_file, "127.98.0.[1-30]", "--json", "mc", "info", cluster=cluster.address)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 30 and all(r["ok"] or r["error"]["kind"] == "timeout" for r in records)
    assert any(r["ok"] and "Firmware Revision" in "\n".join(r["lines"]) for r in records)


def test_cluster_local_starts_a_scheduler_and_workers_until_interrupted(sim_5000: str, password_file: str,
                                                                        tmp_path: Path) -> None:
    log = tmp_path / "local.log"
    with open(log, "w") as out:
        local = subprocess.Popen([_tool("ipmifast"), "cluster", "local", "--workers", "2", "--threads", "2", "--port",
                                  "9987", "--resources", "segment-x=1"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "Ctrl-C stops it" not in log.read_text():
            assert local.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert "Dask scheduler tcp://127.0.0.1:9987 with 2 worker processes (2 threads each)" in log.read_text()
        workers = ipmifast("cluster", "workers", "tcp://127.0.0.1:9987")
        assert workers.stdout.startswith("2 workers, 4 threads") and workers.stdout.count("segment-x=1") == 2
        run = _fleet(password_file, "127.98.0.[1-100]", "--json", "power", "status", cluster="tcp://127.0.0.1:9987")
        assert len(by_host(run.stdout)) == 100 and run.returncode in (0, 3), run.stderr
    finally:
        local.send_signal(signal.SIGINT)
        code = local.wait(30)
    assert code == 0 and "Traceback" not in log.read_text()
