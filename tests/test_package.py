"""The package as shipped: compiled extensions loaded, layering rule kept, lint and types clean."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ipmifast"
COMPILED = ("proto.frame", "proto.crypto", "proto.sol", "engine.batch", "engine.mmsg")


@pytest.mark.parametrize("name", COMPILED)
def test_compiled_extension_is_built_and_loaded(name: str) -> None:
    """Fails when the Cython extension is missing: the compiled module IS the product."""
    package, module = name.split(".")
    code = (
        f"import ipmifast.{name} as m, ipmifast.{package}._{module}_c as c; "
        "print(m.__impl__, c.__file__)"
    )
    env = {k: v for k, v in os.environ.items() if k != "IPMIFAST_PURE_PYTHON"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    impl, path = out.stdout.split()
    assert impl == "c"
    assert path.endswith(".so") or path.endswith(".pyd")


def test_pure_python_is_only_chosen_on_request() -> None:
    code = "import ipmifast.proto.frame as f, ipmifast.proto.crypto as c, ipmifast.proto.sol as s; " \
           "print(f.__impl__, c.__impl__, s.__impl__)"
    env = dict(os.environ, IPMIFAST_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["py", "py", "py"]


def test_missing_extension_is_an_import_error_not_a_fallback(tmp_path: Path) -> None:
    """Copy the package without its .so files: importing the selector must fail loudly."""
    import shutil

    shutil.copytree(PACKAGE, tmp_path / "ipmifast", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "IPMIFAST_PURE_PYTHON"}
    env["PYTHONPATH"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", "import ipmifast.proto.frame"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode != 0
    assert "not built" in out.stderr


FORBIDDEN = {"socket", "asyncio", "time", "random", "select", "selectors", "threading", "subprocess", "os"}
SANS_IO = ("proto", "cmds", "records")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_sans_io_layers_import_no_io() -> None:
    """STYLE.md §1: proto/, cmds/ and records/ never touch sockets, clocks or random sources."""
    checked = 0
    for layer in SANS_IO:
        for path in sorted((PACKAGE / layer).glob("*.py*")):
            if path.suffix not in (".py", ".pyx"):
                continue
            text = path.read_text()
            if path.suffix == ".pyx":
                bad = [w for w in FORBIDDEN if f"import {w}" in text or f"from {w} " in text]
            else:
                bad = sorted(_imports(path) & FORBIDDEN)
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
            assert "urandom" not in text, f"{path.relative_to(ROOT)} draws random numbers"
            checked += 1
    assert checked >= 10


def test_ruff_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "ipmifast", "tests", "bench"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_the_sans_io_core() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "ipmifast/proto", "ipmifast/cmds", "ipmifast/records", "ipmifast/engine",
         "ipmifast/sim", "ipmifast/cli", "ipmifast/cluster", "ipmifast/client.py"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
