"""Every input a fuzzer found (tests/data/fuzz/TARGET/*) is replayed through its target on every test run, and each
target runs over its own seed corpus, so the fuzz harness cannot rot between fuzzing runs (scripts/fuzz.sh).

The targets compare the compiled modules with their pure-Python references and allow only ipmifast's errors out:
a replayed input that crashes, disagrees or raises anything else fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzz.targets import TARGETS

FOUND = Path(__file__).resolve().parent / "data" / "fuzz"
INPUTS = sorted((p.parent.name, p) for p in FOUND.glob("*/*") if p.is_file())


@pytest.mark.parametrize(("target", "path"), INPUTS, ids=[f"{t}/{p.name}" for t, p in INPUTS])
def test_found_inputs_stay_fixed(target: str, path: Path) -> None:
    function, _seeds = TARGETS[target]
    function(path.read_bytes())


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_each_target_runs_over_its_seeds(target: str) -> None:
    function, seeds = TARGETS[target]
    corpus = list(seeds())
    assert corpus, f"{target} has no seeds"
    for data in corpus:
        function(data)


def test_every_found_input_names_a_target() -> None:
    assert {p.name for p in FOUND.iterdir() if p.is_dir()} <= set(TARGETS)
