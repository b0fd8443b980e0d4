"""The client core (through the minimal blocking driver) against a real BMC: OpenIPMI's ipmi_sim 2.0.33.

ipmi_sim's limits (tests/data/testbed/README.md): cipher suites 0, 1, 2, 3, 6 and 11 work; 7, 8 and 12 fail
with every client; no SHA-256 suites (15-17); the RMCP+ privilege is not capped at the user's limit.
"""

from __future__ import annotations

import pytest

from ipmifast.engine.blocking import BlockingClient
from ipmifast.errors import BadPasswordError, CipherSuiteUnavailable, RmcpPlusStatusError
from ipmifast.proto.session import SessionConfig

from .conftest import SimBmc

pytestmark = pytest.mark.interop


def config(
    suite: int, user: bytes = b"admin", password: bytes = b"ipmifast-admin", privilege: int = 4
) -> SessionConfig:
    return SessionConfig(
        username=user, password=password, cipher_suite=suite, privilege=privilege, timeout=0.5, retries=4
    )


@pytest.mark.parametrize("suite", [0, 1, 2, 3, 6, 11])
def test_session_get_device_id_and_chassis_status(ipmi_sim: SimBmc, suite: int) -> None:
    with BlockingClient(ipmi_sim.addr, config(suite), port=ipmi_sim.port) as bmc:
        established = [e for e in bmc.events if type(e).__name__ == "SessionEstablished"]
        assert established and established[0].privilege == 4
        device_id = bmc.call(0x06, 0x01)
        # testbed bmc.emu: device ID 0x20, firmware 2.15, IPMI 2.0, manufacturer 32473, product 0x0101
        assert device_id[0] == 0x20
        assert (device_id[2] & 0x7F, device_id[3]) == (2, 0x15)
        assert device_id[4] == 0x02
        assert int.from_bytes(device_id[6:9], "little") == 32473
        assert int.from_bytes(device_id[9:11], "little") == 0x0101
        status = bmc.call(0x00, 0x01)
        assert status[0] & 1 == 1  # a new test-bed BMC starts powered on
        for _ in range(20):  # many requests in one session: sequence numbers and rqSeq keep working
            assert bmc.call(0x06, 0x01)[0] == 0x20
    assert bmc.session.state.name == "CLOSED"
    assert not bmc.session.drops


@pytest.mark.parametrize(
    "privilege,user,password", [(2, b"user", b"ipmifast-user"), (3, b"operator", b"ipmifast-oper")]
)
def test_lower_privileges(ipmi_sim: SimBmc, privilege: int, user: bytes, password: bytes) -> None:
    with BlockingClient(ipmi_sim.addr, config(3, user, password, privilege), port=ipmi_sim.port) as bmc:
        assert bmc.call(0x06, 0x01)[0] == 0x20
        assert bmc.session.privilege == privilege


def test_wrong_password(ipmi_sim: SimBmc) -> None:
    with pytest.raises(BadPasswordError):
        BlockingClient(ipmi_sim.addr, config(3, password=b"wrong-password"), port=ipmi_sim.port).open()


def test_unknown_user(ipmi_sim: SimBmc) -> None:
    with pytest.raises(RmcpPlusStatusError) as info:
        BlockingClient(ipmi_sim.addr, config(3, user=b"nosuchuser", password=b"x"), port=ipmi_sim.port).open()
    assert info.value.status == 0x0D


def test_sha256_suite_is_unavailable_on_ipmi_sim(ipmi_sim: SimBmc) -> None:
    with pytest.raises(CipherSuiteUnavailable):
        BlockingClient(ipmi_sim.addr, config(17), port=ipmi_sim.port).open()


def test_demo_against_ipmi_sim(ipmi_sim: SimBmc) -> None:
    import subprocess
    import sys

    base = [sys.executable, "-m", "ipmifast", "demo", "-H", ipmi_sim.addr, "-p", str(ipmi_sim.port), "-U", "admin"]
    out = subprocess.run([*base, "-P", "ipmifast-admin", "-C", "3"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "cipher suite 3: session established" in out.stdout
    assert "manufacturer 32473, product 0x0101" in out.stdout
    assert "Chassis power is on" in out.stdout
    out = subprocess.run([*base, "-P", "wrong", "-C", "3"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith(f"ipmifast: {ipmi_sim.addr}: RAKP 2 HMAC does not verify")
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1
