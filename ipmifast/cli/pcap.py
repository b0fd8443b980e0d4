"""``ipmifast pcap FILE``: analyze a capture of IPMI traffic (scapy_layers.analyze; docs/pcap.md).

    ipmifast pcap FILE [--password P | --passwords FILE] [--kg K] [--port PORT]... [--json] [--layers] [--plot PNG]

Scapy is imported only for ``--layers`` and matplotlib only for ``--plot``: the analysis itself runs on the
compiled core. Failures are one line, ``ipmifast: <message>``, and the exit code of the error's class.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from ipmifast.errors import UsageError

USAGE = "ipmifast pcap FILE [--password P | --passwords FILE] [--kg K] [--port PORT] [--json] [--layers] [--plot PNG]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"pcap: {message} (usage: {USAGE})")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ipmifast pcap", usage=USAGE, description="Analyze a pcap/pcapng capture of IPMI traffic.")
    p.add_argument("file")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--password", help="the password to try on RAKP exchanges and IPMI v1.5 AuthCodes")
    group.add_argument("--passwords", metavar="FILE", help="a file of candidate passwords, one a line")
    p.add_argument("--kg", help="the BMC key Kg (text, or hexadecimal with a 0x prefix)")
    p.add_argument("--port", type=int, action="append", help="UDP port carrying RMCP (default 623; repeatable)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--layers", action="store_true", help="print each packet Scapy-style, decrypted payloads too")
    p.add_argument("--plot", metavar="PNG", help="write a timeline of requests and latencies per BMC")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)  # handled by ipmifast.cli.main
    return p


def _passwords(args: argparse.Namespace) -> list[bytes]:
    if args.password is not None:
        return [args.password.encode()]
    if args.passwords is None:
        return []
    try:
        with open(args.passwords, "rb") as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise UsageError(f"{args.passwords}: {exc.strerror or exc}") from None
    return [line for line in lines if line]


def _kg(text: str | None) -> bytes | None:
    if text is None:
        return None
    if text.startswith(("0x", "0X")):
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            raise UsageError(f"--kg {text!r}: not hexadecimal") from None
    return text.encode()


_EXTRA_HINT = "pip install 'ipmifast[scapy_layers]' (scripts/setup.sh installs it)"


def _layers(path: str, ports: list[int], plaintext: dict[int, tuple[int, bytes]], out: Any) -> None:
    try:
        from scapy.config import conf
        from scapy.utils import PcapReader

        from scapy_layers.all import SOL, IPMIRequest, bind_port
    except ImportError as exc:
        raise UsageError(f"--layers needs Scapy ({exc}): {_EXTRA_HINT}") from None

    for port in ports:
        bind_port(port)
    conf.debug_dissector = False
    try:
        reader = PcapReader(path)
    except Exception as exc:  # Scapy raises Scapy_Exception, OSError or struct.error on a bad file header
        raise UsageError(f"{path}: Scapy cannot read it: {exc}") from None
    with reader:
        number = 0
        while True:
            try:
                pkt = reader.read_packet()
            except EOFError:
                break
            except Exception as exc:  # a truncated or corrupt record: Scapy stops there, so do we
                print(f"{number + 1}: unreadable record ({exc}); stopping", file=out)
                break
            number += 1
            print(f"{number} {float(pkt.time):.6f} {pkt.summary()}", file=out)
            if number in plaintext:
                payload_type, body = plaintext[number]
                inner = SOL(body) if payload_type == 1 else IPMIRequest(body)
                print(f"{number}   decrypted: {inner.summary()}", file=out)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from scapy_layers.analyze import analyze_file, format_text

    ports = args.port or [623]
    analysis = analyze_file(args.file, _passwords(args), _kg(args.kg), ports, keep_plaintext=args.layers)
    report = analysis.report(args.file, all_requests=args.json or bool(args.plot))
    out = sys.stdout
    if args.layers:
        _layers(args.file, ports, analysis.plaintext, out)
        print(file=out)
    if args.json:
        json.dump(report, out, indent=1, default=str)
        out.write("\n")
    else:
        out.write(format_text(report))
    if args.plot:
        from scapy_layers.analyze import plot_timeline

        try:
            plot_timeline(report, args.plot)
        except ImportError as exc:
            raise UsageError(f"--plot needs matplotlib ({exc}): {_EXTRA_HINT}") from None
        except OSError as exc:
            raise UsageError(f"{args.plot}: {exc.strerror or exc}") from None
    return 0
