"""Shared fixtures: run the same tests over the compiled modules and their pure-Python references."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

IMPLS = ("c", "py")


def load_impl(name: str, impl: str) -> ModuleType:
    """Import ``ipmifast.proto._<name>_<impl>`` directly (bypassing the selector)."""
    return importlib.import_module(f"ipmifast.proto._{name}_{impl}")


@pytest.fixture(params=IMPLS)
def impl(request: pytest.FixtureRequest) -> str:
    """Parametrize a test over both implementations: "c" then "py"."""
    return str(request.param)
