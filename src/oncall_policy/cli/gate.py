"""``oncall-policy gate --policy F --upstream URL [--upstream URL]... --listen HOST:PORT [--config FILE]``.

Serves until SIGTERM or SIGINT, then stops accepting, finishes what it is answering (for up to
a few seconds) and exits 0. SIGHUP, or a change to the policy file, reloads the policy: a valid
one replaces it, an invalid one is logged and the policy in force stays. Logs go to stderr,
readable by people; the audit trail (one JSON line per judged silence write) goes there too,
or to ``--audit-log FILE``.
A policy that cannot be read or is invalid, a configuration or users file that cannot be used,
or an address it cannot listen on: exit 1 before serving anything.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from oncall_policy.cli.options import add_policy_argument
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.gate.server import Settings

# The answers each of the judge's caches keeps at most twice over (``recent.limit``): a silence
# written takes about four in the rules' memo, so the gate's memory levels off after a few
# thousand writes of new text instead of growing for 200,000 (bench/gate.py's memory run).
CACHE_CAPACITY = 2048


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_argument(parser)
    parser.add_argument(
        "--upstream",
        action="append",
        required=True,
        type=upstream,
        metavar="URL",
        help="an Alertmanager behind the gate, e.g. http://127.0.0.1:9093 (repeat for each peer)",
    )
    parser.add_argument(
        "--listen",
        type=listen,
        default=("127.0.0.1", 9095),
        metavar="HOST:PORT",
        help="(default: 127.0.0.1:9095)",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="the gate's TOML settings: authentication and limits (see README)"
    )
    parser.add_argument(
        "--watch-interval",
        type=seconds,
        default=1.0,
        metavar="SECONDS",
        help="how often to look whether the policy file changed, to reload it (default: 1; 0: SIGHUP only)",
    )
    parser.add_argument(
        "--audit-log",
        metavar="FILE",
        help="append the audit trail (one JSON line per judged silence write) to FILE (default: stderr)",
    )


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return value


def upstream(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s)://HOST[:PORT][/PATH] URL")
    return text.rstrip("/")


def listen(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not (colon and host and port.isdigit() and int(port) < 65536):
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT, e.g. 127.0.0.1:9095 or [::1]:9095")
    return host, int(port)


def run(args: argparse.Namespace) -> int:
    import asyncio  # noqa: PLC0415 - keep --help fast
    import logging  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from oncall_policy import recent  # noqa: PLC0415
    from oncall_policy.errors import gate_extra_missing  # noqa: PLC0415

    try:
        from oncall_policy.gate import config, server, users  # noqa: PLC0415
    except ModuleNotFoundError as error:
        raise gate_extra_missing(error) or error from None
    from oncall_policy.gate.config import GateConfigError  # noqa: PLC0415
    from oncall_policy.printable import printable  # noqa: PLC0415
    from oncall_policy.silence import source  # noqa: PLC0415

    recent.limit(CACHE_CAPACITY)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    _audit_trail(args.audit_log)
    loaded = source.load(args.policy)  # PolicyError: every problem printed, exit 1 (fail closed)
    if loaded.stale:
        print(f"oncall-policy: warning: {printable(loaded.stale)}", file=sys.stderr)
    settings = config.read(args.config)
    settings.upstream_fields()  # its credential files readable now, not at the first request
    auth = settings.auth
    verifier = (
        users.Verifier(users.read(auth.users_file)) if auth.mode == "basic" and auth.users_file else None
    )
    if auth.mode == "none":
        print(
            "oncall-policy: warning: no authentication configured: every silence write is refused",
            file=sys.stderr,
        )
    try:
        served = server.Settings(
            loaded.rules,
            tuple(args.upstream),
            settings,
            verifier,
            args.policy,
            args.watch_interval,
            loaded,
        )
        asyncio.run(_serve(served, *args.listen))
    except OSError as error:
        raise GateConfigError(
            f"cannot listen on {args.listen[0]}:{args.listen[1]}: {error.strerror}"
        ) from None
    return 0


def _audit_trail(path: str | None) -> None:
    """The audit trail's lines, bare (each is a JSON object), to ``path`` or stderr."""
    import logging  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from oncall_policy.gate import auditlog  # noqa: PLC0415
    from oncall_policy.gate.config import GateConfigError  # noqa: PLC0415

    try:
        handler = logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr)
    except OSError as error:
        raise GateConfigError(f"{path}: cannot open the audit log: {error.strerror}") from None
    handler.setFormatter(logging.Formatter("%(message)s"))
    trail = logging.getLogger(auditlog.LOGGER)
    trail.addHandler(handler)
    trail.propagate = False


async def _serve(settings: Settings, host: str, port: int) -> None:
    import asyncio  # noqa: PLC0415
    import signal  # noqa: PLC0415

    from oncall_policy.gate import server  # noqa: PLC0415

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server.running(settings, host, port, hangup=True) as (bound_host, bound_port):
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        print(f"oncall-policy gate: listening on http://{shown}:{bound_port}/", flush=True)
        await stop.wait()
