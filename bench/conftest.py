"""Fixtures for bench/: a real BMC (OpenIPMI's ipmi_sim) on loopback, started with tests/interop's helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest bench` (the console script) does not put the repository on sys.path
    sys.path.insert(0, str(ROOT))

from tests.interop.conftest import SimBmc, start_ipmi_sim, stop_ipmi_sim  # noqa: E402

# slot 0 is what tests/interop uses; another slot keeps a bench run and a test run in one process apart
SLOT = 7


@pytest.fixture(scope="session")
def ipmi_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """One ipmi_sim (normal profile, no SOL) shared by every benchmark of the run, so peers meet the same BMC."""
    bmc = start_ipmi_sim(tmp_path_factory.mktemp("ipmi_sim"), slot=SLOT)
    try:
        yield bmc
    finally:
        stop_ipmi_sim(bmc)
