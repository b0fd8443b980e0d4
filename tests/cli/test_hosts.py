"""Host specifications (``ipmifast/cli/hosts``): ranges, padding, CIDR, lists, files, ports and exclusions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipmifast.cli import hosts
from ipmifast.errors import UsageError


def ex(*specs: str, port: int = 623, exclude: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    return list(hosts.expand(specs, port, exclude))


def test_ranges_lists_and_padding() -> None:
    assert ex("10.1.[0-1].[1-2]") == [("10.1.0.1", 623), ("10.1.0.2", 623), ("10.1.1.1", 623), ("10.1.1.2", 623)]
    assert [h for h, _ in ex("node[001-003]")] == ["node001", "node002", "node003"]
    assert [h for h, _ in ex("node[8-10]")] == ["node8", "node9", "node10"]
    assert [h for h, _ in ex("10.0.0.[1,3,5-6]")] == ["10.0.0.1", "10.0.0.3", "10.0.0.5", "10.0.0.6"]
    assert [h for h, _ in ex("a,b[1-2],a")] == ["a", "b1", "b2"]  # each once, in order
    assert len(ex("10.[0-3].[0-255].[1-254]")) == 4 * 256 * 254


def test_cidr() -> None:
    assert [h for h, _ in ex("10.1.0.0/30")] == ["10.1.0.1", "10.1.0.2"]
    assert len(ex("10.1.0.0/22")) == 1022
    assert [h for h, _ in ex("10.1.0.7/32")] == ["10.1.0.7"]
    assert [h for h, _ in ex("10.1.0.6/31")] == ["10.1.0.6", "10.1.0.7"]


def test_ports() -> None:
    assert ex("127.1.0.1:623-625") == [("127.1.0.1", 623), ("127.1.0.1", 624), ("127.1.0.1", 625)]
    assert ex("127.1.0.[1-2]:9000", port=623) == [("127.1.0.1", 9000), ("127.1.0.2", 9000)]
    assert ex("bmc1", port=9623) == [("bmc1", 9623)]


def test_files_and_exclusions(tmp_path: Path) -> None:
    f = tmp_path / "hosts.txt"
    f.write_text("# rack 1\n10.0.0.[1-4]  # the first four\n\nbmc7,bmc8\n")
    assert [h for h, _ in ex(f"@{f}")] == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "bmc7", "bmc8"]
    assert [h for h, _ in ex(f"@{f}", exclude=("10.0.0.[2-3]", "bmc8"))] == ["10.0.0.1", "10.0.0.4", "bmc7"]
    assert ex("127.1.0.1:1-3", exclude=("127.1.0.1:2",)) == [("127.1.0.1", 1), ("127.1.0.1", 3)]


@pytest.mark.parametrize(("spec", "message"), [
    ("10.1.[3-1].4", "runs backwards"), ("10.1.[a-b].4", "not a list of numbers"), ("10.1.[1-2.4", "without ']'"),
    ("10.1.1-2].4", "without '['"), ("10.0.0.0/8", "more than"), ("10.0.0.0/99", "10.0.0.0/99"),
    ("h:0", "not UDP ports"), ("h:5-70000", "not UDP ports"), ("bad host!", "not a host name"),
    ("@/nonexistent", "host file"),
    ("", "no hosts given"),
])
def test_bad_specifications_are_one_clear_usage_error(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ex(spec)


def test_files_do_not_nest(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(f"@{f}\n")
    with pytest.raises(UsageError, match="do not include"):
        ex(f"@{f}")


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=4))
def test_expansion_counts_match(ranges: list[tuple[int, int]]) -> None:
    spec = ".".join(f"[{min(a, b)}-{max(a, b)}]" for a, b in ranges)
    expected = 1
    for a, b in ranges:
        expected *= abs(a - b) + 1
    assert hosts.count([spec]) == expected == len(ex(spec))


def test_compress_is_the_inverse_for_display() -> None:
    assert hosts.compress(["127.1.0.1", "127.1.0.2", "127.1.0.3", "127.1.0.7", "bmc", "node001", "node002"]) == (
        "127.1.0.[1-3,7],bmc,node[001-002]")
    assert hosts.compress(["10.0.0.1:9845", "10.0.0.2:9845", "10.0.0.3:9845"]) == "10.0.0.[1-3]:9845"
    assert hosts.compress(["127.1.0.1:623", "127.1.0.1:624", "127.1.0.1:625"]) == "127.1.0.1:[623-625]"
    targets = [h for h, _ in ex("10.1.[0-1].[1-254]", "node[008-012]")]
    assert [h for h, _ in ex(hosts.compress(targets))] == targets  # expands back to the same hosts
