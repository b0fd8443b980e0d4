"""Command handlers of the virtual BMC: (netfn, cmd) → handler(context, request data) → (cc, response data).

Each handler decodes its request with the ``cmds`` codec (a malformed request raises DecodeError, which the
dispatcher turns into a completion code), acts on the BMC's state, and encodes its response with the same
codecs the client decodes with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipmifast.cmds import app, chassis
from ipmifast.cmds.app import AppCommand, DeviceSupport
from ipmifast.cmds.chassis import ChassisCommand, ChassisControl
from ipmifast.proto.bmc import BmcSession
from ipmifast.proto.bmc15 import BmcSession15
from ipmifast.proto.consts import NetFn

if TYPE_CHECKING:
    from ipmifast.sim.bmc import VirtualBmc

SOFT_OFF_DELAY = 2.0  # seconds an OS takes to shut down after a soft-off request
CYCLE_DELAY = 1.0  # seconds a power cycle keeps the power off


@dataclass(frozen=True)
class Context:
    bmc: VirtualBmc
    session: BmcSession | BmcSession15
    now: float


Handler = Callable[[Context, bytes], tuple[int, bytes]]
HANDLERS: dict[tuple[int, int], Handler] = {}


def handles(netfn: int, cmd: int) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[(int(netfn), int(cmd))] = fn
        return fn

    return register


def _settle(ctx: Context) -> None:
    """Apply a pending power transition whose time has come."""
    c = ctx.bmc.state.chassis
    if c.pending is not None and ctx.now >= c.pending[1]:
        c.power_on = c.pending[0]
        c.pending = None


@handles(NetFn.APP, AppCommand.GET_DEVICE_ID)
def get_device_id(ctx: Context, data: bytes) -> tuple[int, bytes]:
    app.decode_get_device_id_rq(data)
    s = ctx.bmc.state
    support = DeviceSupport.SENSOR | DeviceSupport.SDR_REPOSITORY | DeviceSupport.SEL | DeviceSupport.FRU_INVENTORY
    support |= DeviceSupport.CHASSIS
    return 0, app.encode_get_device_id_rs(
        app.DeviceId(
            device_id=s.device_id, device_revision=s.device_revision, provides_sdrs=True, device_available=True,
            firmware_major=s.firmware[0], firmware_minor=s.firmware[1], ipmi_version="2.0",
            additional_device_support=support, manufacturer_id=s.manufacturer_id, product_id=s.product_id,
            aux_firmware_revision=s.aux_firmware,
        )
    )


@handles(NetFn.APP, AppCommand.GET_DEVICE_GUID)
def get_device_guid(ctx: Context, data: bytes) -> tuple[int, bytes]:
    app.decode_get_device_guid_rq(data)
    return 0, app.encode_get_device_guid_rs(app.Guid(ctx.bmc.state.guid))


@handles(NetFn.APP, AppCommand.GET_SYSTEM_GUID)
def get_system_guid(ctx: Context, data: bytes) -> tuple[int, bytes]:
    app.decode_get_system_guid_rq(data)
    return 0, app.encode_get_system_guid_rs(app.Guid(ctx.bmc.state.guid))


@handles(NetFn.CHASSIS, ChassisCommand.GET_CHASSIS_STATUS)
def get_chassis_status(ctx: Context, data: bytes) -> tuple[int, bytes]:
    chassis.decode_get_chassis_status_rq(data)
    _settle(ctx)
    c = ctx.bmc.state.chassis
    identify = chassis.ChassisIdentifyState.OFF
    if c.identify_forced:
        identify = chassis.ChassisIdentifyState.INDEFINITE_ON
    elif ctx.now < c.identify_until:
        identify = chassis.ChassisIdentifyState.TEMPORARY_ON
    return 0, chassis.encode_get_chassis_status_rs(
        chassis.ChassisStatus(power_on=c.power_on, identify_state=identify)
    )


@handles(NetFn.CHASSIS, ChassisCommand.CHASSIS_CONTROL)
def chassis_control(ctx: Context, data: bytes) -> tuple[int, bytes]:
    control = chassis.decode_chassis_control_rq(data).control
    _settle(ctx)
    c = ctx.bmc.state.chassis
    if control == ChassisControl.POWER_DOWN:
        c.power_on, c.pending = False, None
    elif control == ChassisControl.POWER_UP:
        c.power_on, c.pending = True, None
    elif control == ChassisControl.SOFT_SHUTDOWN:
        if c.power_on:
            c.pending = (False, ctx.now + SOFT_OFF_DELAY)
    elif control == ChassisControl.POWER_CYCLE:
        if not c.power_on:
            return 0xD5, b""  # "not supported in present state": cycling needs the power on (§28.3)
        c.power_on, c.pending = False, (True, ctx.now + CYCLE_DELAY)
    return 0, chassis.encode_chassis_control_rs()
