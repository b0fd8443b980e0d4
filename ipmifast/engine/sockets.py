"""Socket set-up shared by the engine's endpoint, the discovery prober and the simulator's socket."""

from __future__ import annotations

import socket

#: SO_RCVBUFFORCE / SO_SNDBUFFORCE (Linux, <asm-generic/socket.h>): as root, past net.core.rmem_max / wmem_max
_FORCE = {
    socket.SO_RCVBUF: getattr(socket, "SO_RCVBUFFORCE", 33),
    socket.SO_SNDBUF: getattr(socket, "SO_SNDBUFFORCE", 32),
}


def enlarge_buffers(sock: socket.socket, size: int) -> None:
    """Receive and send buffers of ``size`` bytes where allowed: a burst of thousands of datagrams (one per host
    of a fleet) must not overflow them. Beyond the system's limit when running as root; otherwise up to it."""
    for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, _FORCE[option], size)
        except OSError:
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, size)
            except OSError:
                pass
