"""``EscapeParser`` (ipmifast/cli/sol_console.py), sans-IO: ipmitool's escapes, only right after a newline."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipmifast.cli.sol_console import Action, Escape, EscapeParser
from ipmifast.errors import UsageError

D, B, H, X = Escape.DATA, Escape.BREAK, Escape.HELP, Escape.DISCONNECT

CASES = [
    # (keystrokes, actions): escapes at the very start and after CR or LF
    (b"~.", [Action(X)]),
    (b"ls\r~.", [Action(D, b"ls\r"), Action(X)]),
    (b"ls\n~B", [Action(D, b"ls\n"), Action(B)]),
    (b"\r~b", [Action(D, b"\r"), Action(B)]),
    (b"~?", [Action(H)]),
    (b"~~", [Action(D, b"~")]),
    (b"~\x1a", [Action(Escape.SUSPEND)]),  # ~^Z, as ipmitool's
    (b"ls\r~w", [Action(D, b"ls\r"), Action(Escape.SIZE)]),
    (b"~w~.", [Action(Escape.SIZE), Action(X)]),  # after ~w (and ~^Z) the line is at its start again
    (b"a~w", [Action(D, b"a~w")]),
    (b"\r~~.", [Action(D, b"\r~.")]),  # a literal "~", then "." is just a character
    # not after a newline: the escape character is an ordinary one
    (b"a~.", [Action(D, b"a~.")]),
    (b"x~B", [Action(D, b"x~B")]),
    # "~" followed by anything else: both go to the host
    (b"~x", [Action(D, b"~x")]),
    (b"~\r~.", [Action(D, b"~\r"), Action(X)]),
    # after ~B the line is not at its start any more; after ~? it is
    (b"~B~.", [Action(B), Action(D, b"~.")]),
    (b"~?~.", [Action(H), Action(X)]),
    # what follows a disconnect is not parsed
    (b"~.ignored", [Action(X)]),
]


@pytest.mark.parametrize(("keys", "actions"), CASES)
def test_escapes(keys: bytes, actions: list[Action]) -> None:
    assert EscapeParser().feed(keys) == actions


@pytest.mark.parametrize(("keys", "actions"), CASES)
def test_escapes_split_one_byte_at_a_time(keys: bytes, actions: list[Action]) -> None:
    """Keystrokes arrive one read() at a time on a terminal: the same actions, data merged."""
    parser = EscapeParser()
    got: list[Action] = []
    for i in range(len(keys)):
        got += parser.feed(keys[i : i + 1])
        if got and got[-1].kind is X:
            break
    merged: list[Action] = []
    for a in got:
        if merged and a.kind is D and merged[-1].kind is D:
            merged[-1] = Action(D, merged[-1].data + a.data)
        else:
            merged.append(a)
    assert merged == actions


def test_other_escape_character() -> None:
    assert EscapeParser(b"&").feed(b"~.&B&&x") == [Action(D, b"~.&B&&x")]
    assert EscapeParser(b"&").feed(b"&.") == [Action(X)]
    assert EscapeParser(b"&").feed(b"\r&&") == [Action(D, b"\r&")]


def test_escapes_disabled() -> None:
    assert EscapeParser(None).feed(b"\r~.~B") == [Action(D, b"\r~.~B")]


def test_escape_must_be_one_character() -> None:
    with pytest.raises(UsageError):
        EscapeParser(b"ab")


@given(st.binary(max_size=200).filter(lambda b: b"~" not in b))
def test_data_without_escape_character_passes_unchanged(data: bytes) -> None:
    actions = EscapeParser().feed(data)
    assert b"".join(a.data for a in actions) == data and all(a.kind is D for a in actions)


@given(st.lists(st.binary(max_size=20), max_size=20))
def test_data_is_never_lost_or_duplicated(chunks: list[bytes]) -> None:
    """Whatever the chunking, the characters sent are the keystrokes minus the escapes (checked against a
    one-shot parse of the joined keystrokes)."""
    whole = EscapeParser().feed(b"".join(chunks))
    parser = EscapeParser()
    pieces: list[Action] = []
    for c in chunks:
        pieces += parser.feed(c)
        if pieces and pieces[-1].kind is X:
            break
    assert [a.kind for a in whole if a.kind is not D] == [a.kind for a in pieces if a.kind is not D]
    assert b"".join(a.data for a in whole) == b"".join(a.data for a in pieces)
