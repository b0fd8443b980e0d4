"""Bridged requests: Send Message with an encapsulated IPMB request, and the bridged response coming back.

IPMI v2.0 rev 1.1 §6.12 (BMC message bridging), §22.7 (Send Message, App 34h, Table 22-10) and §22.6 (Get Message,
App 33h). The encapsulated message has the IPMB request layout, which is the §13.8 LAN message layout: it is built
and parsed with the ``frame`` codecs.

A remote console reaches a controller behind the BMC (``ipmitool -b CHANNEL -t TARGET``) by sending Send Message to
the BMC with "track request" set: the BMC forwards the encapsulated request on ``channel`` and routes the answer
back into the session. A controller two buses away (``ipmitool -B TRANSIT_CHANNEL -T TRANSIT_ADDR``) is reached by
a Send Message inside a Send Message: double bridging.

The answer comes back in one of three ways, depending on the BMC:

- as a separate IPMI response in the session, formatted by the BMC as if the target had answered the console
  directly (the Send Message response itself carries only a completion code): decode it with
  ``frame.decode_ipmi_response``;
- embedded in the data of the Send Message response: ``decode_send_message_rs`` (once per bridging level);
- queued for Get Message (no tracking, e.g. from the system interface): ``decode_get_message_rs``.
"""

from __future__ import annotations

import operator
from enum import IntEnum
from typing import NamedTuple

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto import frame
from ipmifast.proto.consts import BMC_SLAVE_ADDR, AppCmd, NetFn
from ipmifast.proto.records import IpmiResponse

__all__ = [
    "ReceivedMessage",
    "Tracking",
    "decode_get_message_rs",
    "decode_send_message_rs",
    "encode_send_message_rq",
]


class Tracking(IntEnum):
    """Send Message tracking operation (Table 22-10, request byte 1 bits 7:6)."""

    NONE = 0b00
    TRACK_REQUEST = 0b01
    SEND_RAW = 0b10


_TRACKING_SHIFT = 6
_CHANNEL_MASK = 0x0F
_PRIVILEGE_SHIFT = 4
_U8 = 0xFF

# Get Message response data (§22.6): channel / inferred privilege byte, then the message data
_GET_MESSAGE_CHANNEL_AT = 0
_GET_MESSAGE_DATA_AT = 1


class ReceivedMessage(NamedTuple):
    """A Get Message response (§22.6): where the queued message came from and the response it holds."""

    channel: int
    privilege: int
    response: IpmiResponse


def _field(value: int, maximum: int, name: str) -> int:
    value = operator.index(value)
    if value < 0 or value > maximum:
        raise LocalProtocolError(f"{name} must be in 0..{maximum:#x}, got {value!r}")
    return value


def _channel_byte(channel: int, tracking: int, name: str) -> int:
    return _field(tracking, Tracking.SEND_RAW, "tracking") << _TRACKING_SHIFT | _field(channel, _CHANNEL_MASK, name)


def encode_send_message_rq(
    channel: int,
    target_addr: int,
    netfn: int,
    cmd: int,
    data: bytes,
    rq_seq: int,
    target_lun: int = 0,
    transit_channel: int | None = None,
    transit_addr: int | None = None,
    rq_addr: int = BMC_SLAVE_ADDR,
    rq_lun: int = 0,
    tracking: int = Tracking.TRACK_REQUEST,
) -> bytes:
    """Request data of Send Message (App 34h, Table 22-10) carrying an IPMB request for ``target_addr``.

    Send the result with ``frame.encode_ipmi_request(BMC_SLAVE_ADDR, NetFn.APP, 0, REMOTE_SWID, rq_seq, 0,
    AppCmd.SEND_MESSAGE, result)``. The encapsulated request goes out on ``channel`` from ``rq_addr``: the BMC's
    own slave address (20h) by default, because on the IPMB the BMC is the requester and the target answers to it
    (ipmitool's and FreeIPMI's choice). With ``transit_channel`` and ``transit_addr``, the request is wrapped twice:
    the BMC sends a Send Message to ``transit_addr`` on ``transit_channel``, which forwards the request on
    ``channel``. Each level uses ``rq_seq`` and ``tracking`` (track request by default, as ipmitool does).
    """
    if (transit_channel is None) != (transit_addr is None):
        raise LocalProtocolError("transit_channel and transit_addr go together (double bridging)")
    target_byte = _channel_byte(channel, tracking, "channel")
    inner = frame.encode_ipmi_request(target_addr, netfn, target_lun, rq_addr, rq_seq, rq_lun, cmd, bytes(data))
    if transit_channel is None or transit_addr is None:
        return bytes((target_byte,)) + inner
    transit_byte = _channel_byte(transit_channel, tracking, "transit_channel")
    outer = frame.encode_ipmi_request(
        transit_addr, NetFn.APP, 0, rq_addr, rq_seq, rq_lun, AppCmd.SEND_MESSAGE, bytes((target_byte,)) + inner
    )
    return bytes((transit_byte,)) + outer


def decode_send_message_rs(data: bytes, check_checksums: bool = True) -> IpmiResponse | None:
    """The bridged response embedded in a Send Message response, or None when there is none.

    ``data`` is the Send Message response data after the completion code (``IpmiResponse.data``). Some BMCs put
    the target's IPMB response there (ipmitool handles this); most send it later as a separate message, and the
    data is empty. For double bridging, apply this again to the inner response.
    """
    if not data:
        return None
    return frame.decode_ipmi_response(bytes(data), check_checksums)


def decode_get_message_rs(data: bytes, rq_addr: int = BMC_SLAVE_ADDR, check_checksums: bool = True) -> ReceivedMessage:
    """A bridged IPMB response read from the Receive Message Queue with Get Message (App 33h, §22.6).

    ``data`` is the Get Message response data after the completion code: channel byte (bits 7:4 inferred privilege
    level, bits 3:0 channel), then the IPMB response without its first byte. That byte, the requester's slave
    address, is the BMC's own (``rq_addr``), and the header checksum covers it.
    """
    if len(data) <= _GET_MESSAGE_DATA_AT:
        raise DecodeError(f"Get Message response: {len(data)} bytes, no message data")
    rq_addr = _field(rq_addr, _U8, "rq_addr")
    channel_byte = data[_GET_MESSAGE_CHANNEL_AT]
    response = frame.decode_ipmi_response(bytes((rq_addr,)) + bytes(data[_GET_MESSAGE_DATA_AT:]), check_checksums)
    return ReceivedMessage(channel_byte & _CHANNEL_MASK, channel_byte >> _PRIVILEGE_SHIFT, response)
