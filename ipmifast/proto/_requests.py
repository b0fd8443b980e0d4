"""The console side's request queue, shared by the RMCP+ and the IPMI v1.5 client sessions.

Requests go out one at a time (``_inflight``), the rest wait in ``_queue``; when the session fails or closes,
every request still owed to the caller gets a ``RequestFailed`` event, and the session's own (internal) requests
are dropped silently.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ipmifast.errors import IpmiError, SessionTimeout
from ipmifast.proto.events import Event, RequestFailed, SessionClosed, SessionFailed


@dataclass
class Pending:
    """One request of the queue."""

    rq_seq: int
    netfn: int
    cmd: int
    data: bytes
    tries: int = 0
    internal: bool = False  # handshake, Set Session Privilege, Close Session, keep-alive: consumed by the session


class RequestQueue:
    """Failure and close bookkeeping over ``_queue`` / ``_inflight``; subclasses name their end states."""

    _queue: deque[Pending]
    _inflight: Pending | None
    _events: deque[Event]
    _deadline: float | None
    state: Any
    _FAILED: Any
    _CLOSED: Any

    def _fail(self, error: IpmiError) -> None:
        self._abandon(error)
        self.state = self._FAILED
        self._events.append(SessionFailed(error))

    def _finish(self, event: SessionClosed) -> None:
        self._abandon(SessionTimeout("session closed"))
        self.state = self._CLOSED
        self._events.append(event)

    def _abandon(self, error: IpmiError) -> None:
        pending = list(self._queue)
        if self._inflight is not None:
            pending.insert(0, self._inflight)
        for p in pending:
            if not p.internal:
                self._events.append(RequestFailed(p.rq_seq, p.netfn, p.cmd, error))
        self._queue.clear()
        self._inflight = None
        self._deadline = None
