"""``ipmifast.audit.findings``: evidence in, findings out (pure), and the offline checks against captures."""

from __future__ import annotations

from ipmifast.audit.defaults import DEFAULT_USERS, VENDOR_DEFAULTS, tagged_factory_vendor, vendor_passwords
from ipmifast.audit.findings import CATALOGUE, SEVERITIES, WEAK_SUITES, Cracked, Evidence, findings
from ipmifast.cmds._common import AuthTypes
from ipmifast.cmds.app import ChannelAuthenticationCapabilities
from ipmifast.cmds.discovery import AuthCapsAnswer, Discovery
from ipmifast.proto.rakp import Rakp2Capture


def caps(auth: AuthTypes = AuthTypes.MD5, **flags: bool) -> Discovery:
    values = dict(per_message_authentication_disabled=False, user_level_authentication_disabled=False,
                  non_null_usernames=True, null_usernames=False, anonymous_login=False)
    values.update(flags)
    c = ChannelAuthenticationCapabilities(1, auth, True, False, supports_ipmi_v15=True, supports_ipmi_v20=True,
                                          **values)  # type: ignore[arg-type]
    return Discovery(None, AuthCapsAnswer(True, 0, c), None)


def capture(name: bytes) -> Rakp2Capture:
    return Rakp2Capture(1, 1, 2, bytes(16), bytes(16), bytes(16), 0x14, name, bytes(20))


def ids(e: Evidence) -> list[str]:
    return [f.kind for f in findings(e)]


def test_a_quiet_bmc_has_no_findings() -> None:
    assert findings(Evidence("h", 623, caps(), suites=(3, 17))) == []


def test_every_finding_is_in_the_catalogue_most_severe_first() -> None:
    e = Evidence("h", 623, caps(AuthTypes.NONE | AuthTypes.PASSWORD | AuthTypes.MD5,
                                per_message_authentication_disabled=True, user_level_authentication_disabled=True),
                 suites=(0, 1, 3, 17), cipher_zero_login=(b"admin", 4), v15_none_login=b"admin",
                 captures={b"admin": capture(b"admin"), b"root": capture(b"root"), b"Administrator": capture(b"")},
                 cracked={b"admin": Cracked(b"admin", b"pw", line=7),
                          b"root": Cracked(b"root", b"calvin", vendor="Dell iDRAC")},
                 factory_accounts={b"Administrator": "HPE iLO"}, sol=(True, False, False))
    found = findings(e)
    assert [f.kind for f in found] == [
        "cipher-zero", "v15-auth-none", "default-credentials", "weak-password", "v15-straight-password",
        "v15-per-message-auth-off", "v15-user-level-auth-off", "rakp-hmac-disclosure", "weak-cipher-suites",
        "sol-unencrypted", "factory-account"]
    assert [SEVERITIES.index(f.severity) for f in found] == sorted(SEVERITIES.index(f.severity) for f in found)
    for f in found:
        r = f.report()
        assert r["finding"] in CATALOGUE and r["title"] and r["remediation"] and r["evidence"]
    assert "line 7 of the word list" in found[3].evidence and "'pw'" not in str(found[3].report())  # not printed
    assert found[8].evidence == "offered: 1 (no integrity, no encryption)"  # suite 0 is its own finding


def test_anonymous_login_supersedes_the_null_user_name() -> None:
    assert ids(Evidence("h", 1, caps(), captures={b"": capture(b"")})) == ["null-user-name", "rakp-hmac-disclosure"]
    assert ids(Evidence("h", 1, caps(), captures={b"": capture(b"")}, cracked={b"": Cracked(b"", b"")})) == [
        "anonymous-login", "rakp-hmac-disclosure"]
    assert ids(Evidence("h", 1, caps(anonymous_login=True, null_usernames=True))) == ["anonymous-login"]
    assert ids(Evidence("h", 1, caps(null_usernames=True))) == ["null-user-name"]
    assert ids(Evidence("h", 1, caps(), anonymous_login=True)) == ["anonymous-login"]


def test_v15_findings_need_v15_enabled() -> None:
    # flags about IPMI v1.5 sessions mean nothing when no v1.5 authentication type is enabled
    assert ids(Evidence("h", 1, caps(AuthTypes(0), per_message_authentication_disabled=True))) == []
    listed = findings(Evidence("h", 1, caps(AuthTypes.NONE)))
    assert [f.kind for f in listed] == ["v15-auth-none"] and "no login tried" in listed[0].evidence


def test_sol_is_a_finding_only_when_enabled_without_forced_encryption() -> None:
    assert ids(Evidence("h", 1, caps(), sol=(True, True, True))) == []
    assert ids(Evidence("h", 1, caps(), sol=(False, False, False))) == []
    assert ids(Evidence("h", 1, caps(), sol=(True, False, True))) == ["sol-unencrypted"]


def test_weak_suites_are_every_suite_but_3_and_17() -> None:
    assert set(WEAK_SUITES) == set(range(1, 20)) - {3, 17}


def test_vendor_defaults() -> None:
    assert vendor_passwords(b"ADMIN") == [("Supermicro", b"ADMIN")]
    assert vendor_passwords(b"root") == [("Dell iDRAC", b"calvin"), ("Oracle/Sun ILOM", b"changeme")]
    assert vendor_passwords(b"Administrator") == []  # random per unit
    assert tagged_factory_vendor(b"Administrator") == "HPE iLO" and tagged_factory_vendor(b"admin") is None
    assert all(name in DEFAULT_USERS for _, name, _ in VENDOR_DEFAULTS) and DEFAULT_USERS[0] == b""
