"""``ipmifast sol activate|deactivate|looptest`` against real peers, driven through a pseudo-terminal: the
simulator (``ipmifast.sim``, its host shell), OpenIPMI's ipmi_sim with its SOL console, ipmitool and FreeIPMI's
ipmiconsole against the same simulator, and a lossy UDP relay between our console and the simulator.

Simulator fleets here use UDP ports 9906-9909 (distinct from every other test module); ipmi_sim uses slot 20.
"""

from __future__ import annotations

import os
import random
import select
import signal
import socket
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.cmds.transport import SolCharacterParameters, SolRetry
from ipmifast.sim.fleet import Fleet
from tests.cli.conftest import EXECUTABLE
from tests.interop.conftest import TESTBED, SimBmc, _unique_addr, require, stop_ipmi_sim
from tests.sim.conftest import FleetThread, on_loop

PORT = 9906
VANISH_PORT = 9907
RELAY_PORT = 9908
BASE = "127.89.0.1"
HOST = "127.89.0.1"
SLOT = 20

def _password_file() -> str:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="ipmifast-sol-")) / "password"
    path.write_text("ipmifast\n")
    path.chmod(0o600)
    return str(path)


LOGIN = ["-U", "admin", "-f", _password_file()]


def activate_cmd(host: str = HOST, port: int = PORT, *extra: str) -> list[str]:
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} is not installed: run scripts/setup.sh (pip install -e .)", pytrace=False)
    return [str(EXECUTABLE), "-H", host, "-p", str(port), *LOGIN, "sol", "activate", *extra]


class Pty:
    """A command on the slave side of a fresh pseudo-terminal; the test types on the master and reads it."""

    def __init__(self, command: list[str]) -> None:
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(command, stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     start_new_session=True, close_fds=True)  # fmt: skip
        self.out = bytearray()

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    self.out += os.read(self.master, 65536)
                except OSError:
                    return

    def expect(self, text: bytes, timeout: float = 15.0, start: int = 0) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            at = self.out.find(text, start)
            if at >= 0:
                return at + len(text)
            self.read(0.05)
        pytest.fail(f"{text!r} did not appear; output so far: {bytes(self.out)!r}")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait(self, timeout: float = 30.0) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            code = self.proc.poll()
            if code is not None:
                self.read(0.1)
                return code
            self.read(0.05)
        self.proc.kill()
        pytest.fail(f"the console did not end; output: {bytes(self.out)!r}")

    def attrs_restored(self) -> bool:
        return termios.tcgetattr(self.slave) == self.before

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self.master)
        os.close(self.slave)


def login(p: Pty) -> None:
    p.expect(b"sim-host login: ")
    p.send(b"root\r")
    p.expect(b"Password: ")
    p.send(b"secret\r")
    p.expect(b"root@sim-host:~# ")


@pytest.fixture(scope="module")
def sim() -> Iterator[Fleet]:
    with FleetThread(count=4, base=BASE, port=PORT) as fleet:
        yield fleet


@pytest.fixture
def console(sim: Fleet) -> Iterator[list[Pty]]:
    started: list[Pty] = []
    yield started
    for p in started:
        p.close()
    for i in range(4):  # nothing a test left behind holds SOL for the next one
        address = f"127.89.0.{i + 1}"
        end = time.monotonic() + 10
        while on_loop(sim, lambda a=address: sim.bmc(a).sol_active()) is not None and time.monotonic() < end:
            time.sleep(0.1)


def power_on(sim: Fleet, host: str = HOST) -> None:
    on_loop(sim, lambda: sim.bmc(host).power(True, sim.bmc(host).clock(), "power-on"))


def shell(sim: Fleet, host: str = HOST):  # noqa: ANN201 - HostShell, read on the fleet's loop
    return on_loop(sim, lambda: sim.bmc(host).host_shell)


# ------------------------------------------------------------------------------------------ our console, pty


def test_activate_runs_a_command_and_tilde_dot_restores_the_terminal(sim: Fleet, console: list[Pty]) -> None:
    power_on(sim)
    p = Pty(activate_cmd())
    console.append(p)
    p.expect(b"[SOL session operational on channel 1. Use ~? for help]")
    assert not p.attrs_restored()  # raw mode while the console runs
    login(p)
    p.send(b"uname -a\r")
    p.expect(b"Linux sim-host 6.1.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\r\nroot@sim-host:~# ")
    p.send(b"\r~?")
    p.expect(b"~B  send a break to the host")
    p.send(b"\r~.")
    assert p.wait() == 0
    assert p.attrs_restored()
    assert on_loop(sim, lambda: sim.bmc(HOST).sol_active()) is None  # Deactivate Payload, then Close Session


def test_break_reaches_the_host_and_double_tilde_sends_one(sim: Fleet, console: list[Pty]) -> None:
    host = "127.89.0.2"
    power_on(sim, host)
    before = shell(sim, host).breaks
    p = Pty(activate_cmd(host))
    console.append(p)
    login(p)
    p.send(b"\r~B")
    p.expect(b"[sent a break]")
    p.send(b"breaks\r")
    p.expect(f"breaks\r\n{before + 1}\r\n".encode())
    p.send(b"~~x\r")  # after a newline: "~~" is one "~"
    p.expect(b"-sh: ~x: command not found")
    p.send(b"echo a~b\r")  # not after a newline: sent as it is
    p.expect(b"\r\na~b\r\n")
    assert b"~~" not in bytes(on_loop(sim, lambda: sim.bmc(host).sol_active()[1].received))
    p.send(b"\r~.")
    assert p.wait() == 0 and p.attrs_restored()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_restores_the_terminal(sim: Fleet, console: list[Pty], signum: int) -> None:
    power_on(sim)
    p = Pty(activate_cmd())
    console.append(p)
    p.expect(b"sim-host login: ")
    assert not p.attrs_restored()
    p.proc.send_signal(signum)
    assert p.wait() == 128 + signum
    assert p.attrs_restored()
    p.expect(f"ipmifast: {HOST}: SOL console ended by {signal.Signals(signum).name}".encode())


def test_bmc_that_vanishes_ends_the_console_with_the_terminal_restored() -> None:
    """The simulator stops while the console runs: the next keystroke is never acknowledged, the window gives up
    after the BMC's retries (7 x 500 ms) and the console ends with one line and exit status 3 (timeout)."""
    fleet_thread = FleetThread(count=1, base="127.89.1.1", port=VANISH_PORT)
    fleet = fleet_thread.__enter__()
    power_on(fleet, "127.89.1.1")
    p = Pty(activate_cmd("127.89.1.1", VANISH_PORT))
    try:
        login(p)
        fleet_thread.__exit__(None, None, None)
        p.send(b"x")
        assert p.wait(40) == 3
        assert p.attrs_restored()
        p.expect(b"ipmifast: 127.89.1.1: SOL session lost: the BMC stopped answering")
    finally:
        p.close()


def test_reconnect_after_the_bmc_vanishes_and_comes_back() -> None:
    """``--reconnect``: the simulator stops (the window gives up after 7 x 500 ms), new sessions are tried every 2 s
    while it is down, and the console carries on when a new simulator answers on the same address."""
    host = "127.89.1.2"
    first = FleetThread(count=1, base=host, port=VANISH_PORT)
    fleet = first.__enter__()
    power_on(fleet, host)
    p = Pty(activate_cmd(host, VANISH_PORT, "--reconnect"))
    try:
        login(p)
        first.__exit__(None, None, None)
        p.send(b"x")
        at = p.expect(b"[SOL session lost: the BMC stopped answering; reconnecting]", timeout=30)
        at = p.expect(b"[reconnect failed: ", start=at, timeout=30)
        with FleetThread(count=1, base=host, port=VANISH_PORT) as again:
            power_on(again, host)
            at = p.expect(b"[reconnected]", start=at, timeout=30)
            p.expect(b"sim-host login: ", start=at)
            p.send(b"root\rx\rhostname\r")
            p.expect(b"hostname\r\nsim-host\r\n", start=at)
            p.send(b"\r~.")
            assert p.wait() == 0 and p.attrs_restored()
    finally:
        p.close()


def test_already_active_needs_force_and_the_first_console_is_told(sim: Fleet, console: list[Pty]) -> None:
    host = "127.89.0.3"
    power_on(sim, host)
    first = Pty(activate_cmd(host))
    console.append(first)
    first.expect(b"sim-host login: ")
    refused = subprocess.run(activate_cmd(host), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith(
        f"ipmifast: {host}: SOL payload already active on another session: end it with 'sol deactivate', or take "
        "it over with 'sol activate --force'")
    second = Pty(activate_cmd(host, PORT, "--force"))
    console.append(second)
    second.expect(b"sim-host login: ")
    assert first.wait() == 1 and first.attrs_restored()
    first.expect(f"ipmifast: {host}: SOL payload deactivated by the BMC (another session may have taken it)".encode())
    second.send(b"\r~.")
    assert second.wait() == 0


def test_reconnect_after_another_session_deactivates(sim: Fleet, console: list[Pty]) -> None:
    host = "127.89.0.4"
    power_on(sim, host)
    p = Pty(activate_cmd(host, PORT, "--reconnect"))
    console.append(p)
    login(p)
    out = subprocess.run([str(EXECUTABLE), "-H", host, "-p", str(PORT), *LOGIN, "sol", "deactivate"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    at = p.expect(b"[SOL payload deactivated by the BMC (another session may have taken it); reconnecting]")
    at = p.expect(b"[reconnected]", start=at)
    p.expect(b"sim-host login: ", start=at)  # the line hung up: a fresh login
    p.send(b"root\rx\rhostname\r")
    p.expect(b"hostname\r\nsim-host\r\n", start=at)
    p.send(b"\r~.")
    assert p.wait() == 0 and p.attrs_restored()
    again = subprocess.run([str(EXECUTABLE), "-H", host, "-p", str(PORT), *LOGIN, "sol", "deactivate"],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert again.stdout == "Info: SOL payload already de-activated\n"


def test_piped_stdin_is_sent_and_stdout_is_the_console(sim: Fleet, console: list[Pty], tmp_path: Path) -> None:
    power_on(sim)
    log = tmp_path / "sol.log"
    out = subprocess.run(activate_cmd(HOST, PORT, "--log", str(log)), input=b"root\rpw\rseq 3\rexit\r",
                         capture_output=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert b"root@sim-host:~# seq 3\r\n1\r\n2\r\n3\r\nroot@sim-host:~# exit\r\nlogout\r\n" in out.stdout
    assert out.stdout.endswith(b"sim-host login: ")
    assert log.read_bytes() == out.stdout
    assert b"[SOL session operational" in out.stderr  # messages on stderr, the console alone on stdout


def test_sol_config_is_honoured(sim: Fleet, console: list[Pty]) -> None:
    """SOL disabled, privilege above the session's, forced encryption on a suite without it: one line each."""
    host = "127.89.0.2"
    sol = on_loop(sim, lambda: sim.bmc(host).state.sol)
    cmd = [str(EXECUTABLE), "-H", host, "-p", str(PORT), *LOGIN]
    try:
        on_loop(sim, lambda: setattr(sol, "sol_enable", False))
        out = subprocess.run([*cmd, "sol", "activate"], capture_output=True, text=True, timeout=60)
        assert (out.returncode, out.stderr.strip()) == (1, f"ipmifast: {host}: SOL is disabled on channel 1 (enable "
                                                           "it: ipmifast ... sol set enabled true 1)")  # fmt: skip
        on_loop(sim, lambda: setattr(sol, "sol_enable", True))
        out = subprocess.run([*cmd, "sol", "set", "privilege-level", "admin", "1"], capture_output=True, text=True,
                             timeout=60)  # fmt: skip
        assert out.returncode == 0, out.stderr
        out = subprocess.run([*cmd, "-L", "OPERATOR", "sol", "activate"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and "Activate Payload" in out.stderr and "privilege" in out.stderr.lower()
    finally:
        on_loop(sim, lambda: setattr(sol, "sol_enable", True))
        subprocess.run([*cmd, "sol", "set", "privilege-level", "user", "1"], capture_output=True, timeout=60)


def test_deactivate_and_looptest(sim: Fleet, console: list[Pty]) -> None:
    host = "127.89.0.2"
    power_on(sim, host)
    cmd = [str(EXECUTABLE), "-H", host, "-p", str(PORT), *LOGIN, "sol"]
    out = subprocess.run([*cmd, "looptest", "2", "200"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == ["SOL looptest 1/2: activated on channel 1",
                                                      "SOL looptest 2/2: activated on channel 1"]
    assert all(int(line.split(", ")[1].split()[0]) > 0 for line in lines)  # the host's login prompt came back
    out = subprocess.run([*cmd, "deactivate"], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "Info: SOL payload already de-activated\n")


# ------------------------------------------------------------------------------------- other consoles, same host


def test_ipmitool_types_a_command_and_reads_its_answer(sim: Fleet, console: list[Pty]) -> None:
    power_on(sim)
    tool = require("ipmitool")
    p = Pty([tool, "-I", "lanplus", "-C", "3", "-H", HOST, "-p", str(PORT), *LOGIN, "sol", "activate"])
    console.append(p)
    p.expect(b"[SOL Session operational.  Use ~? for help]")
    p.send(b"\r")
    login(p)
    p.send(b"hostname\r")
    p.expect(b"hostname\r\nsim-host\r\nroot@sim-host:~# ")
    p.send(b"\r~.")
    assert p.wait() == 0


def test_ipmiconsole_types_a_command_and_reads_its_answer(sim: Fleet, console: list[Pty]) -> None:
    power_on(sim)
    tool = require("ipmiconsole")
    p = Pty([tool, "-h", f"{HOST}:{PORT}", "-u", "admin", "-p", "ipmifast", "-I", "17"])
    console.append(p)
    p.expect(b"[SOL established]")
    p.send(b"\r")
    login(p)
    p.send(b"echo from ipmiconsole\r")
    p.expect(b"\r\nfrom ipmiconsole\r\nroot@sim-host:~# ")
    p.send(b"\r&.")
    assert p.wait() == 0


# ------------------------------------------------------------------------------------------- against ipmi_sim


@pytest.fixture(scope="module")
def ipmi_sim_sol(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """OpenIPMI's ipmi_sim with SOL: start-bmc.sh starts the testbed's fake serial console (sol-console.py) first,
    and ipmi_sim connects to it (retrying every 10 s)."""
    require("ipmi_sim")
    addr, port = _unique_addr(SLOT)
    state = tmp_path_factory.mktemp("ipmi_sim_sol_console")
    out = subprocess.run(["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state), "--timeout", "20"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim (with SOL) did not start: {out.stderr.strip()}", pytrace=False)
    bmc = SimBmc(addr, port, state, int(out.stdout.strip().splitlines()[-1]))
    try:
        yield bmc
    finally:
        stop_ipmi_sim(bmc)


def test_our_console_against_ipmi_sim(ipmi_sim_sol: SimBmc) -> None:
    """ipmi_sim 2.0.33 (testbed README: it lacks SOL parameters 2-4, so the console falls back to 7 x 500 ms;
    Get Channel Payload Support goes to channel 1, never 0Eh): log in to its serial console, run a command."""
    password = Path(str(ipmi_sim_sol.state_dir)) / "password"
    password.write_text("ipmifast-admin\n")
    password.chmod(0o600)
    cmd = [str(EXECUTABLE), "-H", ipmi_sim_sol.addr, "-p", str(ipmi_sim_sol.port), "-U", "admin", "-f",
           str(password), "-C", "3", "sol", "activate"]  # fmt: skip
    p = Pty(cmd)
    try:
        p.expect(b"[SOL session operational on channel 1")
        deadline = time.monotonic() + 25  # ipmi_sim reaches the serial console only every 10 s
        while b"ipmifast-sim:~# " not in p.out and time.monotonic() < deadline:
            p.send(b"\r")
            p.read(1.0)
        at = p.expect(b"ipmifast-sim:~# ")
        p.send(b"uname\r")
        p.expect(b"uname\r\nLinux ipmifast-sim 6.1.0-sim x86_64\r\n", start=at)
        p.send(b"\r~.")
        assert p.wait() == 0 and p.attrs_restored()
    finally:
        p.close()
    assert os.kill(ipmi_sim_sol.pid, 0) is None  # still running: nothing crashed it


# -------------------------------------------------------------------------------------- lossy link, 1 MB each way


class LossyRelay:
    """UDP on loopback between one console and one BMC: drops ``loss`` of the datagrams in each direction and
    delays ``reorder`` of them by 1-15 ms, so that later ones overtake them."""

    def __init__(self, listen: tuple[str, int], bmc: tuple[str, int], loss: float, reorder: float, seed: int) -> None:
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(listen)
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind((listen[0], 0))
        self.bmc = bmc
        self.loss, self.reorder = loss, reorder
        self.random = random.Random(seed)
        self.client: tuple[str, int] | None = None
        self.held: list[tuple[float, socket.socket, bytes, tuple[str, int]]] = []
        self.counts = {"carried": 0, "dropped": 0, "reordered": 0}
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _forward(self, sock: socket.socket, data: bytes, to: tuple[str, int]) -> None:
        if self.random.random() < self.loss:
            self.counts["dropped"] += 1
            return
        if self.random.random() < self.reorder:
            self.counts["reordered"] += 1
            self.held.append((time.monotonic() + self.random.uniform(0.001, 0.015), sock, data, to))
            return
        self.counts["carried"] += 1
        sock.sendto(data, to)

    def _run(self) -> None:
        while self.running:
            ready, _, _ = select.select([self.front, self.back], [], [], 0.001 if self.held else 0.05)
            for sock in ready:
                data, peer = sock.recvfrom(65536)
                if sock is self.front:
                    self.client = peer
                    self._forward(self.back, data, self.bmc)
                elif self.client is not None:
                    self._forward(self.front, data, self.client)
            now = time.monotonic()
            for item in [h for h in self.held if h[0] <= now]:
                self.held.remove(item)
                item[1].sendto(item[2], item[3])

    def close(self) -> None:
        self.running = False
        self.thread.join(5)
        self.front.close()
        self.back.close()


def test_one_megabyte_each_way_through_a_lossy_reordering_relay(sim: Fleet, console: list[Pty]) -> None:
    """10% of the datagrams lost in each direction, 10% delayed past later ones: 1 MiB typed into ``cat`` on the
    host arrives at the host exactly (byte count and SHA-256 there) and comes back exactly, once, in order.

    The BMC's SOL retry interval is set to 20 ms (retry count 7) and its character accumulate interval to 5 ms, so
    the test takes about a minute and a half instead of many; the console reads the retry parameters from the BMC
    (SOL parameter 4). With 19% of round trips failing, a packet fails after 8 losses in a row:
    about 1.7e-6 per packet."""
    host = "127.89.0.3"
    power_on(sim, host)
    sol = on_loop(sim, lambda: sim.bmc(host).state.sol)
    old_retry = sol.sol_retry
    old_chars = sol.character_accumulate_interval_and_send_threshold
    on_loop(sim, lambda: setattr(sol, "sol_retry", SolRetry(7, 2)))
    on_loop(sim, lambda: setattr(sol, "character_accumulate_interval_and_send_threshold",
                                 SolCharacterParameters(1, old_chars.send_threshold)))
    relay = LossyRelay(("127.89.0.100", RELAY_PORT), (host, PORT), loss=0.10, reorder=0.10, seed=9)
    allowed = bytes(b for b in range(256) if b not in (0x03, 0x04, 0x7E))  # no Ctrl-C/D for cat, no escape char
    data = bytes(random.Random(7).choices(allowed, k=1 << 20))
    before = on_loop(sim, lambda: (sim.bmc(host).host_shell.cat_bytes, sim.bmc(host).host_shell.cat_digest.copy()))
    try:
        started = time.monotonic()
        proc = subprocess.run(activate_cmd("127.89.0.100", RELAY_PORT, "-e", "none"), capture_output=True,
                              input=b"root\rpw\rcat\r" + data + b"\x04exit\r", timeout=600)  # fmt: skip
        out, err = proc.stdout, proc.stderr
        elapsed = time.monotonic() - started
    finally:
        relay.close()
        on_loop(sim, lambda: setattr(sol, "sol_retry", old_retry))
        on_loop(sim, lambda: setattr(sol, "character_accumulate_interval_and_send_threshold", old_chars))
    assert proc.returncode == 0, err
    start = out.index(b"root@sim-host:~# cat\r\n") + len(b"root@sim-host:~# cat\r\n")
    end = out.index(b"^D\r\nroot@sim-host:~# exit", start)
    echoed = out[start:end]
    assert len(echoed) == len(data) and echoed == data
    after = shell(sim, host)
    digest = before[1]
    digest.update(data)
    assert after.cat_bytes - before[0] == len(data) and after.cat_digest.digest() == digest.digest()
    assert relay.counts["dropped"] > 0.08 * sum(relay.counts.values())
    assert relay.counts["reordered"] > 0
    print(f"1 MiB each way under 10% loss: {elapsed:.1f} s, relay {relay.counts}")


def test_cat_digest_matches_on_the_host(sim: Fleet, console: list[Pty]) -> None:
    """Without loss: what ``cat`` took in on the host is exactly what was typed (count and SHA-256)."""
    host = "127.89.0.4"
    power_on(sim, host)
    data = bytes(random.Random(3).choices(bytes(b for b in range(256) if b not in (3, 4, 0x7E)), k=200_000))
    before = on_loop(sim, lambda: (sim.bmc(host).host_shell.cat_bytes, sim.bmc(host).host_shell.cat_digest.copy()))
    out = subprocess.run(activate_cmd(host, PORT, "-e", "none"), input=b"root\rpw\rcat\r" + data + b"\x04",
                         capture_output=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    after = shell(sim, host)
    assert after.cat_bytes - before[0] == len(data)
    digest = before[1]
    digest.update(data)
    assert after.cat_digest.digest() == digest.digest()
    assert data in out.stdout



# ------------------------------------------------------------------ suspend, terminal size, keep-alive (pty)


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test_tilde_ctrl_z_suspends_with_the_terminal_restored_and_continue_resumes(sim: Fleet,
                                                                              console: list[Pty]) -> None:
    power_on(sim)
    p = Pty(activate_cmd())
    console.append(p)
    login(p)
    p.send(b"~\x1a")  # the password's Enter was the last key: at the start of a line
    end = time.monotonic() + 10
    while _state(p.proc.pid) != "T":
        assert time.monotonic() < end, "the console did not stop"
        time.sleep(0.05)
    assert p.attrs_restored()  # the shell gets its terminal back while ipmifast is stopped
    os.kill(p.proc.pid, signal.SIGCONT)  # what the shell's fg does
    end = time.monotonic() + 10
    while p.attrs_restored():  # raw again
        assert time.monotonic() < end, "the terminal did not go back to raw mode"
        time.sleep(0.02)
    mark = len(p.out)
    p.send(b"echo resumed-ok\r")
    p.expect(b"echo resumed-ok\r\nresumed-ok\r\n", start=mark)  # typed after the resume, and answered
    p.send(b"\r~.")
    assert p.wait() == 0 and p.attrs_restored()


def test_tilde_w_types_the_terminal_size_at_the_host_prompt(sim: Fleet, console: list[Pty]) -> None:
    import fcntl
    import struct

    power_on(sim)
    p = Pty(activate_cmd())
    console.append(p)
    fcntl.ioctl(p.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 41, 133, 0, 0))
    login(p)
    mark = len(p.out)
    p.send(b"~w")
    p.expect(b"stty rows 41 cols 133", start=mark)  # the host shell echoes what was typed for it
    p.expect(b"root@sim-host:~# ", start=mark)
    p.send(b"\r~.")
    assert p.wait() == 0


class CountingRelay(LossyRelay):
    """A relay that counts the datagrams the console sends, and can go silent (``loss`` = 1)."""

    def __init__(self, listen: tuple[str, int], bmc: tuple[str, int]) -> None:
        self.from_console = 0
        super().__init__(listen, bmc, loss=0.0, reorder=0.0, seed=1)

    def _forward(self, sock: socket.socket, data: bytes, to: tuple[str, int]) -> None:
        if sock is self.back:
            self.from_console += 1
        super()._forward(sock, data, to)


def test_keepalive_while_idle_and_a_silent_bmc_ends_the_console() -> None:
    """An idle console sends a Get Device ID every ``--keepalive`` seconds (and nothing at the default 15 s
    within the same time); when the BMC stops answering, the keep-alive finds it and the console ends with one
    line, exit status 3, the terminal restored, though nobody typed anything."""
    fleet_thread = FleetThread(count=1, base="127.89.3.1", port=VANISH_PORT)
    fleet = fleet_thread.__enter__()
    power_on(fleet, "127.89.3.1")
    relay = CountingRelay(("127.89.3.100", RELAY_PORT), ("127.89.3.1", VANISH_PORT))
    idle: dict[str, int] = {}
    try:
        for name, extra in (("default", []), ("0.25 s", ["--keepalive", "0.25"])):
            p = Pty([str(EXECUTABLE), "-H", "127.89.3.100", "-p", str(RELAY_PORT), "-N", "0.3", "-R", "1", *LOGIN,
                     "sol", "activate", *extra])
            try:
                login(p)
                time.sleep(0.5)  # the login's last acknowledgements
                before = relay.from_console
                time.sleep(2.0)
                idle[name] = relay.from_console - before
                if name == "default":
                    p.send(b"\r~.")
                    assert p.wait() == 0
                    continue
                relay.loss = 1.0  # the BMC is gone
                assert p.wait(15) == 3
                assert p.attrs_restored()
                p.expect(b"ipmifast: 127.89.3.100: SOL session lost: the BMC stopped answering")
            finally:
                p.close()
    finally:
        relay.close()
        fleet_thread.__exit__(None, None, None)
    assert idle["default"] == 0
    assert 5 <= idle["0.25 s"] <= 10  # one Get Device ID per 0.25 s of the 2 s, each answered
