"""Run the installed ``ipmifast`` executable as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).parent / "ipmifast"


def ipmifast(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} is not installed: run scripts/setup.sh (pip install -e .)", pytrace=False)
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=120, input=stdin, env=env
    )
