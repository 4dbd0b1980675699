"""``oncall-policy gate --policy F --upstream URL [--upstream URL]... --listen HOST:PORT [--config FILE]``.

Serves until SIGTERM or SIGINT, then stops accepting, finishes what it is answering and exits 0.
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

    from oncall_policy.gate import config, server, users  # noqa: PLC0415
    from oncall_policy.gate.config import GateConfigError  # noqa: PLC0415
    from oncall_policy.printable import printable  # noqa: PLC0415
    from oncall_policy.silence import source  # noqa: PLC0415

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    loaded = source.load(args.policy)  # PolicyError: every problem printed, exit 1 (fail closed)
    if loaded.stale:
        print(f"oncall-policy: warning: {printable(loaded.stale)}", file=sys.stderr)
    settings = config.read(args.config)
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
        asyncio.run(
            _serve(server.Settings(loaded.rules, tuple(args.upstream), settings, verifier), *args.listen)
        )
    except OSError as error:
        raise GateConfigError(
            f"cannot listen on {args.listen[0]}:{args.listen[1]}: {error.strerror}"
        ) from None
    return 0


async def _serve(settings: Settings, host: str, port: int) -> None:
    import asyncio  # noqa: PLC0415
    import signal  # noqa: PLC0415

    from oncall_policy.gate import server  # noqa: PLC0415

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server.running(settings, host, port) as (bound_host, bound_port):
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        print(f"oncall-policy gate: listening on http://{shown}:{bound_port}/", flush=True)
        await stop.wait()
