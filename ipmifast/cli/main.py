"""``ipmifast``: ipmitool's habits for one host, the same verbs over many.

Global options are ipmitool's (``-I lanplus -H host -p port -U user -P/-f/-E/-a -C suite -L priv -k/-y -R -N -b/-t
-v``) plus
``-W quirk,...`` (FreeIPMI's workaround names), ``--json`` and ``--debug``. Every failure is one line,
``ipmifast: <host>: <message>``, and the exit code of its error class (README: "Exit codes").
"""

from __future__ import annotations

import gc
import getpass
import os
import stat
import sys
from dataclasses import dataclass, field
from typing import Any, NoReturn, TextIO

from ipmifast.errors import IpmiError, UsageError

EXIT_INTERNAL = 70
EXIT_IO = 74  # EX_IOERR: the output could not be written


class OutputError(IpmiError):
    """The command's output could not be written (a full disk): what was printed is incomplete."""

    exit_code = EXIT_IO

USAGE = """usage: ipmifast [options] VERB [ARGS...]

options (as ipmitool spells them):
  -I lan|lanplus   interface: IPMI v1.5 or IPMI v2.0 RMCP+ (default lanplus)
  -H host          BMC address or name
  -p port          UDP port (default 623)
  -U user          user name
  -P password      password on the command line (visible to other users: prefer -f, -E or -a)
  -f file          read the password from the first line of file (refused if others can read it, unless -F)
  -E               read the password from the IPMI_PASSWORD environment variable
  -a               prompt for the password
  -C suite         RMCP+ cipher suite (default 3; 17 for SHA-256 where the BMC has it)
  -L level         privilege: CALLBACK, USER, OPERATOR, ADMINISTRATOR (default)
  -A authtype      IPMI v1.5 authentication: NONE, PASSWORD, MD2, MD5 (default MD5)
  -k key | -y hex  Kg, the BMC key (text, or hexadecimal with -y)
  -R count         retransmits per request (default 3)
  -N seconds       seconds per try (default 1)
  -t address       bridge every request to the controller at this IPMB address (Send Message through the BMC)
  -b channel       the channel the BMC reaches that controller on (default 0, the primary IPMB)
  -v               ipmitool's verbose layouts of sdr list/elist, sel list/elist and fru print
  -W flag,...      BMC workarounds, FreeIPMI's names (intel20, supermicro20, sun20, opensesspriv, ...)
  --sdr-cache FILE keep the SDR repository in FILE: later reads cost one round trip while it is unchanged
  --json           machine-readable output
  --debug          show tracebacks of internal errors
  -h, --help       this help

fleet runs (-H naming many hosts: 10.1.0.[1-254], node[001-200], 10.1.0.0/22, a,b, @FILE, HOST:PORT-PORT):
  --concurrency N  sessions at once (default 256)      --rate PPS         at most PPS datagrams per second
  -x RANGE         leave these hosts out               --credentials FILE per-host users and passwords (CSV)
  --json, --csv    one line per host, as hosts finish  --yes, --dry-run   confirm / only list a power off
  --cluster tcp://SCHEDULER:8786   run in shards on a Dask cluster's workers (pip install 'ipmifast[cluster]')
  --shard-size N   hosts per Dask task                 --worker-password env:VAR|file:PATH  read on the workers

verbs: chassis, power, mc, channel, lan, sol, user, session, raw, sdr, sensor, sel, fru,
       demo, sim, pcap, discover, audit, cluster
  (run "ipmifast VERB" without arguments for that verb's usage)
"""

#: options that take a value
_VALUE_OPTIONS = {
    "-I", "-H", "-p", "-U", "-P", "-f", "-C", "-L", "-A", "-k", "-y", "-R", "-N", "-W", "-b", "-t", "--sdr-cache",
    "--concurrency", "-x", "--exclude", "--credentials", "--rate", "--cluster", "--shard-size", "--worker-password",
}
_FLAG_OPTIONS = {"-E", "-a", "-v", "-F", "--json", "--debug", "-h", "--help", "--csv", "--yes", "--dry-run"}


@dataclass
class Options:
    interface: str = "lanplus"
    host: str | None = None
    port: int = 623
    username: str = ""
    password: bytes | None = None
    cipher_suite: int = 3
    privilege: str = "administrator"
    auth_type: str = "md5"
    kg: bytes | None = None
    retries: int = 3
    timeout: float = 1.0
    quirks: frozenset[str] = frozenset()
    json: bool = False
    debug: bool = False
    verbose: int = 0
    force_file: bool = False
    password_from: str | None = None
    sdr_cache: str | None = None
    #: bridging (-b/-t): the IPMB address of the target controller and the channel the BMC reaches it on
    target_addr: int | None = None
    target_channel: int = 0
    warnings: list[str] = field(default_factory=list)
    #: fleet runs (-H naming many hosts): --concurrency, -x/--exclude, --csv, --yes, --dry-run
    fleet: dict[str, Any] = field(default_factory=dict)


def _int(value: str, what: str) -> int:
    try:
        return int(value, 0)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {value!r}") from None


def _float(value: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{what} must be a number of seconds, not {value!r}") from None
    if number <= 0:
        raise UsageError(f"{what} must be positive")
    return number


def parse(argv: list[str]) -> tuple[Options, list[str]]:
    """Global options (anywhere before the verb), then the verb and its arguments."""
    opts = Options()
    raw: dict[str, str] = {}
    flags: set[str] = set()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUE_OPTIONS:
            if i + 1 >= len(argv):
                raise UsageError(f"option {arg} needs a value")
            raw[arg] = argv[i + 1]
            i += 2
        elif arg in _FLAG_OPTIONS:
            flags.add(arg)
            i += 1
        elif len(arg) > 2 and arg[:2] in _VALUE_OPTIONS and arg[1] != "-":
            raw[arg[:2]] = arg[2:]  # -H10.0.0.1, as getopt allows
            i += 1
        elif arg in ("-B", "-T"):
            raise UsageError("double bridging (-B/-T) is not supported: bridge to one target with -b/-t")
        elif arg.startswith("-") and arg != "-" and not _is_number(arg):
            raise UsageError(f"unknown option {arg}")
        else:
            break
    rest = argv[i:]
    if "-h" in flags or "--help" in flags:
        raise _Help()
    opts.json = "--json" in flags
    if "--concurrency" in raw:
        opts.fleet["concurrency"] = _int(raw["--concurrency"], "--concurrency")
        if opts.fleet["concurrency"] < 1:
            raise UsageError("--concurrency must be at least 1")
    if "--rate" in raw:
        opts.fleet["rate"] = _float(raw["--rate"], "--rate")
        if opts.fleet["rate"] <= 0:
            raise UsageError("--rate must be positive (datagrams per second)")
    exclude = raw.get("-x", raw.get("--exclude"))
    if exclude is not None:
        opts.fleet["exclude"] = (exclude,)
    if "--csv" in flags:
        opts.fleet["format"] = "csv"
    if "--credentials" in raw:
        opts.fleet["credentials"] = raw["--credentials"]
    if "--cluster" in raw:
        opts.fleet["cluster"] = raw["--cluster"]
    if "--shard-size" in raw:
        opts.fleet["shard_size"] = _int(raw["--shard-size"], "--shard-size")
        if opts.fleet["shard_size"] < 1:
            raise UsageError("--shard-size must be at least 1")
    if "--worker-password" in raw:
        from ipmifast.cluster.work import Secret

        Secret.named(raw["--worker-password"])  # checked here, read on the workers
        opts.fleet["worker_password"] = raw["--worker-password"]
    if ("shard_size" in opts.fleet or "worker_password" in opts.fleet) and "cluster" not in opts.fleet:
        raise UsageError("--shard-size and --worker-password are for cluster runs: give --cluster too")
    opts.fleet["yes"] = "--yes" in flags
    opts.fleet["dry_run"] = "--dry-run" in flags
    opts.debug = "--debug" in flags
    opts.verbose = int("-v" in flags)
    opts.force_file = "-F" in flags
    if "-I" in raw:
        if raw["-I"] not in ("lan", "lanplus"):
            raise UsageError(f"interface {raw['-I']!r} is not supported: use -I lanplus or -I lan")
        opts.interface = raw["-I"]
    opts.host = raw.get("-H")
    opts.sdr_cache = raw.get("--sdr-cache")
    if "-p" in raw:
        opts.port = _int(raw["-p"], "port (-p)")
        if not 0 < opts.port < 65536:
            raise UsageError(f"port {opts.port} is not 1-65535")
    opts.username = raw.get("-U", "")
    if "-C" in raw:
        opts.cipher_suite = _int(raw["-C"], "cipher suite (-C)")
    if "-L" in raw:
        opts.privilege = raw["-L"].lower()
    if "-A" in raw:
        opts.auth_type = raw["-A"].lower()
    if "-R" in raw:
        opts.retries = _int(raw["-R"], "retries (-R)")
    if "-N" in raw:
        opts.timeout = _float(raw["-N"], "timeout (-N)")
    if "-W" in raw:
        opts.quirks = frozenset(q.strip() for q in raw["-W"].split(",") if q.strip())
    if "-k" in raw:
        opts.kg = raw["-k"].encode()
    if "-y" in raw:
        try:
            opts.kg = bytes.fromhex(raw["-y"])
        except ValueError:
            raise UsageError("Kg given with -y must be hexadecimal") from None
    if "-t" in raw:
        opts.target_addr = _int(raw["-t"], "target address (-t)")
        if not 0 <= opts.target_addr <= 0xFF or opts.target_addr & 1:
            raise UsageError(f"target address (-t) {raw['-t']} is not an IPMB slave address (even, 0x00-0xfe)")
    if "-b" in raw:
        if "-t" not in raw:
            raise UsageError("-b CHANNEL bridges to the target given with -t ADDRESS: give both")
        opts.target_channel = _int(raw["-b"], "target channel (-b)")
        if not 0 <= opts.target_channel <= 0x0F:
            raise UsageError(f"target channel (-b) {opts.target_channel} is not 0-15")
    sources = [s for s in ("-P", "-f", "-E", "-a") if s in raw or s in flags]
    if len(sources) > 1:
        raise UsageError(f"give the password one way only, not {' and '.join(sources)}")
    if "-P" in raw:
        opts.password = raw["-P"].encode()
        opts.password_from = "-P"
        opts.warnings.append("Warning: the password given with -P can be seen by other users; use -f, -E or -a")
    elif "-f" in raw:
        opts.password = _read_password_file(raw["-f"], opts.force_file)
        opts.password_from = "-f"
    elif "-E" in flags:
        env = os.environ.get("IPMI_PASSWORD")
        if env is None:
            raise UsageError("-E: the IPMI_PASSWORD environment variable is not set")
        opts.password = env.encode()
        opts.password_from = "-E"
    elif "-a" in flags:
        opts.password = _prompt()
        opts.password_from = "-a"
    return opts, rest


def is_fleet(spec: str | None) -> bool:
    """Does ``-H`` name more than one host: a range, list, CIDR block, @file or port range (``cli/hosts``)?"""
    if spec is None:
        return False
    host, _, ports = spec.partition(":") if spec.count(":") == 1 else (spec, "", "")
    return any(c in host for c in "[,@/") or "-" in ports


def _is_number(arg: str) -> bool:
    try:
        int(arg, 0)
    except ValueError:
        return False
    return True


def _read_password_file(path: str, force: bool) -> bytes:
    try:
        info = os.stat(path)
        with open(path, "rb") as f:
            line = f.readline()
    except OSError as exc:
        raise UsageError(f"cannot read the password file {path}: {exc.strerror}") from None
    if info.st_mode & (stat.S_IROTH | stat.S_IWOTH) and not force:
        raise UsageError(f"the password file {path} can be read by other users (chmod 600 it, or force with -F)")
    return line.rstrip(b"\r\n")


def _prompt() -> bytes:
    if not sys.stdin.isatty():
        raise UsageError("no password: give -f FILE, -E (IPMI_PASSWORD) or -P; -a needs a terminal")
    return getpass.getpass("Password: ").encode()


def need_password(opts: Options) -> bytes:
    """The password, prompting on a terminal when none was given (as ipmitool does)."""
    if opts.password is not None:
        return opts.password
    if sys.stdin.isatty() and sys.stderr.isatty():
        opts.password = getpass.getpass("Password: ").encode()
        return opts.password
    raise UsageError("no password given: use -f FILE, -E (IPMI_PASSWORD), -a or -P")


class _Help(Exception):
    pass


def _fail(host: str | None, message: str, out: TextIO = sys.stderr) -> None:
    where = f"{host}: " if host else ""
    print(f"ipmifast: {where}{message}", file=out)


def main(argv: list[str] | None = None) -> int:
    """The console script (``argv`` None: this process runs one verb and ends) or a call with ``argv``."""
    one_shot = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if one_shot and any(a[:2] in ("-P", "-k", "-y") for a in argv):
        from ipmifast.cli.proctitle import hide_secrets

        hide_secrets(argv)
    debug = "--debug" in argv
    host: str | None = argv[argv.index("-H") + 1] if "-H" in argv[:-1] else None
    try:
        if argv and argv[0] in ("demo", "sim", "pcap", "discover", "audit", "cluster"):
            return _delegate(argv)
        if one_shot:
            gc.disable()  # nothing here lives long enough for the collector to pay for itself
        opts, rest = parse(argv)
        host = opts.host
        for warning in opts.warnings:
            print(warning, file=sys.stderr)
        if rest[:1] == ["sol"] and rest[1:2] in (["log"], ["activate"]) and "cluster" in opts.fleet:
            raise UsageError(f"sol {rest[1]} holds consoles open from this machine: it does not run on --cluster")
        if rest[:2] == ["sol", "log"]:  # holds many consoles open at once: its own loop (ipmifast/cli/sol_log.py)
            from ipmifast.cli.sol_log import run_sol_log

            code = run_sol_log(opts, rest[2:])
        elif is_fleet(opts.host) or "credentials" in opts.fleet or "cluster" in opts.fleet:
            from ipmifast.cli.fleet import run_fleet_verb

            code = run_fleet_verb(opts, rest, opts.fleet)
        else:
            from ipmifast.cli.registry import run_verb

            code = run_verb(opts, rest)
        if one_shot:
            _end_process(code)
        return code
    except _Help:
        print(USAGE, end="")
        return 0
    except IpmiError as exc:
        _fail(host, str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # a bug: never a bare traceback for users
        if debug:
            raise
        _fail(host, "internal error, rerun with --debug")
        return EXIT_INTERNAL


def _end_process(code: int) -> NoReturn:
    """End a one-shot process now that the verb is done and its session closed: the interpreter's teardown
    (every module and class freed one by one) would take longer than the request (bench/test_bench_cli.py)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: as ipmitool | head
        code = 0
    except OSError as exc:  # a full disk: the output is incomplete, say so
        os.write(2, f"ipmifast: cannot write the output: {exc.strerror}\n".encode())
        code = EXIT_IO
    os._exit(code)


def _delegate(argv: list[str]) -> int:
    if argv[0] == "sim":
        try:
            from ipmifast.sim.cli import main as sim_main
        except ImportError as exc:  # pragma: no cover - the simulator CLI ships with the package
            raise UsageError(f"the simulator is not available: {exc}") from None
        return sim_main(argv[1:])
    if argv[0] == "pcap":
        from ipmifast.cli.pcap import main as pcap_main

        return pcap_main(argv[1:])
    if argv[0] == "discover":
        from ipmifast.cli.discover import main as discover_main

        return discover_main(argv[1:])
    if argv[0] == "audit":
        from ipmifast.cli.audit import main as audit_main

        return audit_main(argv[1:])
    if argv[0] == "cluster":
        from ipmifast.cli.cluster import main as cluster_main

        return cluster_main(argv[1:])
    from ipmifast.cli.demo import main as demo_main

    return demo_main(argv[1:])


def die(message: str) -> NoReturn:
    raise UsageError(message)


def jsonable(value: Any) -> Any:
    """Plain JSON data from results: dataclasses → objects, enums → lower-case names (flags → lists of names),
    bytes → hex, addresses → text; numbers stay numbers."""
    import dataclasses
    import enum
    import ipaddress

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Flag):
        return [m.name.lower() for m in type(value) if m.name and m.value and m in value]
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    return str(value)
