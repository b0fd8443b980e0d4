"""The verb registry of ``ipmifast`` and running one verb against one host.

Each verb is ``async def verb(bmc, args) -> Output``: it talks to one BMC and returns what to print (text lines
laid out as ipmitool lays them out, and the typed value ``--json`` prints), so the fleet runner can call the same
function for thousands of hosts. Verb modules register themselves with ``@verb(group, name)``.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ipmifast.cli.main import Options, jsonable, need_password
from ipmifast.errors import UsageError

#: the global options of this invocation, for verbs that need them (``--sdr-cache``)
OPTIONS: contextvars.ContextVar[Options] = contextvars.ContextVar("ipmifast_options")

#: modules that define verbs (imported when a verb is looked up, so start-up stays light)
VERB_MODULES = ("ipmifast.cli.verbs", "ipmifast.cli.verbs_config", "ipmifast.cli.verbs_sensors")


@dataclass
class Output:
    lines: list[str] = field(default_factory=list)
    value: Any = None


Verb = Callable[[Any, list[str]], Awaitable[Output]]
VERBS: dict[str, dict[str, Verb]] = {}
USAGES: dict[str, str] = {}


def verb(group: str, name: str = "") -> Callable[[Verb], Verb]:
    def register(fn: Verb) -> Verb:
        VERBS.setdefault(group, {})[name] = fn
        return fn

    return register


def usage(group: str, text: str) -> None:
    USAGES[group] = text


def load_verbs() -> None:
    import importlib

    for name in VERB_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def find(rest: list[str]) -> tuple[Verb, list[str]]:
    """The verb function for ``rest`` (``["chassis", "status"]``) and its remaining arguments."""
    load_verbs()
    if not rest:
        raise UsageError("no verb given (try: ipmifast -h)")
    group, args = rest[0], rest[1:]
    table = VERBS.get(group)
    if table is None:
        raise UsageError(f"unknown verb {group!r} (try: ipmifast -h)")
    if args and args[0] in table:
        return table[args[0]], args[1:]
    if "" in table:
        return table[""], args
    raise UsageError(f"{group}: {'unknown subcommand ' + repr(args[0]) if args else 'what?'}; "
                     f"usage: {USAGES.get(group, ' | '.join(n for n in table if n))}")


def run_verb(opts: Options, rest: list[str]) -> int:
    fn, args = find(rest)
    if opts.host is None:
        raise UsageError("no BMC given: use -H HOST (or run 'ipmifast sim' for a simulated one)")
    password = need_password(opts)
    from ipmifast.engine.loop import run

    OPTIONS.set(opts)
    output = run(_one(opts, password, fn, args))
    if opts.json:
        print(json.dumps(jsonable(output.value)))
    else:
        for line in output.lines:
            print(line)
    return 0


async def _one(opts: Options, password: bytes, fn: Verb, args: list[str]) -> Output:
    import ipmifast

    async with ipmifast.connect(
        opts.host or "",
        port=opts.port,
        username=opts.username,
        password=password,
        cipher_suite=opts.cipher_suite,
        privilege=opts.privilege,
        kg=opts.kg,
        interface=opts.interface,
        auth_type=opts.auth_type,
        quirks=opts.quirks,
        timeout=opts.timeout,
        retries=opts.retries,
        keepalive=None,
        reconnect=False,
    ) as bmc:
        return await fn(bmc, args)




async def drive(bmc: Any, reader: Any) -> Any:
    """Run a sans-IO reader (``next_request`` / ``receive_response``) over the session."""
    while (request := reader.next_request()) is not None:
        response = await bmc.request(request.netfn, request.cmd, request.data)
        reader.receive_response(response.cc, response.data)
    return reader
