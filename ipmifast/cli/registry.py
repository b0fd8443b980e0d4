"""The verb registry of ``ipmifast`` and running one verb against one host.

Each verb is ``async def verb(bmc, args) -> Output``: it talks to one BMC and returns what to print (text lines
laid out as ipmitool lays them out, and the typed value ``--json`` prints), so the fleet runner can call the same
function for thousands of hosts. Verb modules register themselves with ``@verb(group, name)``.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from ipmifast.cli.main import Options, OutputError, jsonable, need_password
from ipmifast.errors import UsageError

#: the global options of this invocation, for verbs that need them (``--sdr-cache``)
OPTIONS: contextvars.ContextVar[Options] = contextvars.ContextVar("ipmifast_options")

#: the modules that define each verb group's subcommands: only those are imported for one invocation, so a
#: ``power status`` does not pay for the sensor, SEL and configuration verbs (tests/cli/test_startup.py checks
#: that this table names every module that registers a group)
GROUP_MODULES: dict[str, tuple[str, ...]] = {
    "chassis": ("ipmifast.cli.verbs",),
    "power": ("ipmifast.cli.verbs",),
    "mc": ("ipmifast.cli.verbs",),
    "raw": ("ipmifast.cli.verbs",),
    "fru": ("ipmifast.cli.verbs",),
    "sdr": ("ipmifast.cli.verbs", "ipmifast.cli.verbs_sensors"),
    "sel": ("ipmifast.cli.verbs", "ipmifast.cli.verbs_sensors"),
    "sensor": ("ipmifast.cli.verbs", "ipmifast.cli.verbs_sensors"),
    "lan": ("ipmifast.cli.verbs_config",),
    "channel": ("ipmifast.cli.verbs_config",),
    "sol": ("ipmifast.cli.verbs_config", "ipmifast.cli.sol_console"),
    "user": ("ipmifast.cli.verbs_config",),
    "session": ("ipmifast.cli.verbs_config",),
}
VERB_MODULES = tuple(dict.fromkeys(m for modules in GROUP_MODULES.values() for m in modules))


@dataclass
class Output:
    lines: list[str] = field(default_factory=list)
    value: Any = None
    #: problems the verb worked around (a bad FRU checksum): one ``ipmifast: <host>: ...`` line each on stderr
    warnings: list[str] = field(default_factory=list)


Verb = Callable[[Any, list[str]], Coroutine[Any, Any, Output]]
VERBS: dict[str, dict[str, Verb]] = {}
USAGES: dict[str, str] = {}


def verb(group: str, name: str = "") -> Callable[[Verb], Verb]:
    def register(fn: Verb) -> Verb:
        VERBS.setdefault(group, {})[name] = fn
        return fn

    return register


def usage(group: str, text: str) -> None:
    USAGES[group] = text


def usage_error(group: str, problem: str) -> UsageError:
    """A bad argument of ``group``: one line, the problem and the group's usage."""
    return UsageError(f"{group}: {problem}; usage: {USAGES[group]}")


async def pause(bmc: Any, seconds: float) -> None:
    """Wait between two requests: a plain sleep on the one-shot path (``OneShot.sleep``), ``asyncio.sleep`` in an
    event loop."""
    sleep = getattr(bmc, "sleep", None)
    if sleep is not None:
        await sleep(seconds)
        return
    import asyncio

    await asyncio.sleep(seconds)


def load_verbs(group: str | None = None) -> None:
    """Import the modules that define ``group`` (every verb module when None)."""
    import importlib

    for name in GROUP_MODULES.get(group, ()) if group is not None else VERB_MODULES:
        importlib.import_module(name)


def find(rest: list[str]) -> tuple[str, Verb, list[str]]:
    """The group, the verb function for ``rest`` (``["chassis", "status"]``) and its remaining arguments."""
    if not rest:
        raise UsageError("no verb given (try: ipmifast -h)")
    group, args = rest[0], rest[1:]
    load_verbs(group)
    table = VERBS.get(group)
    if table is None:
        raise UsageError(f"unknown verb {group!r} (try: ipmifast -h)")
    if args and args[0] in table:
        return group, table[args[0]], args[1:]
    if "" in table:
        return group, table[""], args
    raise usage_error(group, f"unknown subcommand {args[0]!r}" if args else "what?")


def run_verb(opts: Options, rest: list[str]) -> int:
    """Run one verb against ``opts.host`` over a blocking one-shot session (ipmifast.cli.oneshot)."""
    group, fn, args = find(rest)
    if opts.host is None:
        raise UsageError("no BMC given: use -H HOST (or run 'ipmifast sim' for a simulated one)")
    password = need_password(opts)
    from ipmifast.cli.oneshot import OneShot, run_sync

    OPTIONS.set(opts)
    with OneShot(opts, password) as bmc:
        try:
            output = run_sync(fn(bmc, args))
        except UsageError as exc:  # a bad argument: the problem and the group's usage, on one line
            if "usage:" in str(exc):
                raise
            raise UsageError(f"{exc}; usage: {USAGES[group]}") from None
    for warning in output.warnings:
        print(f"ipmifast: {opts.host}: {warning}", file=sys.stderr)
    try:
        if opts.json:
            import json

            print(json.dumps(jsonable(output.value)))
        else:
            for line in output.lines:
                print(line)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror}") from None
    return 0


async def drive(bmc: Any, reader: Any) -> Any:
    """Run a sans-IO reader (``next_request`` / ``receive_response``) over the session."""
    while (request := reader.next_request()) is not None:
        response = await bmc.request(request.netfn, request.cmd, request.data)
        reader.receive_response(response.cc, response.data)
    return reader
