"""Clear-text IPMI messages from the test bed's captures (tests/data/pcaps/*.tshark.json, tshark 4.0.17 exports).

Each frame's ``udp.payload`` is unwrapped with the framing module: IPMI v1.5 session wrappers (authentication type
NONE or MD5; the message is in clear text either way) and unencrypted RMCP+ payloads of type IPMI (cipher suites
1 and 2). Encrypted payloads and the RMCP+ handshake are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ipmifast.proto import frame
from ipmifast.proto.consts import PAYLOAD_ENCRYPTED, PAYLOAD_TYPE_MASK, AuthType, PayloadType, RmcpClass

PCAPS = Path(__file__).resolve().parent.parent / "data" / "pcaps"


@dataclass(frozen=True)
class Message:
    """One IPMI message of a capture: its frame number (as tshark numbers them), direction and fields."""

    frame: int
    netfn: int
    cmd: int
    cc: int | None  # None for requests
    data: bytes

    @property
    def is_response(self) -> bool:
        return self.cc is not None


@cache
def messages(name: str) -> tuple[Message, ...]:
    """The clear-text IPMI messages of ``tests/data/pcaps/<name>.tshark.json``, in frame order."""
    out: list[Message] = []
    for packet in json.loads((PCAPS / f"{name}.tshark.json").read_text()):
        layers = packet["_source"]["layers"]
        number = int(layers["frame"]["frame.number"])
        payload = bytes.fromhex(layers["udp"]["udp.payload"].replace(":", ""))
        if len(payload) < 5 or payload[3] != RmcpClass.IPMI:
            continue
        if payload[4] == AuthType.RMCP_PLUS:
            v20 = frame.decode_v20_session(payload)
            if v20.payload_type & PAYLOAD_ENCRYPTED or v20.payload_type & PAYLOAD_TYPE_MASK != PayloadType.IPMI:
                continue
            msg = v20.payload
        else:
            msg = frame.decode_v15_session(payload).msg
        netfn = msg[1] >> 2
        if netfn & 1:
            rs = frame.decode_ipmi_response(msg)
            out.append(Message(number, rs.netfn, rs.cmd, rs.cc, rs.data))
        else:
            rq = frame.decode_ipmi_request(msg)
            out.append(Message(number, rq.netfn, rq.cmd, None, rq.data))
    return tuple(out)


def message(name: str, number: int) -> Message:
    """The IPMI message of frame ``number`` of capture ``name``."""
    for m in messages(name):
        if m.frame == number:
            return m
    raise KeyError(f"{name}: no clear-text IPMI message in frame {number}")
