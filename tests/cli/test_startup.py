"""What a one-shot ``ipmifast`` imports: the start-up budget (bench/test_bench_cli.py times it) is kept by never
loading asyncio, the engine, uvloop or the command codecs a verb does not use. These are checks of behaviour (which
modules a real run against ipmi_sim loaded), not of time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ipmifast.cli import registry
from tests.interop.conftest import SimBmc

from .conftest import ipmi_sim_fixture, password_file_in

pytestmark = pytest.mark.interop

#: run main() in a fresh interpreter, then report the modules it loaded
PROBE = """
import json, sys
from ipmifast.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
NEVER_ON_THE_ONE_SHOT_PATH = ("asyncio", "uvloop", "ipmifast.engine.endpoint", "ipmifast.engine.loop",
                              "ipmifast.client", "ipmifast.sim", "concurrent.futures", "threading")  # fmt: skip


bmc = ipmi_sim_fixture(17)


def loaded(bmc: SimBmc, tmp_path: Path, *verb: str) -> set[str]:
    password = password_file_in(tmp_path)
    args = ["-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-f", str(password), *verb]
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.splitlines()[-1])
    assert report["code"] == 0
    return set(report["modules"])


@pytest.mark.parametrize("verb", [("power", "status"), ("raw", "0x06", "0x01"), ("sdr", "elist"), ("sel", "list")],
                         ids=" ".join)  # fmt: skip
def test_one_shot_path_imports_no_event_loop(bmc: SimBmc, tmp_path: Path, verb: tuple[str, ...]) -> None:
    modules = loaded(bmc, tmp_path, *verb)
    assert not [m for m in modules for never in NEVER_ON_THE_ONE_SHOT_PATH if m == never or m.startswith(never + ".")]
    assert "ipmifast.cli.verbs_config" not in modules  # only the verb modules of the group


def test_power_status_needs_no_command_codecs(bmc: SimBmc, tmp_path: Path) -> None:
    modules = loaded(bmc, tmp_path, "power", "status")
    assert not [m for m in modules if m.startswith(("ipmifast.cmds", "ipmifast.records"))]
    assert "ipmifast.cli.verbs_sensors" not in modules


def test_typed_verbs_borrow_the_client_commands_without_asyncio(bmc: SimBmc, tmp_path: Path) -> None:
    modules = loaded(bmc, tmp_path, "mc", "info")
    assert "ipmifast.cmds.app" in modules and "asyncio" not in modules


def test_the_group_table_names_every_verb_module() -> None:
    registry.load_verbs()
    for group in registry.VERBS:
        defined_in = {fn.__module__ for fn in registry.VERBS[group].values()}
        assert defined_in <= set(registry.GROUP_MODULES[group]), group
    assert set(registry.GROUP_MODULES) == set(registry.VERBS)
