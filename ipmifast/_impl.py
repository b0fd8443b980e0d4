"""Choose between the compiled modules and their pure-Python references.

``IPMIFAST_PURE_PYTHON=1`` selects the references. Otherwise the compiled
module is imported and an ImportError propagates: ipmifast never falls back
silently to the slow path (STYLE.md §3).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

PURE_PYTHON = os.environ.get("IPMIFAST_PURE_PYTHON", "") not in ("", "0")


def load(package: str, name: str) -> ModuleType:
    """Import ``package._<name>_c`` (or ``_<name>_py`` when pure Python is asked for)."""
    suffix = "py" if PURE_PYTHON else "c"
    try:
        return importlib.import_module(f"{package}._{name}_{suffix}")
    except ImportError as exc:
        if suffix == "c":
            raise ImportError(
                f"the compiled module {package}._{name}_c is not built ({exc}); "
                "run `pip install -e .` (needs Cython and libssl-dev), "
                "or set IPMIFAST_PURE_PYTHON=1 to use the slow reference on purpose"
            ) from exc
        raise
