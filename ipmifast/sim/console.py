"""The host behind a virtual BMC's serial port, as SOL shows it (IPMI v2.0 §15, §24.1).

``HostShell`` is the host itself: a kernel boot log when it powers on, a getty login (any user name and any
password are accepted; the password is not echoed), then a small shell that echoes what is typed and answers
``uname [-a]``, ``hostname``, ``echo ...``, ``date``, ``cat /proc/uptime``, ``seq [FIRST] LAST`` (bulk output),
``cat`` (echoes every byte back, unchanged and without line editing, until Ctrl-D: throughput tests),
``breaks`` (how many serial breaks the host has seen), ``help`` and ``exit``/``logout`` (back to the login).
It lives as long as its BMC (the boot time and the counters carry over), but every SOL activation finds a fresh
login prompt: the line hangs up between consoles, as a getty logs out when the carrier drops.

``HostConsole`` is the BMC's ``SolWindow`` for one activated SOL payload instance. The session core hands it what
the remote console sent (``receive``) and asks it for what to send (``payloads_to_send``); the characters it
receives are the host's serial input, and what the shell answers goes back the same way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from ipmifast.proto.sol import SolWindow

#: SOL data per packet: Activate Payload reports ``SOL_PAYLOAD_SIZE`` bytes of payload, 4 of them the SOL header
SOL_PAYLOAD_SIZE = 255
SOL_MAX_DATA = SOL_PAYLOAD_SIZE - 4
#: characters waiting for the host at most (beyond it the window NACKs: back-pressure on a flooding console)
RX_LIMIT = 4096
#: ``seq`` prints at most this many lines (what one command may queue on the serial line)
SEQ_MAX_LINES = 2_000_000
CTRL_C, CTRL_D = 0x03, 0x04

BOOT_LOG = (
    "\r\n[    0.000000] Linux version 6.1.0-sim (ipmifast@sim) #1 SMP PREEMPT_DYNAMIC\r\n"
    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.1.0-sim root=/dev/sda1 ro console=tty0 "
    "console=ttyS1,115200n8\r\n"
    "[    0.000000] BIOS-provided physical RAM map:\r\n"
    "[    0.000000] printk: console [ttyS1] enabled\r\n"
    "[    0.412000] Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled\r\n"
    "[    0.413000] 00:03: ttyS1 at I/O 0x2f8 (irq = 3, base_baud = 115200) is a 16550A\r\n"
    "[    1.020000] EXT4-fs (sda1): mounted filesystem with ordered data mode\r\n"
    "[    2.310000] systemd[1]: Started serial-getty@ttyS1.service - Serial Getty on ttyS1.\r\n"
)


class HostShell:
    """The managed host's serial console: boot log, login, a small shell (see the module docstring)."""

    def __init__(self, host_name: str, address: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.host_name = host_name
        self.address = address
        self.clock = clock
        self.booted_at = clock()
        self.mode = "login"  # login, password, shell, cat
        self.user = b""
        self._line = bytearray()
        #: serial breaks received, and what ``cat`` has taken in (count and SHA-256), for tests
        self.breaks = 0
        self.cat_bytes = 0
        self.cat_digest = hashlib.sha256()
        self.commands: list[str] = []

    # ------------------------------------------------------------------ what the host prints by itself
    def banner(self) -> bytes:
        return f"\r\nipmifast virtual host {self.address} (ttyS1)\r\n\r\n".encode() + self.prompt()

    def boot(self) -> bytes:
        """The host powered on (or reset): its boot log, then a fresh login prompt."""
        self.booted_at = self.clock()
        self.mode = "login"
        self._line.clear()
        return BOOT_LOG.encode() + self.banner()

    def hang_up(self) -> None:
        """A new console attached: log out whatever the previous one left (``cat`` included)."""
        self.mode = "login"
        self.user = b""
        self._line.clear()

    def prompt(self) -> bytes:
        if self.mode == "login":
            return f"{self.host_name} login: ".encode()
        if self.mode == "password":
            return b"Password: "
        return f"{self.user.decode('latin-1')}@{self.host_name}:~{'#' if self.user == b'root' else '$'} ".encode()

    # ------------------------------------------------------------------ serial input
    def input(self, data: bytes) -> bytes:
        """What the host writes back for ``data`` typed on its serial port."""
        out = bytearray()
        i = 0
        while i < len(data):
            if self.mode == "cat":
                end = len(data)
                for stop in (CTRL_D, CTRL_C):
                    at = data.find(stop, i)
                    if at >= 0:
                        end = min(end, at)
                chunk = data[i:end]
                self.cat_bytes += len(chunk)
                self.cat_digest.update(chunk)
                out += chunk
                if end < len(data):
                    self.mode = "shell"
                    out += b"^D\r\n" if data[end] == CTRL_D else b"^C\r\n"
                    out += self.prompt()
                    end += 1
                i = end
                continue
            byte = data[i]
            i += 1
            if byte in (0x0D, 0x0A):
                if byte == 0x0A and i >= 2 and data[i - 2] == 0x0D:
                    continue  # CR LF from a console: one line
                out += b"\r\n"
                out += self._line_done(bytes(self._line))
                self._line.clear()
            elif byte in (0x08, 0x7F):
                if self._line:
                    self._line.pop()
                    if self.mode != "password":
                        out += b"\b \b"
            elif byte == CTRL_C and self.mode == "shell":
                self._line.clear()
                out += b"^C\r\n" + self.prompt()
            elif byte >= 0x20 or byte == 0x09:
                if len(self._line) < 4096:
                    self._line.append(byte)
                if self.mode != "password":  # a getty does not echo the password
                    out.append(byte)
        return bytes(out)

    def _line_done(self, line: bytes) -> bytes:
        if self.mode == "login":
            if line:
                self.user = line
                self.mode = "password"
            return self.prompt()
        if self.mode == "password":
            self.mode = "shell"
            return b"Last login: on ttyS1\r\n" + self.prompt()
        command = line.decode("latin-1").strip()
        self.commands.append(command)
        del self.commands[:-64]
        answer = self._run(command)
        if self.mode == "cat":
            return answer
        return answer + self.prompt()

    def _run(self, command: str) -> bytes:
        words = command.split()
        if not words:
            return b""
        name, args = words[0], words[1:]
        if name in ("exit", "logout"):
            self.mode = "login"
            return b"logout\r\n" + self.banner()[: -len(self.prompt())]
        if name == "uname":
            text = (f"Linux {self.host_name} 6.1.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux" if "-a" in args
                    else "Linux")  # fmt: skip
        elif name == "hostname":
            text = self.host_name
        elif name == "echo":
            text = command[4:].strip()
        elif name == "date":
            text = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime())
        elif name == "cat" and args == ["/proc/uptime"]:
            up = self.clock() - self.booted_at
            text = f"{up:.2f} {up * 1.9:.2f}"
        elif name == "cat" and not args:
            self.mode = "cat"
            return b""
        elif name == "seq":
            return self._seq(args)
        elif name == "breaks":
            text = str(self.breaks)
        elif name == "help":
            text = "commands: uname [-a], hostname, echo, date, cat /proc/uptime, seq [FIRST] LAST, cat, breaks, exit"
        else:
            return f"-sh: {name}: command not found\r\n".encode()
        return text.encode() + b"\r\n"

    @staticmethod
    def _seq(args: list[str]) -> bytes:
        try:
            numbers = [int(a) for a in args]
        except ValueError:
            return b"seq: invalid argument\r\n"
        if len(numbers) == 1:
            first, last = 1, numbers[0]
        elif len(numbers) == 2:
            first, last = numbers
        else:
            return b"usage: seq [FIRST] LAST\r\n"
        if last - first >= SEQ_MAX_LINES:
            return f"seq: at most {SEQ_MAX_LINES} lines\r\n".encode()
        if last < first:
            return b""
        return "\r\n".join(map(str, range(first, last + 1))).encode() + b"\r\n"


class HostConsole(SolWindow):
    """A BMC-side SOL window whose peer is the host's serial port (``HostShell``)."""

    def __init__(self, shell: HostShell, *, powered: bool, retry_count: int = 7, retry_interval: float = 0.5,
                 ack_delay: float = 0.0) -> None:  # fmt: skip
        super().__init__(SOL_MAX_DATA, retry_count, retry_interval, ack_delay, bmc=True, rx_limit=RX_LIMIT)
        self.shell = shell
        self.host_name = shell.host_name
        self.powered = powered
        self.received = bytearray()  # what the console typed, for tests (bounded)
        self._breaks_seen = 0
        shell.hang_up()
        if powered:
            self.send(shell.banner())

    def read(self) -> bytes:
        data = super().read()
        if self.breaks != self._breaks_seen:
            self.shell.breaks += self.breaks - self._breaks_seen
            self._breaks_seen = self.breaks
        if data:
            self.received += data
            del self.received[:-RX_LIMIT]
            if self.powered and not self.failed:
                out = self.shell.input(data)
                if out:
                    self.send(out)
        return data

    def power(self, on: bool) -> None:
        """The host's power changed while this console is attached: a boot log when it comes on."""
        self.powered = on
        if on and not self.failed and not self.deactivated:
            self.send(self.shell.boot())
