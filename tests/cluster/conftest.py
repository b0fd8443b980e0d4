"""Real Dask processes on loopback: a ``dask scheduler`` and ``dask worker`` processes (no nanny, so a test can kill
a worker outright), and ``ipmifast sim`` in a process of its own, as an operator would run them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
#: the 5,000 BMCs of ``ipmifast sim --count 5000 --base 127.98.0.1`` (it skips .0 and .255)
HOSTS = "127.98.[0-18].[1-254],127.98.19.[1-174]"
COUNT = 5000
SIM_PORT = 9980
LOGIN = ["-I", "lanplus", "-C", "17", "-U", "admin", "-N", "0.5", "-R", "1"]


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/setup.sh (pip install -e '.[cluster]')", pytrace=False)
    return str(path)


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early ({process.returncode}):\n{log.read_text()[-2000:]}", pytrace=False)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s:\n{log.read_text()[-2000:]}",
                pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with _suppress():
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with _suppress():
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, *rest: object) -> bool:
        return kind is ProcessLookupError


class DaskCluster:
    """``dask scheduler`` on 127.0.0.1:``port`` and ``workers`` worker processes of ``threads`` threads each."""

    def __init__(self, directory: Path, port: int, workers: int = 2, threads: int = 2,
                 env: dict[str, str] | None = None) -> None:
        self.directory = directory
        self.port = port
        self.address = f"tcp://127.0.0.1:{port}"
        self.threads = threads
        self.env = {**os.environ, **(env or {})}
        self.scheduler_log = directory / "scheduler.log"
        self.scheduler = self._spawn([_tool("dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                      "--no-dashboard"], self.scheduler_log)
        _wait_port(port, self.scheduler, self.scheduler_log)
        self.workers: list[subprocess.Popen[bytes]] = []
        self.worker_logs: list[Path] = []
        for _ in range(workers):
            self.add_worker()
        self.wait_for(workers)

    def _spawn(self, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.directory, env=self.env,
                                    start_new_session=True)

    def add_worker(self, resources: str | None = None) -> subprocess.Popen[bytes]:
        n = len(self.workers)
        log = self.directory / f"worker-{n}.log"
        argv = [_tool("dask"), "worker", self.address, "--nthreads", str(self.threads), "--no-nanny",
                "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{n}", "--death-timeout", "30"]
        if resources:
            argv += ["--resources", resources]
        worker = self._spawn(argv, log)
        self.workers.append(worker)
        self.worker_logs.append(log)
        return worker

    def running(self) -> int:
        out = subprocess.run([_tool("ipmifast"), "cluster", "workers", self.address], capture_output=True,
                             text=True, timeout=30)
        return int(out.stdout.split()[0]) if out.returncode == 0 and out.stdout else 0

    def wait_for(self, count: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.running() < count:
            dead = [log for w, log in zip(self.workers, self.worker_logs, strict=True) if w.poll() is not None]
            if time.monotonic() > deadline or len(dead) > len(self.workers) - count:
                pytest.fail(f"{count} Dask workers did not join: " + " / ".join(
                    log.read_text()[-1000:] for log in self.worker_logs), pytrace=False)
            time.sleep(0.3)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in [self.scheduler_log, *self.worker_logs])

    def close(self) -> None:
        for w in self.workers:
            _stop(w)
        _stop(self.scheduler)


@pytest.fixture(scope="session")
def sim_5000(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """5,000 BMCs (user admin / ipmifast, 2% never answer) in an ``ipmifast sim`` process: their host range."""
    log = tmp_path_factory.mktemp("sim") / "sim.log"
    with open(log, "wb") as out:
        sim = subprocess.Popen([_tool("ipmifast"), "sim", "--count", str(COUNT), "--base", "127.98.0.1", "--port",
                                str(SIM_PORT), "--fail-rate", "0.02"], stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while "listening on" not in log.read_text():
        if sim.poll() is not None or time.monotonic() > deadline:
            _stop(sim)
            pytest.fail(f"ipmifast sim did not start: {log.read_text()}", pytrace=False)
        time.sleep(0.1)
    try:
        yield HOSTS
    finally:
        _stop(sim)


@pytest.fixture(scope="session")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text("ipmifast\n")
    path.chmod(0o600)
    return str(path)


def ipmifast(*args: str, timeout: float = 180, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("ipmifast"), *args], capture_output=True, text=True, timeout=timeout, env=env)


def by_host(json_lines: str) -> dict[tuple[str, int], dict[str, object]]:
    """JSON Lines keyed by (host, port); fails on a host reported twice."""
    out: dict[tuple[str, int], dict[str, object]] = {}
    for line in json_lines.splitlines():
        record = json.loads(line)
        key = (str(record["host"]), int(record["port"]))
        assert key not in out, f"{key} reported twice"
        out[key] = record
    return out
