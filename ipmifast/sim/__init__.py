"""The BMC simulator: ``async with ipmifast.sim.Fleet(count=1000, base="127.1.0.1") as fleet`` (``sim/fleet.py``);
``ipmifast sim`` on the command line (``sim/cli.py``); kinds of BMC in ``sim/profiles.py``."""

from __future__ import annotations

from ipmifast.sim.fleet import Fleet
from ipmifast.sim.profiles import PROFILES, Profile

__all__ = ["PROFILES", "Fleet", "Profile"]
