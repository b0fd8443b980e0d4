"""IPMI v1.5 LAN sessions (ClientSession15 through the blocking driver) against a real BMC: OpenIPMI's ipmi_sim 2.0.33.

Two ipmi_sim profiles (tests/data/testbed/README.md): the normal one allows MD2 and MD5; the weak one allows NONE,
straight password, MD2 and MD5 and has the anonymous user (empty name and password, ADMINISTRATOR). Unlike RMCP+,
ipmi_sim enforces the user's privilege limit on IPMI v1.5 (Activate Session completion code 86h), and it discards an
Activate Session whose AuthCode does not verify without an answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipmifast.engine.blocking import BlockingClient
from ipmifast.errors import AuthenticationError, BadPasswordError, CipherSuiteUnavailable, PrivilegeUnavailable
from ipmifast.proto.consts import AuthType
from ipmifast.proto.events import SessionEstablished
from ipmifast.proto.session15 import NO_CIPHER_SUITE, ClientSession15, Session15Config

from .conftest import SimBmc, start_ipmi_sim, stop_ipmi_sim

pytestmark = pytest.mark.interop

NONE, MD2, MD5, PASSWORD = AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD


@pytest.fixture(scope="module")
def weak_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """A real BMC with the deliberately weak profile (lan-weak.conf)."""
    bmc = start_ipmi_sim(tmp_path_factory.mktemp("ipmi_sim_weak"), slot=1, weak=True)
    try:
        yield bmc
    finally:
        stop_ipmi_sim(bmc)


def config(
    auth_type: int = MD5,
    user: bytes = b"admin",
    password: bytes = b"ipmifast-admin",
    privilege: int = 4,
    retries: int = 4,
) -> Session15Config:
    return Session15Config(
        username=user, password=password, auth_type=auth_type, privilege=privilege, timeout=0.5, retries=retries
    )


def check_device_and_chassis(bmc: BlockingClient) -> None:
    device_id = bmc.call(0x06, 0x01)
    # testbed bmc.emu: device ID 0x20, firmware 2.15, IPMI 2.0, manufacturer 32473, product 0x0101
    assert device_id[0] == 0x20
    assert (device_id[2] & 0x7F, device_id[3]) == (2, 0x15)
    assert device_id[4] == 0x02
    assert int.from_bytes(device_id[6:9], "little") == 32473
    assert int.from_bytes(device_id[9:11], "little") == 0x0101
    status = bmc.call(0x00, 0x01)
    assert status[0] & 1 == 1  # a new test-bed BMC starts powered on


def run_session(sim: SimBmc, cfg: Session15Config, requests: int = 20) -> BlockingClient:
    with BlockingClient(sim.addr, cfg, port=sim.port) as bmc:
        assert isinstance(bmc.session, ClientSession15)
        established = [e for e in bmc.events if isinstance(e, SessionEstablished)]
        assert established and established[0].privilege == cfg.privilege
        assert established[0].cipher_suite == NO_CIPHER_SUITE
        assert bmc.session.privilege == cfg.privilege
        check_device_and_chassis(bmc)
        for _ in range(requests):  # many requests in one session: sequence numbers, window and rqSeq keep working
            assert bmc.call(0x06, 0x01)[0] == 0x20
    assert bmc.session.state.name == "CLOSED"
    assert not bmc.session.drops
    return bmc


@pytest.mark.parametrize("auth_type", [MD5, MD2])
def test_md5_and_md2_normal_profile(ipmi_sim: SimBmc, auth_type: int) -> None:
    bmc = run_session(ipmi_sim, config(auth_type))
    session = bmc.session
    assert isinstance(session, ClientSession15)
    assert session.per_message_auth and session.auth_type == auth_type


@pytest.mark.parametrize("auth_type", [MD5, MD2, PASSWORD, NONE])
def test_every_auth_type_weak_profile(weak_sim: SimBmc, auth_type: int) -> None:
    run_session(weak_sim, config(auth_type))


@pytest.mark.parametrize("auth_type", [NONE, MD5])
def test_anonymous_user_weak_profile(weak_sim: SimBmc, auth_type: int) -> None:
    run_session(weak_sim, config(auth_type, user=b"", password=b""), requests=3)


@pytest.mark.parametrize(
    "privilege,user,password", [(2, b"user", b"ipmifast-user"), (3, b"operator", b"ipmifast-oper")]
)
def test_lower_privileges(ipmi_sim: SimBmc, privilege: int, user: bytes, password: bytes) -> None:
    run_session(ipmi_sim, config(MD5, user, password, privilege), requests=3)


def test_wrong_password_md5(ipmi_sim: SimBmc) -> None:
    with pytest.raises(BadPasswordError, match="Activate Session"):
        BlockingClient(ipmi_sim.addr, config(MD5, password=b"wrong-password", retries=2), port=ipmi_sim.port).open()


def test_wrong_password_straight(weak_sim: SimBmc) -> None:
    wrong = config(PASSWORD, password=b"wrong-password", retries=2)
    with pytest.raises(BadPasswordError):
        BlockingClient(weak_sim.addr, wrong, port=weak_sim.port).open()


@pytest.mark.parametrize("sim", ["ipmi_sim", "weak_sim"])
def test_user_at_administrator_is_privilege_unavailable(sim: str, request: pytest.FixtureRequest) -> None:
    bmc: SimBmc = request.getfixturevalue(sim)
    with pytest.raises(PrivilegeUnavailable, match="0x86"):
        BlockingClient(bmc.addr, config(MD5, b"user", b"ipmifast-user", 4), port=bmc.port).open()


def test_unknown_user(ipmi_sim: SimBmc) -> None:
    with pytest.raises(AuthenticationError, match="invalid user name") as info:
        BlockingClient(ipmi_sim.addr, config(MD5, user=b"nosuchuser", password=b"x"), port=ipmi_sim.port).open()
    assert type(info.value) is AuthenticationError


@pytest.mark.parametrize("auth_type", [NONE, PASSWORD])
def test_auth_type_off_in_the_normal_profile_is_unavailable(ipmi_sim: SimBmc, auth_type: int) -> None:
    with pytest.raises(CipherSuiteUnavailable, match="offers: MD2, MD5"):
        BlockingClient(ipmi_sim.addr, config(auth_type), port=ipmi_sim.port).open()


def test_anonymous_login_refused_by_the_normal_profile(ipmi_sim: SimBmc) -> None:
    with pytest.raises(AuthenticationError, match="anonymous login"):
        BlockingClient(ipmi_sim.addr, config(MD5, user=b"", password=b""), port=ipmi_sim.port).open()


def test_v15_and_rmcp_plus_sessions_side_by_side(ipmi_sim: SimBmc) -> None:
    from ipmifast.proto.session import SessionConfig

    rmcp_plus = SessionConfig(username=b"admin", password=b"ipmifast-admin", cipher_suite=3, timeout=0.5, retries=4)
    with BlockingClient(ipmi_sim.addr, config(MD5), port=ipmi_sim.port) as v15, \
            BlockingClient(ipmi_sim.addr, rmcp_plus, port=ipmi_sim.port) as v20:
        for _ in range(5):
            assert v15.call(0x06, 0x01) == v20.call(0x06, 0x01)
