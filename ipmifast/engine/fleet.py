"""Running one operation over many BMCs with bounded concurrency and bounded memory.

``run_fleet`` pulls targets lazily from any iterable (a generator over a /8 is fine): at most ``concurrency``
operations exist at once, and results stream out as they finish, so tens of thousands of queued hosts cost
nothing until their turn. Errors are classified the way operators triage them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ipmifast.errors import (
    AuthenticationError,
    BadPasswordError,
    CipherSuiteUnavailable,
    CompletionCodeError,
    ConnectionTimeout,
    IpmiError,
    IpmiTimeout,
    PrivilegeUnavailable,
)

T = TypeVar("T")
K = TypeVar("K")


def classify(error: BaseException) -> str:
    """One word for a per-host failure: timeout, auth, cipher, privilege, completion-code, network, error."""
    if isinstance(error, ConnectionTimeout | IpmiTimeout | TimeoutError):
        return "timeout"
    if isinstance(error, CipherSuiteUnavailable):
        return "cipher"
    if isinstance(error, PrivilegeUnavailable):
        return "privilege"
    if isinstance(error, BadPasswordError | AuthenticationError):
        return "auth"
    if isinstance(error, CompletionCodeError):
        return "completion-code"
    if isinstance(error, OSError):
        return "network"
    return "error"


@dataclass(frozen=True)
class HostResult(Generic[K, T]):
    """What one target gave: ``value`` or ``error`` (with its ``kind``)."""

    target: K
    value: T | None = None
    error: IpmiError | OSError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def kind(self) -> str:
        return "ok" if self.error is None else classify(self.error)


async def run_fleet(
    targets: Iterable[K],
    operation: Callable[[K], Awaitable[T]],
    concurrency: int = 256,
) -> AsyncIterator[HostResult[K, T]]:
    """Run ``operation(target)`` for every target, ``concurrency`` at a time; yield results as they finish.

    Only ``IpmiError`` and ``OSError`` are per-host results; anything else is a bug and propagates.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    iterator = iter(targets)
    results: asyncio.Queue[HostResult[K, T] | BaseException | None] = asyncio.Queue(maxsize=concurrency)

    async def worker() -> None:
        try:
            for target in iterator:  # workers share the iterator: nothing is pulled before a worker is free
                try:
                    value = await operation(target)
                except (IpmiError, OSError) as exc:
                    await results.put(HostResult(target, error=exc))
                else:
                    await results.put(HostResult(target, value=value))
        except BaseException as exc:  # a bug in the operation: hand it to the consumer
            await results.put(exc)
        finally:
            await results.put(None)

    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    running = len(workers)
    try:
        while running:
            item = await results.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
