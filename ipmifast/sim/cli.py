"""``ipmifast sim``: run a fleet of virtual BMCs until interrupted.

    ipmifast sim --count N --base 127.1.0.1 [--port 623] [--ports] [--profile NAME] [--state-dir DIR] [--seed S]
                 [--user NAME:PASSWORD[:PRIVILEGE]]... [--fail-rate F] [--drop-rate F] [--duplicate-rate F]

Prints where the BMCs listen and with which credentials, then serves until SIGINT or SIGTERM (exit 0). Bad input is
one line, ``ipmifast: <message>``, and exit status 64; a port that cannot be bound is exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
import sys
from typing import NoReturn, TextIO

from ipmifast.engine.loop import run
from ipmifast.errors import UsageError
from ipmifast.proto.consts import AuthType, Privilege
from ipmifast.sim.fleet import Fleet, parse_user
from ipmifast.sim.profiles import PROFILES

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_USAGE = int(UsageError.exit_code)
SAMPLE_PASSWORDS = 5  # per-BMC random passwords the banner shows

_EPILOG = "profiles:\n" + "\n".join(f"  {p.name:<20} {p.summary}" for p in PROFILES.values()) + """

Without --user every BMC has the user admin / ipmifast at ADMINISTRATOR, after the profile's factory users.
Addresses count up from --base, skipping .0 and .255; all must be in 127.0.0.0/8 (Linux answers for all of it).
Port 623 needs root (or CAP_NET_BIND_SERVICE); use --port 9623 otherwise.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="ipmifast sim",
        description="Run N virtual BMCs (IPMI v1.5 and RMCP+ over UDP) in one process until interrupted.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--count", "-n", type=int, default=1, metavar="N", help="number of BMCs (default 1)")
    p.add_argument("--base", default="127.1.0.1", metavar="ADDR",
                   help="address of the first BMC, in 127.0.0.0/8 (default 127.1.0.1)")
    p.add_argument("--port", type=int, default=623, metavar="PORT", help="UDP port (default 623)")
    p.add_argument("--ports", action="store_true",
                   help="all BMCs on --base, each on its own port from --port upwards (instead of one address each)")
    p.add_argument("--profile", default="default", metavar="NAME", help="kind of BMC (default: default; see below)")
    p.add_argument("--state-dir", metavar="DIR",
                   help="keep power state, users, LAN and SOL settings in DIR across restarts (one file per BMC)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed of everything per-BMC (GUIDs, MACs, random passwords, failures; default 0)")
    p.add_argument("--user", action="append", default=[], metavar="NAME:PASSWORD[:PRIV]",
                   help="a user of every BMC (repeatable); PRIV is callback, user, operator, administrator (default) "
                        "or oem; an empty NAME is the null user")
    p.add_argument("--fail-rate", type=float, default=0.0, metavar="F",
                   help="fraction of the BMCs that never answer (chosen by --seed; default 0)")
    p.add_argument("--drop-rate", type=float, default=0.0, metavar="F",
                   help="fraction of all datagrams dropped on arrival (default 0)")
    p.add_argument("--duplicate-rate", type=float, default=0.0, metavar="F",
                   help="fraction of all datagrams handled twice on arrival (default 0)")
    p.add_argument("--list-profiles", action="store_true", help="list the profiles and exit")
    return p


def _fleet(args: argparse.Namespace) -> Fleet:
    if args.profile not in PROFILES:
        raise UsageError(f"unknown profile {args.profile!r} (known: {', '.join(PROFILES)})")
    try:
        users = [parse_user(u) for u in args.user]
        return Fleet(
            args.count, args.base, args.port, ports=args.ports, profile=args.profile, users=users or None,
            seed=args.seed, drop_rate=args.drop_rate, fail_rate=args.fail_rate, duplicate_rate=args.duplicate_rate,
            state_dir=args.state_dir,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"--state-dir {args.state_dir}: {exc.strerror or exc}") from None


def _privilege_name(level: int) -> str:
    try:
        return Privilege(level).name
    except ValueError:
        return str(level)


def _show(value: bytes) -> str:
    return value.decode("utf-8", "backslashreplace") if value else '""'


def banner(fleet: Fleet, out: TextIO) -> None:
    """Where the BMCs listen and how to log in."""
    profile = fleet.profile
    first, last = fleet.addresses[0], fleet.addresses[-1]
    print(f"ipmifast sim: {fleet.count} virtual BMC{'s' if fleet.count > 1 else ''}, profile {profile.name}: "
          f"{profile.summary}", file=out)
    if fleet.count == 1:
        where = f"{first[0]}, UDP port {first[1]}"
    elif fleet.ports:
        where = f"{first[0]}, UDP ports {first[1]}-{last[1]}"
    else:
        where = f"{first[0]} - {last[0]}, UDP port {first[1]}"
    print(f"  listening on {where}", file=out)
    random_uids = {spec.uid for spec in profile.users if spec.password is None}
    state = fleet.state_for(0)
    for user in state.users:
        if not user.can_log_in():
            continue
        level = _privilege_name(user.privilege)
        if user.uid in random_uids:
            samples = ", ".join(
                f"{fleet.addresses[i][0]}{'' if not fleet.ports else ':' + str(fleet.addresses[i][1])}: "
                f"{fleet.password_for(i, user.uid).decode()}"
                for i in range(min(fleet.count, SAMPLE_PASSWORDS))
            )
            more = ", ..." if fleet.count > SAMPLE_PASSWORDS else ""
            print(f"  user {_show(user.name)} / random password per BMC ({level}): {samples}{more}", file=out)
        else:
            print(f"  user {_show(user.name)} / {_show(user.password)} ({level})", file=out)
    cipher = ",".join(str(s) for s in state.lan.cipher_suite_entries)
    v15 = ",".join(AuthType(a).name for a in sorted(state.lan.enabled_auth_types(Privilege.OEM))) or "off"
    print(f"  RMCP+ cipher suites {cipher}; IPMI v1.5 authentication {v15}", file=out)
    for finding in profile.findings:
        print(f"  weakness: {finding}", file=out)
    if fleet.store is not None:
        print(f"  state kept in {fleet.store.directory}", file=out)
    if fleet.fail_rate or fleet.drop_rate or fleet.duplicate_rate:
        print(f"  {fleet.fail_rate:.0%} of the BMCs never answer; {fleet.drop_rate:.0%} of datagrams are dropped, "
              f"{fleet.duplicate_rate:.0%} duplicated",
              file=out)
    print("  stop with Ctrl-C (SIGINT) or SIGTERM", file=out)
    out.flush()


async def serve(fleet: Fleet, out: TextIO) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await fleet.start()
        banner(fleet, out)
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        fleet.close()


def main(argv: list[str] | None = None) -> int:
    """``ipmifast sim [options]``; returns the exit status."""
    out, err = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(argv)
        if args.list_profiles:
            for profile in PROFILES.values():
                print(f"{profile.name:<20} {profile.summary}", file=out)
            return EXIT_OK
        if args.count < 1:
            raise UsageError(f"--count {args.count}: at least 1")
        try:
            ipaddress.IPv4Address(args.base)
        except ValueError:
            raise UsageError(f"--base {args.base!r} is not an IPv4 address") from None
        fleet = _fleet(args)
    except UsageError as exc:
        print(f"ipmifast: {exc}", file=err)
        return EXIT_USAGE
    try:
        run(serve(fleet, out))
    except PermissionError as exc:
        print(f"ipmifast: cannot listen on UDP port {args.port}: {exc.strerror} (port 623 needs root: try --port "
              f"9623)", file=err)
        return EXIT_RUNTIME
    except OSError as exc:
        print(f"ipmifast: cannot listen on UDP port {args.port}: {exc.strerror or exc}", file=err)
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        pass
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
