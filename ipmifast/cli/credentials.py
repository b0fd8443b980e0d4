"""A credentials file for fleets with mixed credentials (``--credentials FILE``), CSV, one row per host group:

    # host pattern,   user,  password,           cipher suite, port, segment
    10.1.0.[1-100],   admin, @/etc/ipmi/rack1.pw, 17,
    10.1.1.0/24,      root,  calvin,              3,            623,  site-b
    *,                admin, @/etc/ipmi/default.pw

A host takes the first row whose pattern (any host specification of ``cli/hosts``, or ``*``) names it; empty cells
keep what the command line says. A password is given in clear, or as ``@FILE`` (its first line; the file must not
be readable by others, as with ``-f``). The file itself holds passwords: it must not be readable by others either
(``-F`` forces both). Hosts no row names use the command line's credentials.

The segment (letters, digits, ``._-``) matters with ``--cluster``: the host's shard runs only on Dask workers
holding a resource of that name (``dask worker ... --resources site-b=1``), the ones that reach its network.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from dataclasses import dataclass

from ipmifast.cli.hosts import expand
from ipmifast.errors import UsageError


@dataclass(frozen=True)
class Credentials:
    username: str | None = None
    password: bytes | None = None
    cipher_suite: int | None = None
    port: int | None = None
    segment: str | None = None

    def __repr__(self) -> str:  # never the password
        return (f"Credentials(username={self.username!r}, cipher_suite={self.cipher_suite}, port={self.port}, "
                f"segment={self.segment!r})")


def _private(path: str, force: bool, what: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    if mode & (stat.S_IROTH | stat.S_IWOTH) and not force:
        raise UsageError(f"{what} {path} can be read by other users (chmod 600 it, or force with -F)")


class CredentialsFile:
    """The rows of a credentials file; ``lookup(host, port)`` gives a host's credentials, or None."""

    def __init__(self, path: str, default_port: int = 623, force: bool = False) -> None:
        _private(path, force, "the credentials file")
        try:
            with open(path, newline="") as f:
                lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
        except OSError as exc:
            raise UsageError(f"cannot read the credentials file {path}: {exc.strerror}") from None
        self.rows: list[tuple[set[str] | None, Credentials]] = []
        for number, cells in enumerate(csv.reader(lines), start=1):
            cells = [c.strip() for c in cells]
            where = f"credentials file {path}, row {number}"
            if not 2 <= len(cells) <= 6:
                raise UsageError(f"{where}: host pattern, user[, password[, cipher suite[, port[, segment]]]] "
                                 "expected")
            cells += [""] * (6 - len(cells))
            pattern, user, password, suite, port, segment = cells
            if not pattern:
                raise UsageError(f"{where}: no host pattern")
            try:
                hosts = None if pattern == "*" else {h for h, _ in expand([pattern], default_port)}
            except UsageError as exc:
                raise UsageError(f"{where}: {exc}") from None
            self.rows.append((hosts, Credentials(
                username=user or None, password=self._password(password, force, where),
                cipher_suite=self._number(suite, where, "cipher suite", 0, 255),
                port=self._number(port, where, "port", 1, 0xFFFF), segment=self._segment(segment, where))))

    @staticmethod
    def _password(cell: str, force: bool, where: str) -> bytes | None:
        if not cell:
            return None
        if not cell.startswith("@"):
            return cell.encode()
        path = cell[1:]
        _private(path, force, f"{where}: the password file")
        try:
            with open(path, "rb") as f:
                return f.readline().rstrip(b"\r\n")
        except OSError as exc:
            raise UsageError(f"{where}: cannot read the password file {path}: {exc.strerror}") from None

    @staticmethod
    def _number(cell: str, where: str, what: str, low: int, high: int) -> int | None:
        if not cell:
            return None
        try:
            value = int(cell, 0)
        except ValueError:
            raise UsageError(f"{where}: {what} {cell!r} is not a number") from None
        if not low <= value <= high:
            raise UsageError(f"{where}: {what} {value} is not {low}-{high}")
        return value

    @staticmethod
    def _segment(cell: str, where: str) -> str | None:
        if cell and not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", cell):
            raise UsageError(f"{where}: segment {cell!r} is not a name (letters, digits, '._-', at most 64)")
        return cell or None

    def segment(self, host: str) -> str | None:
        """The network segment of ``host`` (the first row naming it), None when it has none."""
        row = self.lookup(host)
        return row.segment if row is not None else None

    def lookup(self, host: str) -> Credentials | None:
        for hosts, credentials in self.rows:
            if hosts is None or host in hosts:
                return credentials
        return None
