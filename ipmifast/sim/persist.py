"""Simulator persistence (``--state-dir``): one JSON file per BMC, replaced atomically.

A write goes to a temporary file in the same directory, is flushed and fsync'ed, then ``os.replace``d over the old
file, and the directory is fsync'ed: after a crash or a full disk the file is either the old one or the new one,
never a mix. A failed write removes its temporary file and leaves the old file as it was.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("ipmifast.sim")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, all or nothing (file mode 0600: it holds user passwords)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; the rename is still atomic
    finally:
        os.close(dir_fd)


class StateStore:
    """The state files of a fleet, one per BMC address and port."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.write_errors = 0
        self.load_errors = 0
        self.stale_removed = self._remove_stale()

    def _remove_stale(self) -> int:
        """Delete the temporary files a killed simulator left (``.NAME.PID.tmp`` of a PID that is gone): the state
        files themselves are whole, the old or the new one; a half-written temporary file is never read."""
        removed = 0
        for tmp in self.directory.glob(".bmc-*.json.*.tmp"):
            try:
                pid = int(tmp.name.rsplit(".", 2)[-2])
                os.kill(pid, 0)
                continue  # a running simulator is writing it
            except (ValueError, ProcessLookupError):
                pass
            except PermissionError:
                continue  # another user's live process
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def path(self, address: str, port: int) -> Path:
        return self.directory / f"bmc-{address}-{port}.json"

    def load(self, address: str, port: int) -> dict[str, Any] | None:
        """The saved state of a BMC, or None (none saved, or unreadable: logged and counted)."""
        path = self.path(address, port)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.load_errors += 1
            log.warning("%s: cannot read saved state: %s", path, exc)
            return None
        try:
            saved = json.loads(raw)
        except ValueError as exc:
            self.load_errors += 1
            log.warning("%s: saved state is not JSON (%s): starting from the profile", path, exc)
            return None
        return saved if isinstance(saved, dict) else None

    def save(self, address: str, port: int, state: dict[str, Any]) -> bool:
        """Write one BMC's state; False (logged and counted) if the write failed and the old file stayed."""
        data = json.dumps(state, sort_keys=True, indent=1).encode()
        try:
            atomic_write(self.path(address, port), data)
        except OSError as exc:
            self.write_errors += 1
            log.warning("%s:%d: state not saved (the previous file is kept): %s", address, port, exc)
            return False
        return True
