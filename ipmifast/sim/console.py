"""The host behind a virtual BMC's serial port, as SOL shows it (IPMI v2.0 §15, §24.1): a login prompt that echoes.

``HostConsole`` is the BMC's ``SolWindow`` for one activated SOL payload instance. The session core hands it what
the remote console sent (``receive``) and asks it for what to send (``payloads_to_send``); the characters it
receives are the host's serial input, so it answers them as a getty would: echo, and a new prompt after each line.
"""

from __future__ import annotations

from ipmifast.proto.sol import SolWindow

#: SOL data per packet: Activate Payload reports ``SOL_PAYLOAD_SIZE`` bytes of payload, 4 of them the SOL header
SOL_PAYLOAD_SIZE = 255
SOL_MAX_DATA = SOL_PAYLOAD_SIZE - 4
#: characters waiting for the host at most (beyond it the window NACKs: back-pressure on a flooding console)
RX_LIMIT = 4096


class HostConsole(SolWindow):
    """A BMC-side SOL window whose peer is a login prompt: it echoes input, and prompts again after CR."""

    def __init__(self, host_name: str, banner: str, *, powered: bool, retry_count: int = 7,
                 retry_interval: float = 0.5, ack_delay: float = 0.0) -> None:
        super().__init__(SOL_MAX_DATA, retry_count, retry_interval, ack_delay, bmc=True, rx_limit=RX_LIMIT)
        self.host_name = host_name
        self.powered = powered
        self.received = bytearray()  # what the console typed, for tests (bounded)
        self._line = bytearray()
        self._login: bytes | None = None
        if powered:
            self.send(banner.encode() + self._prompt())

    def _prompt(self) -> bytes:
        return b"Password: " if self._login is not None else f"{self.host_name} login: ".encode()

    def read(self) -> bytes:
        data = super().read()
        if data:
            self.received += data
            del self.received[:-RX_LIMIT]
            if self.powered and not self.failed:
                self._host_input(data)
        return data

    def _host_input(self, data: bytes) -> None:
        out = bytearray()
        for byte in data:
            if byte in (0x0D, 0x0A):
                out += b"\r\n"
                if self._login is None and self._line:
                    self._login = bytes(self._line)
                elif self._login is not None:
                    out += b"\r\nLogin incorrect\r\n"
                    self._login = None
                self._line.clear()
                out += self._prompt()
            elif byte in (0x08, 0x7F):
                if self._line:
                    self._line.pop()
                    out += b"\b \b"
            else:
                if len(self._line) < 256:
                    self._line.append(byte)
                if self._login is None:  # a getty does not echo the password
                    out.append(byte)
        if out:
            self.send(bytes(out))
