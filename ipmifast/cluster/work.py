"""What a Dask worker runs: one job (a fleet verb, discovery or the audit) over one shard, on this process's engine.

Every worker process has one engine (``engine_loop``: an asyncio loop on a thread of its own, its sockets and
timers); the shards that process runs at once share it, as the sessions of a local run share one socket. A Dask
task (``run_shard``) hands its shard to that loop and waits for the results.

Secrets: a job's password and Kg are ``Secret`` objects: carried in the task's pickled arguments when given on the
client (never in a task key, a repr or a log line), or named (``env:NAME``, ``file:PATH``) and read on the worker.

Destructive verbs (power off, cycle, reset, mc reset) are never run twice on a host: the first try of a shard
claims it in a Dask ``Variable`` and records each host's result there as it finishes; a second try of that shard
(its worker died) touches nothing and reports the recorded hosts with their results and the rest as unknown.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import os
import pickle
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ipmifast.cluster.shards import Shard
from ipmifast.errors import UsageError

#: the error kind of hosts a destructive verb may or may not have reached (their worker died mid-shard)
UNKNOWN = "unknown"
UNKNOWN_MESSAGE = ("result unknown: the worker running this host's shard was lost and a destructive verb is not "
                   "re-run (check this host)")
#: how often a destructive shard's finished hosts are recorded on the scheduler
RECORD_EVERY = 0.2


class Secret:
    """A password or key for the workers: ``Secret(b"...")`` travels (pickled) with the task; ``Secret.named(
    "env:IPMI_PASSWORD")`` or ``"file:/etc/ipmi/pw"`` is read on the worker. Its repr never shows the value."""

    __slots__ = ("_value", "source")

    def __init__(self, value: bytes | None = None, source: str | None = None) -> None:
        self._value = value
        self.source = source

    @classmethod
    def named(cls, spec: str) -> Secret:
        kind, _, name = spec.partition(":")
        if kind not in ("env", "file") or not name:
            raise UsageError(f"--worker-password {spec!r}: give env:VARIABLE or file:PATH (read on the workers)")
        return cls(source=spec)

    def __repr__(self) -> str:
        return f"Secret({self.source})" if self.source else ("Secret(<hidden>)" if self._value is not None
                                                             else "Secret(None)")

    def __getstate__(self) -> tuple[bytes | None, str | None]:
        return self._value, self.source

    def __setstate__(self, state: tuple[bytes | None, str | None]) -> None:
        self._value, self.source = state

    def resolve(self) -> bytes | None:
        """The value, reading a named one here (on the worker)."""
        if self.source is None:
            return self._value
        kind, _, name = self.source.partition(":")
        if kind == "env":
            value = os.environ.get(name)
            if value is None:
                raise UsageError(f"worker {_worker_name()}: the environment variable {name} is not set")
            return value.encode()
        from ipmifast.cli.main import _read_password_file

        try:
            return _read_password_file(name, force=False)
        except UsageError as exc:
            raise UsageError(f"worker {_worker_name()}: {exc}") from None


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return "(not a Dask worker)"


class Job:
    """What every shard of one run does; subclasses say how (``run``). The repr names the run, nothing more."""

    kind = "job"
    destructive = False

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    def __repr__(self) -> str:
        return f"<ipmifast {self.kind} job {self.run_id}>"

    def key(self, shard: Shard[Any]) -> str:
        return f"ipmifast-{self.kind}-{self.run_id}-{shard.index}"

    async def run(self, targets: Sequence[Any], done: Callable[[Any], None] | None = None) -> list[Any]:
        raise NotImplementedError

    def failed(self, target: Any, kind: str, message: str) -> Any:
        """The result that says ``target`` was not done (its shard failed as a whole)."""
        raise NotImplementedError

    def target_of(self, result: Any) -> Any:
        raise NotImplementedError


class FleetJob(Job):
    """One verb (``rest``: ``power status``) with the command line's options, per host credentials rows."""

    kind = "fleet"

    def __init__(self, run_id: str, opts: Any, rest: list[str], password: Secret, credentials: Any,
                 concurrency: int, rate: float | None, destructive: bool) -> None:
        super().__init__(run_id)
        self.kg = Secret(opts.kg)
        self.opts = dataclasses.replace(opts, password=None, kg=None, fleet={}, warnings=[])
        self.rest = list(rest)
        self.password = password
        self.credentials = credentials
        self.concurrency = concurrency
        self.rate = rate
        self.destructive = destructive

    async def run(self, targets: Sequence[Any], done: Callable[[Any], None] | None = None) -> list[Any]:
        from ipmifast.cli.fleet import _run

        opts = dataclasses.replace(self.opts, kg=self.kg.resolve())
        password = self.password.resolve()

        def emit(outcome: Any, so_far: list[Any]) -> None:
            if done is not None:
                done(outcome)

        return await _run(opts, self.rest, list(targets), password, self.concurrency, emit, self.credentials,
                          self.rate)

    def failed(self, target: Any, kind: str, message: str) -> Any:
        from ipmifast.cli.fleet import Outcome

        return Outcome(target[0], target[1], kind=kind, error=message)

    def target_of(self, result: Any) -> Any:
        return result.host, result.port


class DiscoverJob(Job):
    """``ipmifast discover``'s scan (``cli/discover._scan``) with its parsed arguments."""

    kind = "discover"

    def __init__(self, run_id: str, args: Any) -> None:
        super().__init__(run_id)
        self.args = args

    async def run(self, targets: Sequence[Any], done: Callable[[Any], None] | None = None) -> list[Any]:
        from ipmifast.cli.discover import _scan

        return [report async for report in _scan(self.args, list(targets))]

    def failed(self, target: Any, kind: str, message: str) -> Any:
        return {"host": target[0], "port": target[1], "error": message}

    def target_of(self, result: Any) -> Any:
        return result["host"], result["port"]


class AuditJob(Job):
    """``ipmifast audit`` (``cli/audit._audit``): the word list is read on the workers, from the same path."""

    kind = "audit"

    def __init__(self, run_id: str, args: Any, options: Any, password: Secret, wordlist: str | None) -> None:
        super().__init__(run_id)
        self.args = args
        self.options = dataclasses.replace(options, password=None, words=())
        self.password = password
        self.wordlist = wordlist

    async def run(self, targets: Sequence[Any], done: Callable[[Any], None] | None = None) -> list[Any]:
        from ipmifast.cli.audit import _audit

        words = _words(self.wordlist) if self.wordlist else ()
        options = dataclasses.replace(self.options, password=self.password.resolve(), words=words)
        return [report async for report in _audit(self.args, list(targets), options)]

    def failed(self, target: Any, kind: str, message: str) -> Any:
        return {"host": target[0], "port": target[1], "error": message}

    def target_of(self, result: Any) -> Any:
        return result["host"], result["port"]


_word_lists: dict[tuple[str, float], list[bytes]] = {}


def _words(path: str) -> list[bytes]:
    """A word list read once per worker process (until the file changes)."""
    from ipmifast.cli.audit import _read_lines

    try:
        stamp = os.stat(path).st_mtime
    except OSError as exc:
        raise UsageError(f"worker {_worker_name()}: cannot read the word list {path}: {exc.strerror}") from None
    if (path, stamp) not in _word_lists:
        _word_lists.clear()
        _word_lists[path, stamp] = _read_lines(path, "word list")
    return _word_lists[path, stamp]


_engine: asyncio.AbstractEventLoop | None = None
_engine_lock = threading.Lock()


def engine_loop() -> asyncio.AbstractEventLoop:
    """This process's engine loop (started on first use, on a daemon thread)."""
    global _engine
    with _engine_lock:
        if _engine is None or _engine.is_closed():
            from ipmifast.engine.loop import new_event_loop

            loop = new_event_loop()
            threading.Thread(target=loop.run_forever, name="ipmifast-engine", daemon=True).start()
            _engine = loop
        return _engine


def claim_name(job: Job, shard: Shard[Any]) -> str:
    return f"ipmifast-claim-{job.run_id}-{shard.index}"


#: shards this process has run (``ipmifast cluster workers`` shows it per worker)
shards_run = 0


def shards_done() -> int:
    """How many shards this worker process has run (called on the workers by ``driver.workers``)."""
    return shards_run


def run_shard(job: Job, shard: Shard[Any]) -> list[Any]:
    """The Dask task: ``job`` over ``shard`` on this process's engine; its results, one per host."""
    global shards_run
    shards_run += 1
    loop = engine_loop()
    if not job.destructive:
        return asyncio.run_coroutine_threadsafe(job.run(shard.targets), loop).result()
    from distributed import Variable, get_client

    claim = Variable(claim_name(job, shard), client=get_client())
    try:  # the timeout runs on the scheduler, for a claim not made yet: a made one comes back whatever the latency
        earlier = claim.get(timeout=0.05)
    except TimeoutError:
        earlier = None
    if earlier is not None:  # an earlier try of this shard started, and its worker died
        return finish_lost(job, shard, earlier)
    claim.set(pickle.dumps([]))
    finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
    future = asyncio.run_coroutine_threadsafe(job.run(shard.targets, finished.put), loop)
    recorded: list[Any] = []
    while True:
        try:
            results = future.result(timeout=RECORD_EVERY)
        except concurrent.futures.TimeoutError:
            pass
        else:
            return list(results)
        fresh = False
        while not finished.empty():
            recorded.append(finished.get())
            fresh = True
        if fresh:
            claim.set(pickle.dumps(recorded))


def finish_lost(job: Job, shard: Shard[Any], record: Any) -> list[Any]:
    """A destructive shard whose first try was lost: what it recorded, and every other host as unknown."""
    recorded = pickle.loads(record) if isinstance(record, bytes) else []
    seen = {job.target_of(r) for r in recorded}
    return recorded + [job.failed(t, UNKNOWN, UNKNOWN_MESSAGE) for t in shard.targets if t not in seen]
