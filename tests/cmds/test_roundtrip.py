"""Hypothesis round trips for every command of the registry, and decoders fed arbitrary bytes.

For each ``Command``: ``decode_rq(encode_rq(**request)) == request`` and ``decode_rs(encode_rs(result)) == result``
(then re-encoding gives the same bytes), over the canonical values of tests/cmds/strategies.py; and every decoder,
given any bytes, returns or raises DecodeError, nothing else.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipmifast.cmds import COMMANDS, Command, app, chassis, transport
from ipmifast.errors import DecodeError
from ipmifast.proto.consts import NetFn

from . import strategies
from .table import decode_rq, decode_rs, encode_rq, encode_rs, kwargs

MODULES: dict[int, ModuleType] = {NetFn.APP: app, NetFn.CHASSIS: chassis, NetFn.TRANSPORT: transport}
# Get LAN/SOL Configuration Parameters responses do not name their parameter: the decoder takes it
PARAMETER_DECODERS = {"get_lan_configuration_parameters", "get_sol_configuration_parameters"}
IDS = [c.codec_name for c in COMMANDS]


def test_every_command_has_strategies() -> None:
    assert set(strategies.REQUESTS) == set(IDS)
    assert set(strategies.RESPONSES) == set(IDS)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_request_round_trip(command: Command, data: st.DataObject) -> None:
    module, name = MODULES[command.netfn], command.codec_name
    request = data.draw(strategies.REQUESTS[name])
    wire = encode_rq(module, name, request)
    decoded = decode_rq(module, name, wire)
    assert decoded == request
    assert encode_rq(module, name, decoded) == wire
    if request is not None:
        assert type(decoded) is type(request) and kwargs(decoded) == kwargs(request)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_response_round_trip(command: Command, data: st.DataObject) -> None:
    module, name = MODULES[command.netfn], command.codec_name
    result = data.draw(strategies.RESPONSES[name])
    wire = encode_rs(module, name, result)
    if result is None:
        assert wire == b""
    parameter = result.parameter if name in PARAMETER_DECODERS else None
    decoded = decode_rs(module, name, wire, parameter)
    assert decoded == result
    assert encode_rs(module, name, decoded) == wire


def _only_decode_error(call: Any, *args: Any) -> None:
    try:
        call(*args)
    except DecodeError:
        pass


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=40), parameter=st.integers(0, 0xFF))
def test_decoders_raise_only_decode_error(command: Command, data: bytes, parameter: int) -> None:
    module, name = MODULES[command.netfn], command.codec_name
    _only_decode_error(getattr(module, f"decode_{name}_rq"), data)
    decoder = getattr(module, f"decode_{name}_rs")
    if name in PARAMETER_DECODERS:
        _only_decode_error(decoder, data, parameter)
    else:
        _only_decode_error(decoder, data)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=64), parameter=st.integers(0, 0xFF))
def test_value_decoders_raise_only_decode_error(data: bytes, parameter: int) -> None:
    _only_decode_error(app.decode_cipher_suite_records, data)
    _only_decode_error(app.decode_sol_activation, data)
    _only_decode_error(transport.decode_lan_parameter, parameter, data)
    _only_decode_error(transport.decode_sol_parameter, parameter, data)
    _only_decode_error(chassis.decode_boot_option_value, parameter & 0x7F, data)


@settings(max_examples=200, deadline=None)
@given(records=st.lists(strategies.cipher_suite_record, max_size=8))
def test_cipher_suite_records_round_trip(records: list[app.CipherSuiteRecord]) -> None:
    wire = app.encode_cipher_suite_records(records)
    assert app.decode_cipher_suite_records(wire) == tuple(records)


@settings(max_examples=100, deadline=None)
@given(
    value=st.builds(
        app.SolActivation,
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.sampled_from(app.SerialAlertBehavior),
        st.booleans(),
    )
)
def test_sol_activation_round_trip(value: app.SolActivation) -> None:
    assert app.decode_sol_activation(app.encode_sol_activation(value)) == value
