"""``--cluster`` with segments that really are apart: each Dask worker in a network namespace of its own, beside
the simulated BMCs only it reaches (``tests/cluster/netns.py``). The credentials file's segment column must send
every host's shard to the worker of its segment: there the host answers; on the other worker it does not exist.

Run as a user runs it: the ``ipmifast`` executable, client and scheduler in the root namespace."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .netns import Topology, script, topology, worker_resources

pytestmark = pytest.mark.interop
SIM_PORT = 9975
SCHEDULER_PORT = 9976
COUNT = 200  # simulated BMCs per segment
LOGIN = ["-I", "lanplus", "-C", "17", "-U", "admin", "-N", "0.5", "-R", "2"]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with topology(tmp_path_factory.mktemp("netns"), ("a", "b"), COUNT, SIM_PORT, SCHEDULER_PORT) as t:
        yield t


def private_file(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def password(files: Path) -> str:
    return private_file(files / "password", "ipmifast\n")


def credentials(files: Path, net: Topology, name: str, **segment_of: str) -> str:
    """A credentials file naming each segment's hosts with their segment (``a="segment-z"`` overrides one)."""
    rows = [f"{s.host_range},,,,,{segment_of.get(s.name, s.resource)}" for s in net.segments]
    return private_file(files / name, "# host pattern, user, password, cipher suite, port, segment\n"
                        + "\n".join(rows) + "\n")


def ipmifast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([script("ipmifast"), *args], capture_output=True, text=True, timeout=120)


def all_hosts(net: Topology) -> list[str]:
    return [h for s in net.segments for h in s.hosts]


def json_lines(out: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.stdout.splitlines()]


def power_status(net: Topology, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return ipmifast(*LOGIN, "-f", password, "-H", ",".join(s.host_range for s in net.segments), "-p", str(SIM_PORT),
                    "--cluster", net.scheduler, *extra, "--json", "power", "status")


def test_the_segments_are_apart(net: Topology) -> None:
    """The topology itself: a segment's BMC answers in its own namespace only, the workers hold their segments."""
    a, b = net.segments
    for segment, host, answers in ((a, a.hosts[0], True), (b, a.hosts[0], False), (b, b.hosts[-1], True),
                                   (a, b.hosts[-1], False)):
        out = subprocess.run(net.in_segment(segment, script("ipmifast"), "discover", host, "-p", str(SIM_PORT),
                                            "--json", "-N", "0.3", "-R", "0"), capture_output=True, text=True,
                             timeout=30)  # fmt: skip
        reports = json_lines(out)
        assert len(reports) == 1 and reports[0]["host"] == host
        assert bool(reports[0].get("ipmi")) is answers, (segment.name, host, reports)
    out = ipmifast("cluster", "workers", net.scheduler)
    assert out.returncode == 0 and out.stdout.startswith("2 workers, 4 threads"), out.stdout + out.stderr
    assert worker_resources(out.stdout) == {"10.231.0.10": "segment-a=1", "10.231.0.11": "segment-b=1"}


def test_power_status_goes_to_the_worker_of_each_hosts_segment(net: Topology, files: Path, password: str) -> None:
    out = power_status(net, password, "--credentials", credentials(files, net, "segments.csv"))
    assert out.returncode == 0, out.stderr
    records = json_lines(out)
    assert len(records) == 2 * COUNT
    assert sorted(r["host"] for r in records) == sorted(all_hosts(net))  # type: ignore[type-var]
    assert [r for r in records if r.get("ok") is not True] == []
    assert "timeout" not in out.stdout
    assert all(r["port"] == SIM_PORT and r["lines"] == ["Chassis Power is on"] for r in records), records[0]
    assert "Traceback" not in out.stderr


def test_discover_goes_to_the_worker_of_each_hosts_segment(net: Topology, files: Path) -> None:
    out = ipmifast("discover", *(s.host_range for s in net.segments), "-p", str(SIM_PORT), "-N", "0.5", "-R", "2",
                   "--cluster", net.scheduler, "--credentials", credentials(files, net, "segments-discover.csv"),
                   "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    reports = json_lines(out)
    assert len(reports) == 2 * COUNT
    assert sorted(r["host"] for r in reports) == sorted(all_hosts(net))  # type: ignore[type-var]
    assert [r for r in reports if not r.get("ipmi")] == []
    assert "Traceback" not in out.stderr


def test_without_segments_hosts_land_on_the_wrong_side_and_fail(net: Topology, password: str) -> None:
    """The control: shards placed on any worker. Those on the other segment's worker find no BMC there."""
    out = power_status(net, password, "--shard-size", "50")
    records = json_lines(out)
    assert len(records) == 2 * COUNT
    assert sorted(r["host"] for r in records) == sorted(all_hosts(net))  # type: ignore[type-var]
    failed = [r for r in records if r.get("ok") is not True]
    assert failed, "every host answered without segments: the namespaces do not keep the segments apart"
    assert all(r["error"]["kind"] != "cluster" for r in failed), failed[0]  # type: ignore[index]  # ran, unanswered
    assert out.returncode != 0
    assert "Traceback" not in out.stderr


def test_a_segment_no_worker_holds_is_refused(net: Topology, files: Path, password: str) -> None:
    out = power_status(net, password, "--credentials", credentials(files, net, "segment-z.csv", a="segment-z"))
    assert out.returncode == 69, out.stdout + out.stderr
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "segment-z" in out.stderr and out.stderr.startswith("ipmifast: ")
    assert "Traceback" not in out.stderr
