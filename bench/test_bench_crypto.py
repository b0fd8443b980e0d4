"""Per-packet RMCP+ crypto: seal and open of a 64-byte IPMI payload, cipher suites 3 and 17.

    python -m pytest bench/test_bench_crypto.py --benchmark-only --benchmark-group-by=group

Each group ("seal CS3", "open CS17", ...) sets side by side:

- ``ipmifast-c``: the compiled ``_crypto_c.SessionCipher`` (keyed once; target <= 0.6 us and >= 8x the reference);
- ``ipmifast-py``: the pure-Python reference ``_crypto_py.SessionCipher`` (hmac/hashlib + ``cryptography``);
- ``pyghmi``: pyghmi's own per-packet code, ``pyghmi.ipmi.private.session.Session``:
  ``send_payload()`` (builds the RMCP+ header, pads with ``_aespad``, draws the IV with ``os.urandom(16)``,
  encrypts with a fresh ``cryptography`` Cipher per packet, adds the integrity trailer and
  ``hmac.new(k1, ...)``) and ``_handle_ipmi_packet()`` -> ``_handle_ipmi2_packet()`` (recomputes the HMAC
  and compares with ``!=``, checks session ID and sequence, decrypts with a fresh Cipher, strips the pad,
  hands the payload to ``_parse_ipmi_payload``). The Session object is pyghmi's class with the attributes
  its ``_got_rakp4`` leaves on an established session (set by hand, no login over the network), its
  ``_xmit_packet`` (socket send, retry timers) replaced by a no-op and its ``_parse_ipmi_payload``
  (command dispatch) by a list append. pyghmi >= 1.5 implements both HMAC-SHA1-96 (CS3) and
  HMAC-SHA256-128 (CS17) integrity, so both suites are measured.

The pyghmi seal includes its ``os.urandom(16)``; ipmifast takes the IV from the caller.
``test_iv_cost`` measures that draw on its own. Every benchmark first checks interoperability: what one
side seals the other opens.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from typing import Any

import pytest
from pyghmi.ipmi.private import session as pyghmi_session

C = importlib.import_module("ipmifast.proto._crypto_c")
PY = importlib.import_module("ipmifast.proto._crypto_py")

PAYLOAD = bytes(range(64))
IV = bytes(range(0x10, 0x20))
SID_C = 0x00000202  # the BMC's session ID, in console -> BMC packets
SID_M = 0xA0A2A3A4  # the console's session ID, in BMC -> console packets
SEQ = 7
# cipher suite -> (integrity algorithm, pyghmi hash, AuthCode length, K1, K2); keys of ../shared/vectors.md
SUITES: dict[int, tuple[int, Any, int, bytes, bytes]] = {
    3: (
        1,
        hashlib.sha1,
        12,
        bytes.fromhex("aa9cc4092c5403d421b76da98bb91dbf2714e7f2"),
        bytes.fromhex("4aa9e9d68223856bf7d50a27339fea87660f07e2"),
    ),
    17: (
        4,
        hashlib.sha256,
        16,
        bytes.fromhex("0ac59c944b6ccbbea877290af9023e4d3a09ad50469cd06fe57fd821383f7f7c"),
        bytes.fromhex("3442d1109ce4b8923190e9590e8ec73ca5b9a577796fb5b94fda1bb97befd6e5"),
    ),
}
IMPLEMENTATIONS = ("ipmifast-c", "ipmifast-py", "pyghmi")


def pyghmi_established_session(suite: int) -> tuple[Any, list[bytes]]:
    """A pyghmi Session in the state ``_got_rakp4`` leaves it in, and the list its payloads are delivered to."""
    integrity, hashlib_fn, auth_code_len, k1, k2 = SUITES[suite]
    s = object.__new__(pyghmi_session.Session)
    s.ipmiversion = 2.0
    s.authtype = 6
    s.sessionid = SID_C
    s.localsid = SID_M
    s.sequencenumber = SEQ
    s.remseqnumber = None
    s.integrityalgo = integrity
    s.confalgo = "aes"
    s.k1 = k1
    s.aeskey = k2[:16]
    s.currhashlib = hashlib_fn
    s.currhashlen = auth_code_len
    s.lastpayload = None
    s.last_payload_type = None
    s.sockaddr = None
    s._customkeepalives = None
    s._xmit_packet = lambda retry=True, delay_xmit=None, timeout=None: None
    delivered: list[bytes] = []
    s._parse_ipmi_payload = delivered.append
    return s, delivered


Call = tuple[Callable[..., object], tuple[object, ...], dict[str, object]]


def make_seal(impl: str, suite: int) -> tuple[Call, Callable[[], bytes]]:
    """The call to time, and how to get the datagram it produced."""
    integrity, _, _, k1, k2 = SUITES[suite]
    if impl == "pyghmi":
        s, _ = pyghmi_established_session(suite)
        payload = bytearray(PAYLOAD)  # pyghmi's _make_ipmi_payload hands send_payload a bytearray
        call: Call = (s.send_payload, (), {"payload": payload, "payload_type": 0, "retry": False})
        return call, lambda: bytes(s.netpacket)
    cipher = (C if impl == "ipmifast-c" else PY).SessionCipher(integrity, 1, k1, k2)
    args = (0, SID_C, SEQ, PAYLOAD, IV)
    return (cipher.seal, args, {}), lambda: bytes(cipher.seal(*args))


def make_open(impl: str, suite: int) -> tuple[Call, Callable[[], object]]:
    """The call to time, and how to get the payload it delivered."""
    integrity, _, _, k1, k2 = SUITES[suite]
    packet = C.SessionCipher(integrity, 1, k1, k2).seal(0, SID_M, SEQ, PAYLOAD, IV)
    if impl == "pyghmi":
        s, delivered = pyghmi_established_session(suite)
        return (s._handle_ipmi_packet, (packet,), {}), lambda: bytes(delivered[-1])
    cipher = (C if impl == "ipmifast-c" else PY).SessionCipher(integrity, 1, k1, k2)
    return (cipher.open, (packet,), {}), lambda: cipher.open(packet)[3]


@pytest.mark.parametrize("suite", sorted(SUITES))
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_seal(benchmark: Any, impl: str, suite: int) -> None:
    integrity, _, _, k1, k2 = SUITES[suite]
    (fn, args, kwargs), result = make_seal(impl, suite)
    fn(*args, **kwargs)
    # interoperability: every implementation's datagram opens with ipmifast's
    assert C.SessionCipher(integrity, 1, k1, k2).open(result()) == (0xC0, SID_C, SEQ, PAYLOAD)
    benchmark.group = f"seal CS{suite}"
    benchmark(fn, *args, **kwargs)


@pytest.mark.parametrize("suite", sorted(SUITES))
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_open(benchmark: Any, impl: str, suite: int) -> None:
    (fn, args, kwargs), result = make_open(impl, suite)
    fn(*args, **kwargs)
    # interoperability: ipmifast's datagram opens in every implementation, pyghmi included
    assert result() == PAYLOAD
    benchmark.group = f"open CS{suite}"
    benchmark(fn, *args, **kwargs)


def test_iv_cost(benchmark: Any) -> None:
    """What pyghmi's seal spends drawing its IV (ipmifast's callers pay this outside ``seal``)."""
    benchmark.group = "IV draw"
    benchmark(os.urandom, 16)
