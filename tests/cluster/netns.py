"""A Dask cluster whose workers sit in network segments of their own: Linux network namespaces on a bridge.

The topology (``topology()``, a context manager; root only)::

    root namespace:   bridge ipmifast-TAG  10.231.0.1/24   dask scheduler, the ipmifast client
                          |                     |
    ipmifast-seg-a-TAG:  veth 10.231.0.10      ipmifast-seg-b-TAG:  veth 10.231.0.11
        dask worker --resources segment-a=1        dask worker --resources segment-b=1
        ipmifast sim on 127.10.0.1..               ipmifast sim on 127.20.0.1..

Every namespace has a loopback of its own, so segment a's simulated BMCs (127.10.0.x) answer only there, segment
b's (127.20.0.x) only in segment b's namespace, and neither in the root namespace: a host's shard succeeds only on
the worker of its segment. The namespaces have no default route: nothing in them reaches beyond the bridge.

``TAG`` is the owning process's pid in base 36 (five characters: link names are at most 15). Processes the
topology starts in the root namespace are recorded in ``/tmp/ipmifast-netns-TAG.json``; a run whose owner is gone
(a crashed or killed test run) is a leftover: ``topology()`` removes those first (processes, namespaces, links).
Teardown always runs: every process group started is stopped, then the namespaces, veths and the bridge deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: every namespace, link and state file of a topology starts with this
PREFIX = "ipmifast-"
#: the bridge's address, where the scheduler listens; segment i's veth has 10.231.0.(10+i)
BRIDGE_ADDRESS = "10.231.0.1"
NETMASK = 24
#: the scripts of this virtualenv (the one running the tests)
BIN = Path(sys.executable).parent
#: seconds to wait for the scheduler, the workers and the simulators
READY_TIMEOUT = 40.0
#: seconds a process gets to exit after SIGTERM before SIGKILL
STOP_GRACE = 5.0
_STATE_DIR = Path(tempfile.gettempdir())


def script(name: str) -> str:
    """The virtualenv's console script ``name`` (``ipmifast``, ``dask``), or a failure saying how to install it."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is not installed: run scripts/setup.sh (pip install -e '.[test,cluster]')",
                    pytrace=False)
    return str(path)


def ip_command() -> str:
    """The ``ip`` tool (iproute2), failing when it is missing or when this process is not root."""
    if os.geteuid() != 0:
        pytest.fail("the network-namespace cluster tests need root (ip netns, veth, bridge): run them as root",
                    pytrace=False)
    path = shutil.which("ip") or shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if path is None:
        pytest.fail("ip (iproute2) is not installed: run scripts/setup.sh (apt-get install iproute2)", pytrace=False)
    return path


def tag_of(pid: int) -> str:
    """``pid`` in base 36, five characters (pids are below 36**5 > 2**22, Linux's largest pid_max)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while pid:
        pid, rest = divmod(pid, 36)
        out = digits[rest] + out
    return out.rjust(5, "0")


@dataclass(frozen=True)
class Segment:
    """Segment ``name`` (index ``index`` of its topology, tag ``tag``): its namespace, addresses and worker."""

    name: str
    index: int
    tag: str
    count: int

    @property
    def resource(self) -> str:
        """The Dask worker resource, and the credentials file's segment column: ``segment-a``."""
        return f"segment-{self.name}"

    @property
    def netns(self) -> str:
        return f"{PREFIX}seg-{self.name}-{self.tag}"

    @property
    def veth(self) -> str:
        """The veth end on the bridge (the other end is ``eth0`` in the namespace)."""
        return f"{PREFIX}{self.tag}{self.index}"

    @property
    def address(self) -> str:
        """The namespace's address on the bridge, where its worker listens."""
        return f"10.231.0.{10 + self.index}"

    @property
    def worker_name(self) -> str:
        return f"seg-{self.name}"

    @property
    def base(self) -> str:
        """The first simulated BMC of the segment: 127.10.0.1 for the first, 127.20.0.1 for the second, ..."""
        return f"127.{10 * (self.index + 1)}.0.1"

    @property
    def hosts(self) -> list[str]:
        """Every simulated BMC's address."""
        prefix = self.base.rsplit(".", 1)[0]
        return [f"{prefix}.{n}" for n in range(1, self.count + 1)]

    @property
    def host_range(self) -> str:
        """The segment's BMCs as an ``-H`` range: ``127.10.0.[1-200]``."""
        return f"{self.base.rsplit('.', 1)[0]}.[1-{self.count}]"


@dataclass
class Topology:
    """A running topology: its segments, ports and the directory holding the processes' logs."""

    segments: list[Segment]
    sim_port: int
    scheduler_port: int
    workdir: Path
    tag: str
    ip: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def bridge(self) -> str:
        return f"{PREFIX}{self.tag}"

    @property
    def scheduler(self) -> str:
        """The scheduler's address for ``--cluster``: ``tcp://10.231.0.1:PORT``."""
        return f"tcp://{BRIDGE_ADDRESS}:{self.scheduler_port}"

    @property
    def state_file(self) -> Path:
        return _state_file(self.tag)

    def segment(self, name: str) -> Segment:
        return next(s for s in self.segments if s.name == name)

    def in_segment(self, segment: Segment, *argv: str) -> list[str]:
        """``argv`` run in ``segment``'s namespace."""
        return [self.ip, "netns", "exec", segment.netns, *argv]

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def log_tail(self, name: str, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log(name).read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    # building

    def start(self, name: str, argv: list[str], root_namespace: bool = False) -> None:
        """Start ``argv`` as process ``name`` in a process group of its own, its output to ``log(name)``."""
        with open(self.log(name), "wb") as out:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.processes[name] = proc
        if root_namespace:  # a crashed run's leftover there is found by this record only
            self._record()

    def _record(self) -> None:
        records = [{"pid": p.pid, "start": _start_time(p.pid)} for p in self.processes.values()]
        self.state_file.write_text(json.dumps({"owner": os.getpid(), "processes": records}))

    def _ip(self, *args: str) -> None:
        _run_ip(self.ip, *args)

    def build(self) -> None:
        """Bridge, namespaces and veths (no process yet)."""
        self.state_file.write_text(json.dumps({"owner": os.getpid(), "processes": []}))
        self._ip("link", "add", self.bridge, "type", "bridge")
        _no_ipv6(self.bridge)  # no router solicitations or DAD on the bridge: only what the tests send
        self._ip("addr", "add", f"{BRIDGE_ADDRESS}/{NETMASK}", "dev", self.bridge)
        self._ip("link", "set", self.bridge, "up")
        for s in self.segments:
            self._ip("netns", "add", s.netns)
            subprocess.run(self.in_segment(s, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                                           "net.ipv6.conf.default.disable_ipv6=1"),
                           capture_output=True, timeout=10)  # fmt: skip
            self._ip("-n", s.netns, "link", "set", "lo", "up")
            self._ip("link", "add", s.veth, "type", "veth", "peer", "name", "eth0", "netns", s.netns)
            _no_ipv6(s.veth)
            self._ip("link", "set", s.veth, "master", self.bridge, "up")
            self._ip("-n", s.netns, "addr", "add", f"{s.address}/{NETMASK}", "dev", "eth0")
            self._ip("-n", s.netns, "link", "set", "eth0", "up")

    def start_processes(self) -> None:
        """The scheduler (root namespace), and each segment's simulator and worker (in its namespace)."""
        dask, ipmifast = script("dask"), script("ipmifast")
        self.start("scheduler", [dask, "scheduler", "--host", BRIDGE_ADDRESS, "--port", str(self.scheduler_port),
                                 "--no-dashboard", "--dashboard-address", f"{BRIDGE_ADDRESS}:0"],
                   root_namespace=True)  # fmt: skip
        for s in self.segments:
            self.start(f"sim-{s.name}", self.in_segment(s, ipmifast, "sim", "--count", str(s.count), "--base",
                                                        s.base, "--port", str(self.sim_port)))
        self.wait_for_scheduler()
        for s in self.segments:
            self.start(f"worker-{s.name}", self.in_segment(
                s, dask, "worker", self.scheduler, "--nthreads", "2", "--nworkers", "1", "--no-dashboard",
                "--host", s.address, "--resources", f"{s.resource}=1", "--name", s.worker_name))

    # readiness

    def _alive(self, name: str) -> None:
        proc = self.processes[name]
        if proc.poll() is not None:
            pytest.fail(f"{name} exited ({proc.returncode}) while the topology started:\n{self.log_tail(name)}",
                        pytrace=False)

    def _deadline_passed(self, deadline: float, what: str, name: str, detail: str = "") -> None:
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not ready within {READY_TIMEOUT:g} s{detail}\n--- {name}.log:\n"
                        f"{self.log_tail(name)}", pytrace=False)

    def wait_for_scheduler(self, deadline: float | None = None) -> None:
        """Until the scheduler's port accepts connections."""
        deadline = deadline or time.monotonic() + READY_TIMEOUT
        while True:
            self._alive("scheduler")
            with contextlib.suppress(OSError), socket.create_connection((BRIDGE_ADDRESS, self.scheduler_port), 0.5):
                return
            self._deadline_passed(deadline, "the Dask scheduler", "scheduler")
            time.sleep(0.1)

    def wait_for_workers(self, deadline: float) -> None:
        """Until ``ipmifast cluster workers`` lists one worker per segment, each with its segment's resource."""
        want = {s.address: f"{s.resource}=1" for s in self.segments}
        while True:
            for s in self.segments:
                self._alive(f"worker-{s.name}")
            result = subprocess.run([script("ipmifast"), "cluster", "workers", self.scheduler], capture_output=True,
                                    text=True, timeout=30)  # fmt: skip
            out = result.stdout + result.stderr
            if result.returncode == 0 and worker_resources(result.stdout) == want:
                return
            self._deadline_passed(deadline, "the Dask workers", f"worker-{self.segments[-1].name}",
                                  f"; ipmifast cluster workers said:\n{out}")
            time.sleep(0.2)

    def wait_for_sims(self, deadline: float) -> None:
        """Until each segment's first and last BMC answer discovery inside the segment's namespace."""
        for s in self.segments:
            for host in (s.hosts[0], s.hosts[-1]):
                while True:
                    self._alive(f"sim-{s.name}")
                    result = subprocess.run(self.in_segment(s, script("ipmifast"), "discover", host, "-p",
                                                            str(self.sim_port), "--json", "-N", "0.3", "-R", "0"),
                                            capture_output=True, text=True, timeout=30)  # fmt: skip
                    with contextlib.suppress(ValueError, IndexError):
                        if json.loads(result.stdout.splitlines()[0]).get("ipmi"):
                            break
                    self._deadline_passed(deadline, f"the simulator of segment {s.name}", f"sim-{s.name}",
                                          f"; discover {host} said:\n{result.stdout}{result.stderr}")
                    time.sleep(0.1)

    # teardown

    def stop(self) -> None:
        """Stop every process group started (SIGTERM, then SIGKILL), then anything left in the namespaces."""
        for proc in self.processes.values():
            _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for proc in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.0, deadline - time.monotonic()))
            _signal_group(proc.pid, signal.SIGKILL)  # the group's other members (a nanny's worker) too
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_GRACE)
        for s in self.segments:
            _kill_in_netns(self.ip, s.netns)

    def remove(self) -> None:
        """Delete the veths, namespaces and bridge (whichever exist), and the state file."""
        remove_links_and_namespaces(self.ip, [s.veth for s in self.segments] + [self.bridge],
                                    [s.netns for s in self.segments])
        with contextlib.suppress(OSError):
            self.state_file.unlink()


def worker_resources(listing: str) -> dict[str, str] | None:
    """The workers in ``ipmifast cluster workers``'s output: address (no port) -> their resources
    (``segment-a=1``); None when the first line's count does not match the lines."""
    lines = listing.splitlines()
    head = re.match(r"(\d+) workers,", lines[0]) if lines else None
    found: dict[str, str] = {}
    for line in lines[1:]:
        address = re.match(r"\s*tcp://([\d.]+):\d+\s", line)
        resources = re.search(r"\sresources (\S+)", line)
        if address and resources:
            found[address.group(1)] = resources.group(1)
    return found if head is not None and int(head.group(1)) == len(found) else None


def _run_ip(ip: str, *args: str) -> None:
    result = subprocess.run([ip, *args], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.fail(f"ip {' '.join(args)} failed: {result.stderr.strip()}", pytrace=False)


def _no_ipv6(link: str) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/sys/net/ipv6/conf/{link}/disable_ipv6").write_text("1")


def _state_file(tag: str) -> Path:
    return _STATE_DIR / f"{PREFIX}netns-{tag}.json"


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, /proc/PID/stat field 22): tells a reused pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _kill_in_netns(ip: str, netns: str) -> None:
    """SIGKILL every process still in ``netns`` (an orphan of a crashed run keeps the namespace alive)."""
    result = subprocess.run([ip, "netns", "pids", netns], capture_output=True, text=True, timeout=30)
    pids = [int(p) for p in result.stdout.split() if p.isdigit()]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + STOP_GRACE
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _running(p)]
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (a zombie has left its namespaces)."""
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def remove_links_and_namespaces(ip: str, links: Sequence[str], namespaces: Sequence[str]) -> None:
    """Delete ``links`` and ``namespaces`` that exist (killing what still runs in the namespaces first)."""
    for netns in namespaces:
        _kill_in_netns(ip, netns)
    existing = set(_links(ip))
    for link in links:
        if link in existing:
            subprocess.run([ip, "link", "del", link], capture_output=True, timeout=30)
    existing_ns = set(_namespaces(ip))
    for netns in namespaces:
        if netns in existing_ns:
            subprocess.run([ip, "netns", "del", netns], capture_output=True, timeout=30)


def _links(ip: str) -> list[str]:
    out = subprocess.run([ip, "-o", "link", "show"], capture_output=True, text=True, timeout=30).stdout
    return [line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if line.count(":") >= 2]


def _namespaces(ip: str) -> list[str]:
    out = subprocess.run([ip, "netns", "list"], capture_output=True, text=True, timeout=30).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _owner_alive(tag: str) -> bool:
    """Whether the run of ``tag`` is still going: its owner (the pid the tag spells) lives and is not us."""
    try:
        pid = int(tag, 36)
    except ValueError:
        return False
    if pid == os.getpid():
        return False  # our own leftover (an earlier topology of this process whose teardown failed)
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"python" in cmdline or b"pytest" in cmdline


def _tag_of_name(name: str) -> str | None:
    """The tag in a namespace name (``ipmifast-seg-a-TAG``), a bridge's (``ipmifast-TAG``) or a veth's
    (``ipmifast-TAGi``); None for a name of another shape."""
    if not name.startswith(PREFIX):
        return None
    rest = name[len(PREFIX):]
    if rest.startswith("seg-"):
        return rest.rsplit("-", 1)[-1]
    return rest[:5] if len(rest) >= 5 else None


def remove_leftovers(ip: str) -> None:
    """Remove what crashed runs left: their root-namespace processes, namespaces and links with ``PREFIX``.

    A run still going (its owner alive) is a failure, not a leftover: two runs cannot share 10.231.0.1."""
    stale: set[str] = set()
    for path in _STATE_DIR.glob(f"{PREFIX}netns-*.json"):
        owner = path.stem[len(f"{PREFIX}netns-"):]
        if _owner_alive(owner):
            pytest.fail(f"another test run (pid {int(owner, 36)}) has the network-namespace topology up "
                        f"({path}): wait for it to finish", pytrace=False)
        stale.add(owner)
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            for record in json.loads(path.read_text())["processes"]:
                pid = int(record["pid"])
                if record["start"] is not None and _start_time(pid) == record["start"]:
                    _signal_group(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            path.unlink()
    links = [n for n in _links(ip) if n.startswith(PREFIX)]
    namespaces = [n for n in _namespaces(ip) if n.startswith(PREFIX)]
    for name in [*links, *namespaces]:
        tag = _tag_of_name(name)
        if tag is not None and tag not in stale and _owner_alive(tag):
            pytest.fail(f"another test run (pid {int(tag, 36)}) has {name} up: wait for it to finish", pytrace=False)
    remove_links_and_namespaces(ip, links, namespaces)


@contextlib.contextmanager
def topology(workdir: Path, segments: Sequence[str] = ("a", "b"), count: int = 200, sim_port: int = 9975,
             scheduler_port: int = 9976) -> Iterator[Topology]:
    """The running topology (module docstring) with ``count`` simulated BMCs per segment; torn down on exit,
    whatever happened. Logs of its processes are in ``workdir``."""
    ip = ip_command()
    if not 1 <= count <= 254:
        raise ValueError("count: 1 to 254 BMCs per segment (one /24 of loopback addresses)")
    if not 1 <= len(segments) <= 9:
        raise ValueError("segments: 1 to 9")
    remove_leftovers(ip)
    tag = tag_of(os.getpid())
    topo = Topology([Segment(name, i, tag, count) for i, name in enumerate(segments)], sim_port, scheduler_port,
                    workdir, tag, ip)
    try:
        topo.build()
        topo.start_processes()
        deadline = time.monotonic() + READY_TIMEOUT
        topo.wait_for_sims(deadline)
        topo.wait_for_workers(deadline)
        yield topo
    finally:
        topo.stop()
        topo.remove()
