"""Scapy layer tests run with ``conf.debug_dissector = True``: a broken dissector fails instead of becoming Raw."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scapy.config import conf


@pytest.fixture(autouse=True)
def debug_dissector() -> Iterator[None]:
    previous = conf.debug_dissector
    conf.debug_dissector = True
    yield
    conf.debug_dissector = previous
