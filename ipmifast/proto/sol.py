"""Serial over LAN (IPMI v2.0 rev 1.1 §15.9, Tables 15-2 and 15-3): the selector.

Loads the compiled ``_sol_c`` (or, with ``IPMIFAST_PURE_PYTHON=1``, the reference ``_sol_py``; STYLE.md §3) and
re-exports its API. ``__impl__`` says which one is in use.

- ``encode_sol(seq, ack_seq, accepted, status, data) -> bytes`` and ``decode_sol(payload) -> (seq, ack_seq,
  accepted, status, data)``: the SOL payload, without session wrapper. ``DecodeError`` on a payload shorter than
  its 4-byte header, ``LocalProtocolError`` on out-of-range arguments.
- ``SolOperation`` (byte 4, console to BMC) and ``SolStatus`` (byte 4, BMC to console).
- ``SolWindow(max_data=255, retry_count=7, retry_interval=0.5, ack_delay=0.0, *, bmc=False, rx_limit=None)``:
  the sans-IO stop-and-wait window that both the remote console and the BMC run per SOL payload instance.

  ``send(data)`` queues characters, ``pending`` counts those not yet acknowledged (apply back-pressure on it),
  ``send_break()`` queues a break behind them, ``set_status(bits)`` sets the level bits of byte 4.
  ``receive(payload, now)`` takes a SOL payload from the peer and never raises on its bytes (malformed ones count
  in ``dropped``); ``read()`` returns the characters received in order since the last call, each exactly once.
  ``payloads_to_send(now)`` returns the SOL payloads to seal and send (retries, new packets, ack-only packets);
  ``get_timer()`` / ``handle_timer(now)`` drive retries. A packet unacknowledged after ``retry_count`` retries sets
  ``failed`` and stops the window. ``peer_status``, ``deactivated`` and ``breaks`` report the peer's byte 4;
  ``retransmits``, ``duplicates`` and ``dropped`` count. The details are in ``_sol_py.SolWindow``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipmifast._impl import load

_mod = load("ipmifast.proto", "sol")

if TYPE_CHECKING:
    from ipmifast.proto._sol_c import (
        SOL_HEADER_LEN,
        SOL_MAX_ACCEPTED,
        SOL_MAX_DATA,
        SOL_SEQ_MASK,
        SOL_SEQ_MAX,
        SolOperation,
        SolStatus,
        SolWindow,
        decode_sol,
        encode_sol,
    )
else:
    SOL_HEADER_LEN = _mod.SOL_HEADER_LEN
    SOL_MAX_ACCEPTED = _mod.SOL_MAX_ACCEPTED
    SOL_MAX_DATA = _mod.SOL_MAX_DATA
    SOL_SEQ_MASK = _mod.SOL_SEQ_MASK
    SOL_SEQ_MAX = _mod.SOL_SEQ_MAX
    SolOperation = _mod.SolOperation
    SolStatus = _mod.SolStatus
    SolWindow = _mod.SolWindow
    decode_sol = _mod.decode_sol
    encode_sol = _mod.encode_sol

__impl__: str = _mod.__impl__

__all__ = [
    "SOL_HEADER_LEN",
    "SOL_MAX_ACCEPTED",
    "SOL_MAX_DATA",
    "SOL_SEQ_MASK",
    "SOL_SEQ_MAX",
    "SolOperation",
    "SolStatus",
    "SolWindow",
    "decode_sol",
    "encode_sol",
]
