"""The CI-sized soak (bench/soak.py, 12 s): the fleet engine against ``ipmifast sim`` with 5% of the datagrams
lost and 5% duplicated. Every host of every round is accounted for exactly once, every answer is right, no
session or pending request is left in the engine after a round, and the client's memory stays flat after the
warm-up. The 10-minute run's figures are in the README (Performance, Soak)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.interop
SOAK = Path(__file__).resolve().parent.parent.parent / "bench" / "soak.py"


def test_soak_with_loss_and_duplication() -> None:
    out = subprocess.run([sys.executable, str(SOAK), "--seconds", "12", "--hosts", "300", "--port", "9968"],
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    figures = json.loads(out.stdout)
    assert figures["problems"] == []
    assert figures["rounds"] >= 5 and figures["sessions"] == figures["rounds"] * 300
    assert sum(figures["outcomes"].values()) == figures["sessions"]  # every host answered or reported
    assert figures["answered"] >= 0.99, figures["outcomes"]  # 4 retries make 5% loss all but invisible
    assert figures["rss_growth_mib"] < 4, figures  # flat after the warm-up rounds
    assert figures["datagrams_dropped_by_sessions"]  # the duplicates were seen and counted, by reason
