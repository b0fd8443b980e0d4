"""The public client API (async ``connect`` and the sync ``Client``) against OpenIPMI's ipmi_sim."""

from __future__ import annotations

import asyncio

import pytest

import ipmifast
from ipmifast.engine.loop import run
from ipmifast.errors import BadPasswordError, CompletionCodeError, ConnectionTimeout

from .conftest import SimBmc

pytestmark = pytest.mark.interop


def test_async_connect_raw_and_power_control(ipmi_sim: SimBmc) -> None:
    async def main() -> None:
        async with ipmifast.connect(
            ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin", cipher_suite=3
        ) as bmc:
            assert bmc.privilege == 4
            device_id = await bmc.raw(0x06, 0x01)
            assert device_id[0] == 0x20
            await bmc.raw(0x00, 0x02, b"\x00")  # Chassis Control: power down
            assert (await bmc.raw(0x00, 0x01))[0] & 1 == 0  # ipmi_sim really changed its power state
            await bmc.raw(0x00, 0x02, b"\x01")  # power up
            assert (await bmc.raw(0x00, 0x01))[0] & 1 == 1
            with pytest.raises(CompletionCodeError, match="invalid command") as info:
                await bmc.raw(0x06, 0x08)  # Get Device GUID: ipmi_sim answers C1h (testbed README)
            assert info.value.cc == 0xC1

    run(main())
    log = (ipmi_sim.state_dir / "chassis.log").read_text()
    assert "set power 0" in log and "set power 1" in log  # the test bed's chassis_control program saw both


def test_many_concurrent_sessions_to_one_bmc_share_one_socket(ipmi_sim: SimBmc) -> None:
    async def one() -> int:
        async with ipmifast.connect(
            ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin", cipher_suite=1
        ) as bmc:
            return (await bmc.raw(0x06, 0x01))[0]

    async def main() -> list[int]:
        return list(await asyncio.gather(*(one() for _ in range(20))))

    assert run(main()) == [0x20] * 20


def test_sync_client(ipmi_sim: SimBmc) -> None:
    with ipmifast.Client(
        ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin", cipher_suite=3
    ) as bmc:
        assert bmc.raw(0x06, 0x01)[0] == 0x20
        assert bmc.privilege == 4


def test_wrong_password_and_unreachable(ipmi_sim: SimBmc) -> None:
    with pytest.raises(BadPasswordError):
        ipmifast.Client(ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="nope")

    async def unreachable() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(ConnectionTimeout):
            await ipmifast.connect(ipmi_sim.addr, port=ipmi_sim.port + 1, username="admin", password="x",
                                   timeout=0.25, retries=3)
        return loop.time() - start

    elapsed = run(unreachable())
    assert 1.0 <= elapsed < 2.5  # timeout x (retries + 1), as configured


def test_ipmi15_interface_lan_md5(ipmi_sim: SimBmc) -> None:
    async def main() -> None:
        sessions = [
            ipmifast.connect(ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin",
                             interface="lan", auth_type="md5")
            for _ in range(3)
        ]
        opened = await asyncio.gather(*sessions)  # three v1.5 sessions to one BMC on one socket
        try:
            for bmc in opened:
                assert bmc.cipher_suite is None and bmc.privilege == 4
                assert (await bmc.raw(0x06, 0x01))[0] == 0x20
        finally:
            for bmc in opened:
                await bmc.close()

    run(main())


def test_typed_commands(ipmi_sim: SimBmc) -> None:
    from ipmifast.cmds.chassis import BootDevice, BootOptionParameter
    from ipmifast.cmds.transport import LanParameter

    async def main() -> None:
        async with ipmifast.connect(
            ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin", cipher_suite=3
        ) as bmc:
            device = await bmc.get_device_id()
            assert (device.device_id, device.firmware_revision, device.ipmi_version) == (0x20, "2.15", "2.0")
            assert (device.manufacturer_id, device.product_id) == (32473, 0x0101)
            await bmc.power("off")
            assert (await bmc.chassis_status()).power_on is False
            await bmc.power("on")
            assert (await bmc.chassis_status()).power_on is True
            await bmc.set_bootdev("pxe")
            option = await bmc.get_boot_option(BootOptionParameter.BOOT_FLAGS)
            assert option.value.boot_device == BootDevice.PXE
            ip = await bmc.get_lan_parameter(1, LanParameter.IP_ADDRESS)
            assert str(ip) == ipmi_sim.addr  # the test bed's LAN IP is the BMC's address
            assert await bmc.get_user_name(2) == b"admin"
            access = await bmc.get_user_access(1, 3)
            assert int(access.privilege_limit) == 3  # operator
            info = await bmc.get_channel_info(1)
            assert info.channel == 1
            assert await bmc.set_session_privilege(0) == 4
            with pytest.raises(ipmifast.CompletionCodeError, match="Get Device GUID: invalid command"):
                await bmc.get_device_guid()

    run(main())


@pytest.mark.parametrize("suite", [0, 1, 2, 3, 6, 11])
def test_read_commands_over_every_working_suite(ipmi_sim: SimBmc, suite: int) -> None:
    """The commands ipmi_sim implements, over each cipher suite that ipmi_sim runs with real clients."""
    from ipmifast.cmds.chassis import BootOptionParameter
    from ipmifast.cmds.transport import LanParameter

    async def main() -> None:
        async with ipmifast.connect(
            ipmi_sim.addr, port=ipmi_sim.port, username="admin", password="ipmifast-admin", cipher_suite=suite
        ) as bmc:
            assert (await bmc.get_device_id()).manufacturer_id == 32473
            assert len((await bmc.get_system_guid()).guid) == 16
            assert (await bmc.chassis_status()).power_on in (True, False)
            assert (await bmc.get_watchdog()).initial_countdown >= 0
            assert (await bmc.get_channel_info(1)).channel == 1
            assert int((await bmc.get_channel_access(1)).privilege_limit) == 4
            assert (await bmc.get_session_info()).active_session_count >= 1
            assert await bmc.get_user_name(3) == b"operator"
            assert int((await bmc.get_user_access(1, 4)).privilege_limit) == 2
            assert str(await bmc.get_lan_parameter(1, LanParameter.IP_ADDRESS)) == ipmi_sim.addr
            assert (await bmc.get_boot_option(BootOptionParameter.BOOT_FLAGS)).parameter == 5
            assert await bmc.set_session_privilege(0) == 4

    run(main())
