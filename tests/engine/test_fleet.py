"""Bounded fan-out: tens of thousands of queued targets in bounded memory, results streamed, errors classified."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from ipmifast.engine.fleet import HostResult, classify, run_fleet
from ipmifast.engine.loop import run
from ipmifast.errors import (
    BadPasswordError,
    CipherSuiteUnavailable,
    CompletionCodeError,
    ConnectionTimeout,
    PrivilegeUnavailable,
)


def test_twenty_thousand_targets_bounded_concurrency_and_lazy_pulling() -> None:
    n, concurrency = 20_000, 64
    pulled = 0
    running = 0
    most_running = 0
    most_ahead = 0
    done = 0

    def targets() -> Iterator[int]:
        nonlocal pulled, most_ahead
        for i in range(n):
            pulled += 1
            most_ahead = max(most_ahead, pulled - done)
            yield i

    async def operation(i: int) -> int:
        nonlocal running, most_running
        running += 1
        most_running = max(most_running, running)
        await asyncio.sleep(0)
        running -= 1
        return i * 2

    async def main() -> list[HostResult[int, int]]:
        nonlocal done
        out = []
        async for result in run_fleet(targets(), operation, concurrency=concurrency):
            done += 1
            out.append(result)
        return out

    results = run(main(), "asyncio")
    assert sorted(r.value for r in results if r.value is not None) == [2 * i for i in range(n)]
    assert most_running <= concurrency
    # never more than the workers plus the result queue's slots are pulled ahead of what was consumed
    assert most_ahead <= 2 * concurrency + 1


def test_errors_are_per_host_results_and_classified() -> None:
    errors = {
        0: ConnectionTimeout("x"),
        1: BadPasswordError("x"),
        2: CipherSuiteUnavailable("x"),
        3: PrivilegeUnavailable("x"),
        4: CompletionCodeError(0, 1, 0xC1),
        5: OSError("network unreachable"),
    }

    async def operation(i: int) -> int:
        if i in errors:
            raise errors[i]
        return i

    async def main() -> dict[int, str]:
        return {r.target: r.kind async for r in run_fleet(range(7), operation, concurrency=3)}

    kinds = run(main(), "asyncio")
    assert kinds == {0: "timeout", 1: "auth", 2: "cipher", 3: "privilege", 4: "completion-code", 5: "network", 6: "ok"}
    assert classify(TimeoutError()) == "timeout"


def test_a_bug_in_the_operation_propagates() -> None:
    async def operation(i: int) -> int:
        raise ZeroDivisionError("bug")

    async def main() -> None:
        async for _ in run_fleet(range(5), operation, concurrency=2):
            pass

    with pytest.raises(ZeroDivisionError):
        run(main(), "asyncio")
