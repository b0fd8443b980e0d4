"""The audit's offline check and the audit itself.

    python -m pytest bench/test_bench_audit.py --benchmark-only -s

- ``crack``: candidate passwords per second against one captured RAKP 2 HMAC (a full scan: the password is not in
  the list), the compiled ``crack_rakp2`` beside its pure-Python reference (hmac.copy() per candidate), HMAC-SHA1
  (suite 3) and HMAC-SHA256 (suite 17), in one run.
- ``audit``: ``ipmifast audit`` as users run it over simulated BMCs (``ipmifast sim`` in its own process on CPU 0,
  default profile: 9 user names probed per host, one RAKP capture, every session closed), hosts per second.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from .test_bench_sim import PORT, simulator

C = importlib.import_module("ipmifast.proto._crypto_c")
PY = importlib.import_module("ipmifast.proto._crypto_py")
SALT = bytes(range(58)) + b"\x14\x05admin"


def _words(n: int) -> list[bytes]:
    return [b"candidate-%07d" % i for i in range(n)]


@pytest.mark.parametrize("algorithm", [1, 3], ids=["hmac-sha1", "hmac-sha256"])
@pytest.mark.parametrize("impl", ["ipmifast-c", "ipmifast-py"])
def test_crack(benchmark: Any, impl: str, algorithm: int) -> None:
    mod = C if impl == "ipmifast-c" else PY
    code = C.hmac_digest(algorithm, b"not-in-the-list".ljust(20, b"\0"), SALT)
    words = _words(2_000 if benchmark.disabled else (200_000 if impl == "ipmifast-c" else 20_000))
    assert mod.crack_rakp2(algorithm, [SALT], [code], words + [b"not-in-the-list"]) == [len(words)]
    benchmark.group = f"crack {'HMAC-SHA1' if algorithm == 1 else 'HMAC-SHA256'}"
    result = benchmark(mod.crack_rakp2, algorithm, [SALT], [code], words)
    assert result == [-1]
    if not benchmark.disabled:
        per_second = len(words) / benchmark.stats.stats.median
        benchmark.extra_info["candidates_per_second"] = round(per_second)
        print(f"\n[{benchmark.group}] {impl}: {per_second:,.0f} candidates/s")


@pytest.mark.interop
def test_audit_hosts_per_second(benchmark: Any, tmp_path: Any) -> None:
    count = 50 if benchmark.disabled else 2_000
    exe = os.path.join(os.path.dirname(sys.executable), "ipmifast")
    figures: dict[str, str] = {}

    def measure() -> None:
        with simulator(count) as sim:
            hosts = tmp_path / "hosts"
            hosts.write_text("".join(f"{a}\n" for a, _ in sim.addresses()))
            start = time.perf_counter()
            out = subprocess.run([exe, "audit", f"@{hosts}", "-p", str(PORT),
                                  "--json", "--concurrency", "256"], capture_output=True, text=True, timeout=600)
            wall = time.perf_counter() - start
        assert out.returncode == 0, out.stderr
        reports = [json.loads(line) for line in out.stdout.splitlines()]
        assert len(reports) == count and all("error" not in r for r in reports)
        assert all({f["finding"] for f in r["findings"]} == {"rakp-hmac-disclosure"} for r in reports)
        figures["audit"] = f"{count} hosts in {wall:.2f} s: {count / wall:,.0f} hosts/s (process start included)"

    benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(figures)
    print(f"\n[audit, {count} simulated BMCs] {figures['audit']}")
