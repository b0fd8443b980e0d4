"""Discovery without a session: what a BMC says to an ASF Presence Ping and to Get Channel Authentication
Capabilities, sans-IO (the engine's ``discover`` sends and receives; nothing here touches a socket or a clock).

Three datagrams per host go out together, one round trip:

- an RMCP/ASF Presence Ping (IPMI v2.0 §13.2.3, ASF 2.0 §3.2.4.2): the Pong says IPMI is supported (entities bit 7),
  and carries the IANA number of the ASF/OEM implementation;
- Get Channel Authentication Capabilities (§22.13, Table 22-15) in the IPMI v1.5 wrapper, session ID 0, with the
  "get IPMI v2.0 extended data" bit (request byte 1 bit 7): an IPMI v2.0 BMC answers with the extended form (which
  IPMI versions, Kg status, the OEM ID);
- the same request without that bit (the v1.5 form), which every IPMI v1.5 BMC answers, for the BMCs that answer
  the first with an error (IPMI v1.5 BMCs may, §22.13).

The two requests differ in their rqSeq (``RQ_SEQ_V20``, ``RQ_SEQ_V15``), so each answer is matched to its form.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipmifast.errors import DecodeError, IpmiError
from ipmifast.proto import frame
from ipmifast.proto.consts import AuthType, NetFn, RmcpClass

from ._common import AuthTypes, PrivilegeLevel
from .app import (
    CURRENT_CHANNEL,
    AppCommand,
    ChannelAuthenticationCapabilities,
    decode_get_channel_authentication_capabilities_rs,
    encode_get_channel_authentication_capabilities_rq,
)

ASF_PRESENCE_PONG = 0x40
RQ_SEQ_V20, RQ_SEQ_V15 = 0x21, 0x22
#: rqAddr of a remote console (software ID 81h), rsAddr of the BMC (20h): §13.8
_RQ_ADDR, _RS_ADDR = 0x81, 0x20
_AUTH_NAMES = ((AuthTypes.NONE, "none"), (AuthTypes.MD2, "md2"), (AuthTypes.MD5, "md5"),
               (AuthTypes.PASSWORD, "password"), (AuthTypes.OEM, "oem"))


def encode_probes(message_tag: int = 0x11, privilege: PrivilegeLevel = PrivilegeLevel.ADMINISTRATOR) -> list[bytes]:
    """The three datagrams of a probe: Presence Ping, then Get Channel Authentication Capabilities in its v2.0
    and v1.5 forms (channel Eh: "this channel", as ipmitool and FreeIPMI ask it)."""
    out = [frame.encode_asf_ping(message_tag)]
    for rq_seq, v20 in ((RQ_SEQ_V20, True), (RQ_SEQ_V15, False)):
        data = encode_get_channel_authentication_capabilities_rq(CURRENT_CHANNEL, privilege, v20)
        msg = frame.encode_ipmi_request(_RS_ADDR, NetFn.APP, 0, _RQ_ADDR, rq_seq, 0,
                                        AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES, data)
        out.append(frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg))
    return out


@dataclass(frozen=True)
class Pong:
    """What a Presence Pong said (ASF 2.0 Table 3-11)."""

    oem_iana: int
    supported_entities: int
    supported_interactions: int

    @property
    def ipmi(self) -> bool:
        return bool(self.supported_entities & 0x80)


@dataclass(frozen=True)
class AuthCapsAnswer:
    """One answer to Get Channel Authentication Capabilities: its form, completion code and data."""

    v20_form: bool
    cc: int
    caps: ChannelAuthenticationCapabilities | None


Answer = Pong | AuthCapsAnswer


def decode_answer(datagram: bytes) -> Answer | None:
    """A probe's answer, or None for a datagram that is not one (counted by the caller). Never raises."""
    try:
        rmcp_class, auth_type, _ptype, session_id = frame.peek(datagram)
        if rmcp_class == RmcpClass.ASF:
            msg = frame.decode_asf(datagram)
            if msg.message_type != ASF_PRESENCE_PONG:
                return None
            pong = frame.decode_asf_pong_data(msg.data)
            return Pong(pong.oem_iana, pong.supported_entities, pong.supported_interactions)
        if rmcp_class != RmcpClass.IPMI or auth_type == AuthType.RMCP_PLUS or session_id != 0:
            return None
        rs = frame.decode_ipmi_response(frame.decode_v15_session(datagram).msg)
        if (rs.netfn, rs.cmd) != (NetFn.APP | 1, AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES):
            return None
        if rs.rq_seq not in (RQ_SEQ_V20, RQ_SEQ_V15):
            return None
        caps = decode_get_channel_authentication_capabilities_rs(rs.data) if rs.cc == 0 else None
        return AuthCapsAnswer(rs.rq_seq == RQ_SEQ_V20, rs.cc, caps)
    except (IpmiError, DecodeError, ValueError):
        return None


@dataclass(frozen=True)
class Discovery:
    """What one host answered to a probe (any part may be missing: None)."""

    pong: Pong | None = None
    v20: AuthCapsAnswer | None = None
    v15: AuthCapsAnswer | None = None

    @property
    def answered(self) -> bool:
        return self.pong is not None or self.v20 is not None or self.v15 is not None

    @property
    def complete(self) -> bool:
        return self.pong is not None and self.v20 is not None and self.v15 is not None

    def add(self, answer: Answer) -> Discovery:
        if isinstance(answer, Pong):
            return Discovery(answer, self.v20, self.v15)
        if answer.v20_form:
            return Discovery(self.pong, answer, self.v15)
        return Discovery(self.pong, self.v20, answer)

    @property
    def caps(self) -> ChannelAuthenticationCapabilities | None:
        """The fullest capabilities answer: the v2.0 form's when it succeeded, else the v1.5 form's."""
        for answer in (self.v20, self.v15):
            if answer is not None and answer.caps is not None:
                return answer.caps
        return None

    def report(self) -> dict[str, object]:
        """The findings as plain data (JSON Lines): IPMI versions, authentication types, login modes, Kg, OEM."""
        caps = self.caps
        out: dict[str, object] = {
            "rmcp_ping": self.pong is not None,
            "asf_iana": self.pong.oem_iana if self.pong else None,
            "ipmi_in_pong": self.pong.ipmi if self.pong else None,
        }
        if caps is None:
            out["ipmi"] = None
            return out
        v20 = bool(caps.ipmi_v20_extended_available and caps.supports_ipmi_v20)
        v15 = bool(caps.supports_ipmi_v15) if caps.ipmi_v20_extended_available else True
        out.update(
            ipmi=["1.5"] * v15 + ["2.0"] * v20,
            channel=caps.channel,
            auth_types=[name for bit, name in _AUTH_NAMES if caps.auth_types & bit],
            per_message_auth=not caps.per_message_authentication_disabled,
            user_level_auth=not caps.user_level_authentication_disabled,
            anonymous_login=caps.anonymous_login,
            null_usernames=caps.null_usernames,
            non_null_usernames=caps.non_null_usernames,
            kg=("set" if caps.kg_nonzero else "default") if caps.ipmi_v20_extended_available else None,
            oem_id=caps.oem_id,
            oem_auxiliary_data=caps.oem_auxiliary_data,
        )
        return out
