"""Keep secrets out of the process title: what ``ps`` and ``/proc/PID/cmdline`` show every user of the machine.

``-P PASSWORD``, ``-k KEY`` and ``-y HEXKEY`` put secrets on the command line (ipmifast warns about ``-P``). The
title is rewritten at start-up with their values masked (``setproctitle`` rewrites the argv area the kernel shows);
the values stay only in this process's memory. Until that rewrite runs, for a few milliseconds, they are visible:
``-f``, ``-E`` and ``-a`` never are.
"""

from __future__ import annotations

SECRET_OPTIONS = ("-P", "-k", "-y")
MASK = "****"


def masked(argv: list[str]) -> list[str]:
    """``argv`` with the value of each secret option replaced (``-P x`` and ``-Px`` forms)."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(MASK)
            hide_next = False
        elif arg in SECRET_OPTIONS:
            out.append(arg)
            hide_next = True
        elif len(arg) > 2 and arg[:2] in SECRET_OPTIONS:
            out.append(arg[:2] + MASK)
        else:
            out.append(arg)
    return out


def hide_secrets(argv: list[str], program: str = "ipmifast") -> None:
    """Rewrite the process title without the secrets of ``argv`` (the arguments after the program name)."""
    shown = masked(argv)
    if shown == argv:
        return
    import setproctitle

    setproctitle.setproctitle(" ".join([program, *shown]))
