"""Host specifications, as fleet tools spell them, expanded lazily (a /8 is 16 million hosts: never a list).

- ranges in brackets, in any part: ``10.1.[0-3].[1-254]``, ``node[001-200]`` (zero padding kept), with comma lists
  inside: ``10.0.0.[1,3,5-7]``;
- CIDR: ``10.1.0.0/22`` (network and broadcast addresses left out below /31);
- comma lists of any of these: ``bmc1,bmc2,10.0.0.[1-9]``;
- ``@FILE``: one specification per line (``#`` starts a comment), files may not nest;
- ports: ``HOST:PORT`` and ``HOST:FIRST-LAST`` (the simulator's ``--ports`` fleets: ``127.1.0.1:623-10622``);
- exclusions: any of the above, given apart (``--exclude``), removed from the expansion.

``expand(specs, default_port, exclude)`` yields ``(host, port)`` pairs in order, each once.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ipmifast.errors import UsageError

#: more hosts than this in one specification is almost certainly a typo (a /8), and is refused
MAX_HOSTS = 1 << 20
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_PORTS = re.compile(r"^(?P<host>.+?):(?P<first>\d+)(?:-(?P<last>\d+))?$")
Target = tuple[str, int]


def split_list(text: str) -> list[str]:
    """Split on commas outside brackets: ``a,b[1,2],c`` -> ``a``, ``b[1,2]``, ``c``."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise UsageError(f"host specification {text!r}: ']' without '['")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if depth:
        raise UsageError(f"host specification {text!r}: '[' without ']'")
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _bracket_values(spec: str, body: str) -> list[str]:
    values: list[str] = []
    for item in body.split(","):
        item = item.strip()
        if re.fullmatch(r"\d+", item):
            values.append(item)
            continue
        m = re.fullmatch(r"(\d+)-(\d+)", item)
        if not m:
            raise UsageError(f"host specification {spec!r}: [{body}] is not a list of numbers and ranges (a-b)")
        first, last = m.group(1), m.group(2)
        if int(last) < int(first):
            raise UsageError(f"host specification {spec!r}: {first}-{last} runs backwards")
        width = len(first) if first.startswith("0") and len(first) > 1 else 0
        values.extend(str(v).zfill(width) for v in range(int(first), int(last) + 1))
    return values


def _count(spec: str) -> int:
    n = 1
    for body in _BRACKET.findall(spec):
        n *= len(_bracket_values(spec, body))
    return n


def _brackets(spec: str) -> Iterator[str]:
    m = _BRACKET.search(spec)
    if m is None:
        yield spec
        return
    for value in _bracket_values(spec, m.group(1)):
        yield from _brackets(spec[: m.start()] + value + spec[m.end():])


def _one(spec: str, default_port: int) -> tuple[int, Iterator[Target]]:
    """How many targets ``spec`` (no commas, no @) stands for, and them."""
    ports = [default_port]
    m = _PORTS.match(spec)
    if m and ":" not in m.group("host"):
        first, last = int(m.group("first")), int(m.group("last") or m.group("first"))
        if not 0 < first <= last <= 0xFFFF:
            raise UsageError(f"host specification {spec!r}: ports {first}-{last} are not UDP ports 1-65535")
        spec, ports = m.group("host"), list(range(first, last + 1))
    if "/" in spec:
        try:
            net = ipaddress.ip_network(spec, strict=False)
        except ValueError as exc:
            raise UsageError(f"host specification {spec!r}: {exc}") from None
        count = net.num_addresses if net.prefixlen >= net.max_prefixlen - 1 else net.num_addresses - 2
        hosts: Iterable[str] = (str(a) for a in (net if count == net.num_addresses else net.hosts()))
    else:
        count = _count(spec)
        hosts = _brackets(spec)
        if not _BRACKET.search(spec) and not re.fullmatch(r"[\w.:-]+", spec):
            raise UsageError(f"host specification {spec!r}: not a host name, address, range or CIDR block")
    return count * len(ports), ((h, p) for h in hosts for p in ports)


def _items(specs: Iterable[str]) -> Iterator[str]:
    for spec in specs:
        for item in split_list(spec):
            if item.startswith("@"):
                path = Path(item[1:]).expanduser()
                try:
                    text = path.read_text()
                except OSError as exc:
                    raise UsageError(f"host file {item[1:]}: {exc.strerror or exc}") from None
                for line in text.splitlines():
                    line = line.split("#", 1)[0].strip()
                    if line.startswith("@"):
                        raise UsageError(f"host file {item[1:]}: {line!r}: host files do not include others")
                    if line:
                        yield from split_list(line)
            else:
                yield item


def count(specs: Iterable[str], default_port: int = 623) -> int:
    """How many targets the specifications stand for, before exclusions and duplicates."""
    return sum(_one(item, default_port)[0] for item in _items(specs))


def expand(specs: Iterable[str], default_port: int = 623, exclude: Iterable[str] = ()) -> Iterator[Target]:
    """Every ``(host, port)`` of ``specs`` minus ``exclude``, in order, each once. UsageError on a bad
    specification (raised before anything is yielded), or beyond ``MAX_HOSTS``."""
    specs = list(specs)
    total = count(specs, default_port)
    if total == 0:
        raise UsageError("no hosts given")
    if total > MAX_HOSTS:
        raise UsageError(f"the host specifications stand for {total:,} hosts: more than {MAX_HOSTS:,}")
    excluded: set[Target] = set()
    excluded_hosts: set[str] = set()
    for item in _items(exclude):
        n, targets = _one(item, default_port)
        if n > MAX_HOSTS:
            raise UsageError(f"exclusion {item!r} stands for {n:,} hosts: more than {MAX_HOSTS:,}")
        port_given = _PORTS.match(item) is not None and "/" not in item.split(":")[0]
        for host, port in targets:
            (excluded.add((host, port)) if port_given else excluded_hosts.add(host))
    return _unique(specs, default_port, excluded, excluded_hosts)


def _unique(specs: list[str], default_port: int, excluded: set[Target], excluded_hosts: set[str]) -> Iterator[Target]:
    seen: set[Target] = set()
    for item in _items(specs):
        for target in _one(item, default_port)[1]:
            if target in seen or target in excluded or target[0] in excluded_hosts:
                continue
            seen.add(target)
            yield target


_TRAILING_NUMBER = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)(?P<suffix>\D*)$")


_PORT_SUFFIX = re.compile(r"^(?P<host>[^:]+)(?P<port>:\d+)$")


def compress(names: Iterable[str]) -> str:
    """The inverse of ``expand`` for display: ``h1 h2 h3 h7 x`` -> ``h[1-3,7],x`` (the last number of each name is
    ranged; zero padding kept apart), in first-seen order of the groups. Names with a port (``h1:9000``) range the
    hosts or the ports, whichever gives the shorter text (``h[1-3]:9000``, ``h1:[623-625]``)."""
    names = list(names)
    by_port = _compress(names, lambda name: _PORT_SUFFIX.match(name))
    if not any(_PORT_SUFFIX.match(n) for n in names):
        return by_port
    by_host = _compress(names, lambda name: None)
    return by_port if len(by_port) < len(by_host) else by_host


def _compress(names: list[str], split: Any) -> str:
    groups: dict[tuple[str, str, int], list[int]] = {}
    plain: list[str] = []
    order: list[tuple[str, str, int] | str] = []
    for name in names:
        ported = split(name)
        host, port = (ported.group("host"), ported.group("port")) if ported else (name, "")
        m = _TRAILING_NUMBER.match(host)
        if m is None:
            if name not in plain:
                plain.append(name)
                order.append(name)
            continue
        digits = m.group("number")
        width = len(digits) if digits.startswith("0") and len(digits) > 1 else 0
        key = (m.group("prefix"), m.group("suffix") + port, width)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(int(digits))
    parts: list[str] = []
    for item in order:
        if isinstance(item, str):
            parts.append(item)
            continue
        prefix, suffix, width = item
        values = sorted(set(groups[item]))
        if len(values) == 1:
            parts.append(f"{prefix}{str(values[0]).zfill(width)}{suffix}")
            continue
        runs: list[str] = []
        start = prev = values[0]
        for v in [*values[1:], None]:
            if v is not None and v == prev + 1:
                prev = v
                continue
            a, b = str(start).zfill(width), str(prev).zfill(width)
            runs.append(a if start == prev else f"{a}-{b}")
            if v is not None:
                start = prev = v
        parts.append(f"{prefix}[{','.join(runs)}]{suffix}")
    return ",".join(parts)
