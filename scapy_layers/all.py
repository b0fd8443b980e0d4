"""Every layer of ``scapy_layers``, bound (UDP 623 and 664, payload types): ``from scapy_layers.all import *``."""

from __future__ import annotations

from scapy_layers import asf, cmds, ipmi, names, rakp, rmcp, sol
from scapy_layers.asf import *  # noqa: F403
from scapy_layers.cmds import *  # noqa: F403
from scapy_layers.ipmi import *  # noqa: F403
from scapy_layers.names import *  # noqa: F403
from scapy_layers.rakp import *  # noqa: F403
from scapy_layers.rmcp import *  # noqa: F403
from scapy_layers.sol import *  # noqa: F403

__all__ = [*asf.__all__, *cmds.__all__, *ipmi.__all__, *names.__all__, *rakp.__all__, *rmcp.__all__, *sol.__all__]
