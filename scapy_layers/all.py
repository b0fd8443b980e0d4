"""Every layer of ``scapy_layers``, bound (UDP 623 and 664, payload types): ``from scapy_layers.all import *``."""

from __future__ import annotations

from scapy_layers.asf import ASF, ASFPresencePong
from scapy_layers.cmds import (
    ActivateSessionRq,
    ActivateSessionRs,
    CloseSessionRq,
    GetChannelAuthCapabilitiesRq,
    GetChannelAuthCapabilitiesRs,
    GetSessionChallengeRq,
    GetSessionChallengeRs,
    SetSessionPrivilegeLevelRq,
    SetSessionPrivilegeLevelRs,
)
from scapy_layers.ipmi import (
    IntegrityTrailer,
    IPMIEncryptedPayload,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    RMCPPlusSession,
)
from scapy_layers.names import command_name, netfn_name
from scapy_layers.rakp import RAKP1, RAKP2, RAKP3, RAKP4, OpenSessionRequest, OpenSessionResponse
from scapy_layers.rmcp import RMCP, RSP, bind_port
from scapy_layers.sol import SOL

__all__ = [
    "ActivateSessionRq",
    "ActivateSessionRs",
    "CloseSessionRq",
    "GetChannelAuthCapabilitiesRq",
    "GetChannelAuthCapabilitiesRs",
    "GetSessionChallengeRq",
    "GetSessionChallengeRs",
    "SetSessionPrivilegeLevelRq",
    "SetSessionPrivilegeLevelRs",
    "ASF",
    "RAKP1",
    "RAKP2",
    "RAKP3",
    "RAKP4",
    "RMCP",
    "RSP",
    "SOL",
    "ASFPresencePong",
    "IPMIEncryptedPayload",
    "IPMIRequest",
    "IPMIResponse",
    "IPMISession15",
    "IntegrityTrailer",
    "OpenSessionRequest",
    "OpenSessionResponse",
    "RMCPPlusSession",
    "bind_port",
    "command_name",
    "netfn_name",
]
