"""Vendor workarounds (FreeIPMI's names): each buggy BMC, emulated by BmcSession, fails without its flag and
works with it. quirks.md lists where each bug was seen."""

from __future__ import annotations

import pytest

from ipmifast.errors import AuthenticationError, LocalProtocolError
from ipmifast.proto.events import SessionEstablished, SessionFailed
from ipmifast.proto.session import SessionConfig

from .harness import COUNTER_CMD, COUNTER_NETFN, make_pair

CASES = [
    # (BMC bug = client flag, cipher suites to try)
    ("intel20", [1, 3, 6, 7, 8, 17]),
    ("supermicro20", [0, 3, 8, 17]),
    ("sun20", [1, 3]),
    ("integritycheckvalue", [0]),
]


def outcome(suite: int, bmc_bug: str, flag: bool):  # type: ignore[no-untyped-def]
    pair = make_pair(
        cipher_suite=suite,
        username=b"long",
        password=b"twenty-byte-password",
        bmc_quirks=frozenset({bmc_bug}),
        quirks=frozenset({bmc_bug}) if flag else frozenset(),
    )
    pair.run(pair.finished)
    return pair


@pytest.mark.parametrize("bug,suites", CASES)
def test_buggy_bmc_needs_its_workaround(bug: str, suites: list[int]) -> None:
    for suite in suites:
        without = outcome(suite, bug, flag=False)
        assert without.of(SessionFailed), (bug, suite)  # what users of other tools hit
        with_flag = outcome(suite, bug, flag=True)
        assert with_flag.of(SessionEstablished), (bug, suite, with_flag.client_events[-1:])
        with_flag.client.request(COUNTER_NETFN, COUNTER_CMD, b"x", with_flag.now)
        with_flag.run(lambda p=with_flag: bool(p.responses()))
        assert with_flag.responses()[0].data[4:] == b"x"


@pytest.mark.parametrize("suite", [1, 3, 6, 17])
def test_intel20_unpadded_name_is_refused_by_an_intel_bmc(suite: int) -> None:
    pair = outcome(suite, "intel20", flag=False)
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, AuthenticationError)


def test_intel20_md5_truncates_long_passwords() -> None:
    # HMAC-MD5 (suite 6): the Intel BMC keys with 16 of the 20 bytes; with the flag the client does the same
    assert outcome(6, "intel20", flag=True).of(SessionEstablished)


def test_sun20_only_matters_for_hmac_sha1() -> None:
    assert outcome(6, "sun20", flag=False).of(SessionEstablished)  # HMAC-MD5 RAKP is sent at the right length


def test_unknown_flag_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="unknown workaround"):
        SessionConfig(username=b"a", password=b"b", quirks=frozenset({"nosuchquirk"}))
