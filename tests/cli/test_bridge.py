"""Bridging (``-b CHANNEL -t TARGET``): requests to a controller behind the BMC, inside Send Message.

Against a real peer: ipmi_sim with a second controller at IPMB address 30h (added over its emulator console),
which it reaches on channel 0 and whose answer it sends back as a separate message in the session; ipmitool
bridged the same way prints the same. In memory: the client core against a BMC that answers in each of the ways
a BMC may (the target's answer embedded in the Send Message response, or sent after it with the target's rqSeq or
with the Send Message's), over a lossy link.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.proto import bridge, frame
from ipmifast.proto.consts import PayloadType
from ipmifast.proto.events import RequestReceived
from tests.interop.conftest import SimBmc, stop_ipmi_sim
from tests.proto.harness import Link, make_pair

from .conftest import both, emulator, ipmifast, start_console_bmc

pytestmark = pytest.mark.interop

SLOT = 15
TARGET = 0x30
#: mc_add ADDR DEV-ID SDRS DEV-REV FW-MAJOR FW-MINOR DEV-SUPPORT MFG-ID PRODUCT-ID (ipmi_sim_cmd(5))
SATELLITE = f"mc_add 0x{TARGET:02x} 0x05 no-device-sdrs 0x02 1 0x23 0x01 32473 0x0202"


@pytest.fixture(scope="module")
def bmc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    sim = start_console_bmc(tmp_path_factory.mktemp("cli-bridge"), SLOT)
    try:
        emulator(sim, SATELLITE, f"mc_enable 0x{TARGET:02x}")
        yield sim
    finally:
        stop_ipmi_sim(sim)



@pytest.mark.parametrize("interface", ["lanplus", "lan"])
@pytest.mark.parametrize("verb", [("-t", "0x30", "mc", "info"), ("-b", "0", "-t", "0x30", "raw", "0x06", "0x01"),
                                  ("-t", "0x30", "--json", "raw", "6", "1")], ids=" ".join)  # fmt: skip
def test_bridged_like_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...], interface: str) -> None:
    theirs, mine = both(bmc, password_file, *verb, interface=interface)
    assert mine.returncode == 0 and mine.stderr == "", mine.stderr
    if "--json" in verb:
        import json

        assert bytes.fromhex(json.loads(mine.stdout)["data"]) == bytes.fromhex(
            both(bmc, password_file, "-t", "0x30", "raw", "6", "1", interface=interface)[0].stdout.replace(" ", "")
        )
        return
    assert theirs.returncode == 0, theirs.stderr
    assert mine.stdout == theirs.stdout
    assert "Device ID                 : 5" in mine.stdout or mine.stdout.startswith(" 05 02 01 23")


def test_the_bmc_itself_is_not_bridged(bmc: SimBmc, password_file: Path) -> None:
    theirs, mine = both(bmc, password_file, "-t", "0x20", "mc", "info")
    assert mine.stdout == theirs.stdout and "Device ID                 : 32" in mine.stdout


def test_an_absent_target_is_one_line(bmc: SimBmc, password_file: Path) -> None:
    theirs, mine = both(bmc, password_file, "-t", "0x32", "mc", "info")
    assert theirs.returncode == 1 and "0x83" in theirs.stderr  # "Get Device ID command failed: Unknown (0x83)"
    assert mine.returncode == 1 and mine.stdout == ""
    assert mine.stderr.splitlines() == [
        f"ipmifast: {bmc.addr}: bridging to 0x32 on channel 0: Send Message: NAK on write (completion code 0x83)"
    ]


@pytest.mark.parametrize(("args", "says"), [
    (("-b", "0", "mc", "info"), "-b CHANNEL bridges to the target given with -t ADDRESS"),
    (("-t", "0x31", "mc", "info"), "target address (-t) 0x31 is not an IPMB slave address"),
    (("-t", "0x30", "-b", "16", "mc", "info"), "target channel (-b) 16 is not 0-15"),
    (("-B", "0", "-T", "0x40", "-t", "0x30", "mc", "info"), "double bridging (-B/-T) is not supported"),
])  # fmt: skip
def test_bad_bridging_options(args: tuple[str, ...], says: str) -> None:
    result = ipmifast("-H", "127.0.0.1", "-U", "a", "-E", *args, env={"IPMI_PASSWORD": "x"})
    assert result.returncode == 64 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"ipmifast: 127.0.0.1: {says}"), line


# -------------------------------------------------------------------------------- the core, in memory

DEVICE_ID = bytes.fromhex("050201230201d97e0002020000")


class BridgingLink(Link):
    """A BMC with a controller at 30h behind it, answering bridged Get Device ID in the style ``how``."""

    how = "separate"

    def _bmc_application(self) -> None:
        while (ev := self.bmc.next_event()) is not None:
            self.bmc_events.append(ev)
            if not isinstance(ev, RequestReceived):
                continue
            if (ev.netfn, ev.cmd) != (0x06, 0x34):
                self.bmc.respond(ev, 0xC1)
                continue
            inner = frame.decode_ipmi_request(ev.data[1:])
            answer_seq = ev.rq_seq if self.how == "outer-seq" else inner.rq_seq
            answer = frame.encode_ipmi_response(inner.rq_addr, inner.netfn | 1, inner.rq_lun, inner.rs_addr,
                                                answer_seq, inner.rs_lun, inner.cmd, 0, DEVICE_ID)  # fmt: skip
            if self.how == "embedded":
                self.bmc.respond(ev, 0, answer)
                continue
            self.bmc.respond(ev, 0)
            self.bmc._outbox.append(self.bmc._seal(PayloadType.IPMI, answer))  # the BMC's own message


@pytest.mark.parametrize("how", ["separate", "outer-seq", "embedded"])
@pytest.mark.parametrize("loss", [0.0, 0.2])
def test_core_hands_back_the_bridged_answer(how: str, loss: float) -> None:
    base = make_pair(seed=7, retries=12, drop=loss)
    link = BridgingLink(base.client, base.bmc, seed=7, drop=loss)
    link.how = how
    link.run(link.finished)
    rq_seq = link.client.request(0x06, 0x34, bridge.encode_send_message_rq(0, 0x30, 0x06, 0x01, b"", 0x11), link.now)
    link.run(lambda: any(r.rq_seq == rq_seq for r in link.responses()) or bool(link.failures()))
    (response,) = [r for r in link.responses() if r.rq_seq == rq_seq]
    assert response.cc == 0
    inner = bridge.decode_send_message_rs(response.data)
    assert inner is not None and (inner.netfn, inner.cmd, inner.cc, inner.data) == (0x07, 0x01, 0, DEVICE_ID)
    assert inner.rs_addr == 0x30
