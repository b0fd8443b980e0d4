"""Profiles are data that real weaknesses follow from, and the state survives a restart through atomic files."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from ipmifast.cmds import app
from ipmifast.cmds.app import AppCommand
from ipmifast.cmds.chassis import BootDevice, BootFlags, PowerRestorePolicy
from ipmifast.cmds.transport import SolBitRate
from ipmifast.proto.consts import AuthType, NetFn, Privilege
from ipmifast.sim import persist
from ipmifast.sim.fleet import DEFAULT_USER, parse_user
from ipmifast.sim.persist import StateStore, atomic_write
from ipmifast.sim.profiles import PROFILES, build_state, factory_password, get_profile
from ipmifast.sim.state import UserSlot

from .memory import MemoryBmc


def auth_caps(mem: MemoryBmc) -> app.ChannelAuthenticationCapabilities:
    client = mem.session()
    return app.decode_get_channel_authentication_capabilities_rs(client.ok(
        NetFn.APP, AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES,
        app.encode_get_channel_authentication_capabilities_rq()))


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_builds_and_logs_in_the_default_user(name: str) -> None:
    mem = MemoryBmc(profile=name)
    profile = PROFILES[name]
    assert (mem.state.manufacturer_id, mem.state.product_id) == (profile.manufacturer_id, profile.product_id)
    suite = 3 if 3 in profile.cipher_suites else profile.cipher_suites[0]
    client = mem.session(cipher_suite=suite, quirks=profile.quirks)
    assert client.established, client.failed
    assert mem.state.lan.mac_address.startswith(":".join(f"{b:02x}" for b in profile.mac_oui))


def test_default_is_secure() -> None:
    mem = MemoryBmc()
    caps = auth_caps(mem)
    assert (caps.anonymous_login, caps.null_usernames, caps.per_message_authentication_disabled) == (False,) * 3
    assert caps.auth_types == app.AuthTypes.MD5
    assert mem.state.lan.offered_cipher_suites() == {3, 17}
    assert mem.session(password=b"wrong").failed is not None
    assert mem.session(cipher_suite=0, password=b"wrong").failed is not None
    assert mem.session(username=b"", password=b"").failed is not None
    assert mem.session15(auth_type=AuthType.NONE).failed is not None


def test_cipher0_accepts_any_password() -> None:
    mem = MemoryBmc(profile="cipher0")
    assert mem.session(cipher_suite=0, password=b"not-the-password").established
    assert mem.session(cipher_suite=3, password=b"not-the-password").failed is not None


def test_anonymous_and_null_user_profiles() -> None:
    anonymous = MemoryBmc(profile="anonymous")
    caps = auth_caps(anonymous)
    assert caps.anonymous_login and caps.auth_types & app.AuthTypes.NONE
    assert anonymous.session(username=b"", password=b"").established
    assert anonymous.session15(username=b"", password=b"", auth_type=AuthType.NONE).established
    null = MemoryBmc(profile="null-user")
    caps = auth_caps(null)
    assert caps.null_usernames and not caps.anonymous_login
    assert null.session(username=b"", password=b"nullpass").established
    assert null.session(username=b"", password=b"").failed is not None


def test_legacy15_profile() -> None:
    mem = MemoryBmc(profile="legacy15")
    caps = auth_caps(mem)
    assert caps.per_message_authentication_disabled and caps.anonymous_login
    assert caps.auth_types == app.AuthTypes.NONE | app.AuthTypes.MD5 | app.AuthTypes.PASSWORD
    assert mem.session15(password=b"any-password", auth_type=AuthType.NONE).established
    assert mem.session15(auth_type=AuthType.PASSWORD).established


def test_vendor_default_credentials() -> None:
    assert MemoryBmc(profile="supermicro-default").session(b"ADMIN", b"ADMIN").established
    assert MemoryBmc(profile="dell-default").session(b"root", b"calvin").established
    ilo = MemoryBmc(profile="hp-ilo", seed=3)
    password = factory_password(3, 0, 2)
    assert len(password) == 8 and password.isalnum() and password.upper() == password
    assert ilo.session(b"Administrator", password, cipher_suite=3).established
    assert factory_password(3, 1, 2) != password and factory_password(4, 0, 2) != password
    assert factory_password(3, 0, 2) == password


@pytest.mark.parametrize("quirk", ["intel20", "supermicro20", "sun20"])
def test_quirk_profiles_need_the_client_flag(quirk: str) -> None:
    mem = MemoryBmc(profile=quirk)
    assert mem.session(cipher_suite=3).failed is not None
    assert mem.session(cipher_suite=3, quirks=frozenset({quirk})).established


def test_users_option_and_slots() -> None:
    assert parse_user("bob:secret") == (b"bob", b"secret", Privilege.ADMINISTRATOR)
    assert parse_user("op:pw:operator") == (b"op", b"pw", Privilege.OPERATOR)
    assert parse_user(":pw:2") == (b"", b"pw", Privilege.USER)
    for bad in ("bob", "a:b:c:d", "bob:pw:king", "x" * 17 + ":pw", "bob:" + "p" * 21):
        with pytest.raises(ValueError):
            parse_user(bad)
    state = build_state(get_profile("supermicro-default"), 0, 0, "127.0.0.1", 623,
                        (DEFAULT_USER, (b"", b"null", 4), (b"bob", b"twenty-bytes-exactly", 2)))
    assert [(u.uid, u.name) for u in state.users if u.can_log_in()] == [
        (1, b""), (2, b"ADMIN"), (3, b"admin"), (4, b"bob")]
    assert state.users[3].password_size == 20
    with pytest.raises(ValueError, match="user slots"):
        build_state(get_profile("supermicro-default"), 0, 0, "127.0.0.1", 623, ((b"u", b"p", 4),) * 10)


def test_seeded_identity_is_stable_and_distinct() -> None:
    a = build_state(get_profile("default"), 5, 7, "127.0.0.6", 623)
    b = build_state(get_profile("default"), 5, 7, "127.0.0.6", 623)
    c = build_state(get_profile("default"), 6, 7, "127.0.0.7", 623)
    assert (a.guid, a.system_guid, a.lan.mac_address, a.chassis.poh_minutes) == (
        b.guid, b.system_guid, b.lan.mac_address, b.chassis.poh_minutes)
    assert a.guid != c.guid and a.lan.mac_address != c.lan.mac_address


# -------------------------------------------------------------------------------------------------- persistence


def changed_state() -> MemoryBmc:
    mem = MemoryBmc()
    s = mem.state
    bob = s.user(5)  # unused slots are shared until changed: BmcState.user gives this BMC its own
    assert bob is not None
    bob.name, bob.password, bob.password_size = b"bob", b"x" * 20, 20
    bob.enabled = bob.ipmi_messaging = True
    bob.privilege = Privilege.OPERATOR
    bob.payloads = frozenset({0x21})  # SOL disabled, an OEM payload enabled (Set User Payload Access)
    s.lan.community_string = b"private"
    s.sol.sol_volatile_bit_rate = SolBitRate.BAUD_9600
    s.chassis.boot.flags = BootFlags(boot_device=BootDevice.PXE, persistent=True)
    s.chassis.restore_policy = PowerRestorePolicy.PREVIOUS
    mem.bmc.power(False, mem.loop.now, "power-off")
    return mem


def test_unused_user_slots_are_shared_until_changed() -> None:
    a, b = MemoryBmc(), MemoryBmc()
    assert a.state.users[9] is b.state.users[9]  # one object for every BMC
    with pytest.raises(AttributeError):
        a.state.users[9].name = b"mallory"  # never changes every BMC at once
    own = a.state.user(10)
    assert own is not None and own is a.state.users[9] and own is not b.state.users[9]
    own.name = b"carol"
    assert b.state.users[9].name == b"" and b.state.users[9] == UserSlot(10)  # equal to an unused slot of its own


def test_persistent_state_round_trips_through_json() -> None:
    saved = json.loads(json.dumps(changed_state().state.to_persistent()))
    fresh = MemoryBmc()
    fresh.state.apply_persistent(saved, fresh.loop.now)
    assert fresh.state.to_persistent() == saved
    assert fresh.state.users[4].name == b"bob" and not fresh.state.chassis.power_on
    assert fresh.state.users[4].payloads == frozenset({0x21}) and fresh.state.users[1].payloads == frozenset({1})
    assert fresh.state.lan.community_string == b"private"
    fresh.bmc.reconfigure()
    assert fresh.session(b"bob", b"x" * 20, privilege=3).established


@pytest.mark.parametrize(("policy", "saved_on", "expect_on"), [
    (PowerRestorePolicy.PREVIOUS, False, False), (PowerRestorePolicy.PREVIOUS, True, True),
    (PowerRestorePolicy.ALWAYS_OFF, True, False), (PowerRestorePolicy.ALWAYS_ON, False, True)])
def test_power_after_restart_follows_the_restore_policy(policy: PowerRestorePolicy, saved_on: bool,
                                                         expect_on: bool) -> None:
    mem = MemoryBmc()
    mem.state.chassis.restore_policy = policy
    mem.state.chassis.power_on = saved_on
    saved = mem.state.to_persistent()
    fresh = MemoryBmc()
    fresh.state.apply_persistent(saved, 0.0)
    assert fresh.state.chassis.power_on is expect_on


@pytest.mark.parametrize("damage", ["version", "users", "lan", "sol", "access", "missing"])
def test_a_bad_state_file_changes_nothing(damage: str) -> None:
    saved = changed_state().state.to_persistent()
    if damage == "version":
        saved["version"] = 99
    elif damage == "users":
        saved["users"][2]["uid"] = 40
    elif damage == "lan":
        saved["lan"]["3"] = "zz"
    elif damage == "sol":
        saved["sol"]["99"] = "00"
    elif damage == "access":
        saved["access"] = "ff"
    else:
        del saved["chassis"]
    fresh = MemoryBmc()
    before = fresh.state.to_persistent()
    with pytest.raises((ValueError, KeyError)):
        fresh.state.apply_persistent(saved, 0.0)
    assert fresh.state.to_persistent() == before


def test_atomic_write_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bmc.json"
    atomic_write(path, b"old")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bmc.json"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   failing: str) -> None:
    path = tmp_path / "bmc.json"
    atomic_write(path, b'{"old": true}')
    real_write = os.write

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 4:
            return real_write(fd, bytes(data[: len(data) // 2]))  # a short write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    def enospc(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(persist.os, {"write": "write", "fsync": "fsync", "replace": "replace"}[failing],
                        half_then_full if failing == "write" else enospc)
    with pytest.raises(OSError):
        atomic_write(path, b'{"new": true, "padding": "' + b"x" * 4096 + b'"}')
    monkeypatch.undo()
    assert path.read_bytes() == b'{"old": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bmc.json"]  # no temporary file left behind


def test_state_store_counts_failures_and_ignores_unreadable_files(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = StateStore(tmp_path / "state")
    assert store.load("127.0.0.1", 623) is None
    assert store.save("127.0.0.1", 623, {"a": 1})
    assert store.load("127.0.0.1", 623) == {"a": 1}

    def enospc(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(persist.os, "fsync", enospc)
    assert not store.save("127.0.0.1", 623, {"a": 2})
    monkeypatch.undo()
    assert store.write_errors == 1 and store.load("127.0.0.1", 623) == {"a": 1}
    store.path("127.0.0.1", 623).write_text("{not json")
    assert store.load("127.0.0.1", 623) is None and store.load_errors == 1
