"""Fuzz targets: every compiled decoder, and the session state machines with an established session.

Each target takes the fuzzer's bytes and checks more than "no crash": the compiled module and its pure-Python
reference must give the same result or raise the same exception type (a difference is a bug in one of them), and
only the errors of ``ipmifast.errors`` may come out of a decoder. Run under AddressSanitizer (``scripts/fuzz.sh``)
an out-of-bounds read or write in the C stops the run with its stack.

``TARGETS`` maps a name to ``(function, seeds)``; ``seeds()`` yields the corpus a run starts from (datagrams of
the reference captures in tests/data/pcaps, and what the in-memory sessions exchange).
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Callable, Iterator
from typing import Any

from ipmifast.errors import IpmiError

C = {name: importlib.import_module(f"ipmifast.proto._{name}_c") for name in ("frame", "crypto", "sol")}
PY = {name: importlib.import_module(f"ipmifast.proto._{name}_py") for name in ("frame", "crypto", "sol")}


def _outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """What a call did: ("ok", result) or ("raise", exception type name). Only IpmiError (and the documented
    TypeError/ValueError of bad argument types) may come out; anything else propagates and stops the fuzzer."""
    try:
        return "ok", fn(*args)
    except IpmiError as exc:
        return "raise", type(exc).__name__


def _same(name: str, *args: Any, module: str = "frame") -> Any:
    c = _outcome(getattr(C[module], name), *args)
    py = _outcome(getattr(PY[module], name), *args)
    if c != py:
        raise AssertionError(f"{module}.{name}{args!r}: compiled {c!r} != reference {py!r}")
    return c


# ------------------------------------------------------------------------------------------------ framing
def frame(data: bytes) -> None:
    for name in ("peek", "decode_asf", "decode_v15_session", "decode_v20_session", "decode_ipmi_request"):
        _same(name, data)
    _same("decode_asf_pong_data", data[:16])
    _same("decode_ipmi_response", data, True)
    _same("decode_ipmi_response", data, False)
    _same("ipmi_checksum", data)
    outcome = _same("decode_v15_session", data)
    if outcome[0] == "ok":  # what a v1.5 session wrapper carries goes on to the message decoders
        _same("decode_ipmi_request", outcome[1].msg)
        _same("decode_ipmi_response", outcome[1].msg, True)


# ------------------------------------------------------------------------------------------------ crypto
_K1, _K2, _PASSWORD = bytes(range(32)), bytes(range(32, 52)), b"fuzz-password"
_CIPHERS = [(integrity, confidentiality) for integrity in (0, 1, 2, 3, 4) for confidentiality in (0, 1)]


def crypto(data: bytes) -> None:
    """``SessionCipher.open`` of any datagram, for every integrity x confidentiality; and a datagram sealed with
    the right keys but a fuzzed payload, so the decrypt and pad checks get past the AuthCode."""
    if not data:
        return
    integrity, confidentiality = _CIPHERS[data[0] % len(_CIPHERS)]
    body = data[1:]
    c = C["crypto"].SessionCipher(integrity, confidentiality, _K1, _K2, _PASSWORD)
    py = PY["crypto"].SessionCipher(integrity, confidentiality, _K1, _K2, _PASSWORD)
    a, b = _outcome(c.open, body), _outcome(py.open, body)
    if a != b:
        raise AssertionError(f"open({body!r}) with {integrity}/{confidentiality}: {a!r} != {b!r}")
    if len(body) >= 16:
        iv, payload = body[:16], body[16:]
        sealed = c.seal(0, 0x01020304, 5, payload, iv)
        if sealed != py.seal(0, 0x01020304, 5, payload, iv):
            raise AssertionError("seal differs")
        if c.open(sealed)[3] != payload:
            raise AssertionError("open(seal(x)) != x")
        # a sealed datagram with its last bytes flipped: the AuthCode or the pad must catch it
        flipped = sealed[:-1] + bytes([sealed[-1] ^ 0x01])
        a, b = _outcome(c.open, flipped), _outcome(py.open, flipped)
        if a != b:
            raise AssertionError(f"open(flipped) {a!r} != {b!r}")
    if len(body) >= 4:
        auth_type = (0, 1, 2, 4, 5)[body[0] % 5]
        _same("auth_code_v15", auth_type, body[1:17], 0x11223344, body[17:], 7, module="crypto")
    if len(body) >= 21:
        salt, code = body[:-20], body[-20:]
        _same("crack_rakp2", 1, [salt], [code], [b"", b"admin", body[:8]], module="crypto")


# ------------------------------------------------------------------------------------------------ SOL
def sol(data: bytes) -> None:
    """``decode_sol`` of anything; then the bytes cut into SOL payloads fed to a console-side and a BMC-side
    window of each implementation, which must end in the same state."""
    _same("decode_sol", data, module="sol")
    windows = []
    for mod in (C["sol"], PY["sol"]):
        pair = (mod.SolWindow(251, 3, 0.5, 0.0, bmc=False, rx_limit=512),
                mod.SolWindow(251, 3, 0.5, 0.0, bmc=True, rx_limit=512))
        windows.append(pair)
    now, at = 0.0, 0
    while at < len(data):
        size = data[at] % 48
        chunk = data[at + 1 : at + 1 + size]
        at += 1 + size
        now += (chunk[0] % 4) * 0.25 if chunk else 0.1
        states = []
        for console, bmc in windows:
            sent = []
            for w in (console, bmc):
                w.receive(chunk, now)
                if chunk[:1] == b"\x00":
                    sent.append(_outcome(w.send, chunk[1:]))  # a failed window refuses: both alike
                w.handle_timer(now)
            states.append([sent] + [(w.read(), w.payloads_to_send(now), w.pending, w.failed, w.peer_status,
                                     w.breaks, w.retransmits, w.duplicates, w.dropped, w.get_timer())
                                    for w in (console, bmc)])
        if states[0] != states[1]:
            raise AssertionError(f"SOL windows differ after {chunk!r}: {states[0]!r} != {states[1]!r}")


# ------------------------------------------------------------------------------------------------ sessions
def _established(suite: int) -> Any:
    from tests.proto.harness import make_pair

    pair = make_pair(cipher_suite=suite)
    pair.run(pair.finished)
    return pair


_PAIRS: dict[int, Any] = {}


def _pair(suite: int) -> Any:
    # a fresh established pair per input would dominate the run: one per suite, kept, as a long-lived engine has
    if suite not in _PAIRS:
        _PAIRS[suite] = _established(suite)
    return _PAIRS[suite]


def sessions(data: bytes) -> None:
    """``ClientSession.receive_datagram`` and ``BmcSession.receive_datagram`` of an established session (cipher
    suite 3 or 17): the raw bytes, and the bytes as the payload of a datagram sealed with the session's own keys
    and the next sequence number (so the message decoders behind the integrity check are reached)."""
    if not data:
        return
    suite = (3, 17, 0)[data[0] % 3]
    pair = _pair(suite)
    body = data[1:]
    now = pair.now
    for session in (pair.client, pair.bmc):
        session.receive_datagram(body, now)
        # the same bytes as a payload the peer sealed with the session's keys and its next sequence number
        peer = pair.bmc if session is pair.client else pair.client
        session.receive_datagram(peer._seal((0, 1)[data[0] >> 7], body), now)  # IPMI or SOL payload
    for session in (pair.client, pair.bmc):
        while session.next_event() is not None:
            pass
        session.datagrams_to_send(now)
    pair.bmc_events.clear()
    pair.client_events.clear()


# ------------------------------------------------------------------------------------------------ seeds
def _capture_datagrams() -> Iterator[bytes]:
    from pathlib import Path

    from tests.pcaps import read_udp

    for path in sorted((Path(__file__).resolve().parent.parent / "tests" / "data" / "pcaps").glob("*.pcap")):
        try:
            for d in read_udp(path.name):
                yield d.payload
        except Exception:  # noqa: BLE001 - a seed file the reader does not take is skipped
            continue


def _crypto_seeds() -> Iterator[bytes]:
    c = C["crypto"]
    for i, (integrity, confidentiality) in enumerate(_CIPHERS):
        cipher = c.SessionCipher(integrity, confidentiality, _K1, _K2, _PASSWORD)
        yield bytes([i]) + cipher.seal(0, 0x01020304, 5, b"\x20\x18\xc8\x81\x04\x01\x7a", bytes(16))
    for d in _capture_datagrams():
        yield b"\x02" + d


def _sol_seeds() -> Iterator[bytes]:
    c = C["sol"]
    yield c.encode_sol(1, 0, 0, 0, b"login: ")
    yield c.encode_sol(2, 1, 7, 0, b"") + c.encode_sol(0, 2, 3, 0x40, b"")
    yield bytes([9]) + c.encode_sol(1, 0, 0, 0, b"x" * 8) + bytes([6]) + c.encode_sol(0, 1, 8, 0, b"")


def _session_seeds() -> Iterator[bytes]:
    yield b"\x00" + struct.pack("<BBBB", 0x20, 0x18, 0xC8, 0x81) + b"\x04\x01\x7a"
    yield b"\x81" + b"\x01\x00\x00\x00hello"
    for d in _capture_datagrams():
        yield b"\x00" + d


TARGETS: dict[str, tuple[Callable[[bytes], None], Callable[[], Iterator[bytes]]]] = {
    "frame": (frame, _capture_datagrams),
    "crypto": (crypto, _crypto_seeds),
    "sol": (sol, _sol_seeds),
    "sessions": (sessions, _session_seeds),
}
