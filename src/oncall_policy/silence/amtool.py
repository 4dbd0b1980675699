"""``amtool silence add`` arguments: read them as amtool 0.25 does, and run the real amtool.

Flags (kingpin style, ``--flag=value`` or ``--flag value``): ``-d/--duration`` (default ``1h``),
``--start`` and ``--end`` (RFC 3339; ``--end`` overrides the duration), ``-c/--comment``,
``-a/--author``, ``--alertmanager.url``; arguments are matchers. Times default to now.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from oncall_policy import TYPE_CHECKING
from oncall_policy.durations import DurationError, parse_duration
from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.silence.request import SilenceRequest, parse_matcher_args
from oncall_policy.silence.verdict import Violation

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

DEFAULT_DURATION = "1h"


class AmtoolArgsError(OncallPolicyError):
    """Arguments ``amtool silence add`` would refuse as usage errors."""


class AmtoolNotFoundError(OncallPolicyError):
    def __init__(self) -> None:
        super().__init__("`amtool` not found; install prometheus-alertmanager")


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise AmtoolArgsError(message)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags and arguments of ``amtool silence add`` (and its global ``--alertmanager.url``)."""
    parser.add_argument("-d", "--duration", default=DEFAULT_DURATION, help="duration (default: 1h)")
    parser.add_argument("--start", help="start, RFC 3339 (default: now)")
    parser.add_argument("--end", help="end, RFC 3339; overrides --duration")
    parser.add_argument("-c", "--comment", default="", help="why: must give a valid reason")
    parser.add_argument("-a", "--author", default="", help="who silences (createdBy)")
    parser.add_argument("--alertmanager.url", dest="alertmanager_url", metavar="URL", help="Alertmanager")
    parser.add_argument("matchers", nargs="*", metavar="MATCHER", help='name=value, name=~"re", …')


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Read ``amtool silence add`` arguments; raise ``AmtoolArgsError`` on a usage error."""
    parser = _RaisingParser(prog="amtool silence add", add_help=False, allow_abbrev=False)
    add_arguments(parser)
    return parser.parse_intermixed_args(list(argv))


def parse(argv: Sequence[str], now: datetime, approvers: Sequence[str] = ()) -> SilenceRequest:
    """The silence ``amtool silence add ARGV`` would create at ``now``."""
    return from_namespace(parse_args(argv), now, approvers)


def from_namespace(args: argparse.Namespace, now: datetime, approvers: Sequence[str] = ()) -> SilenceRequest:
    matchers, problems = parse_matcher_args(args.matchers)
    start = _time(args.start, "--start", problems) if args.start else now
    end = _time(args.end, "--end", problems) if args.end else _plus_duration(start, args.duration, problems)
    return SilenceRequest(
        tuple(matchers), start, end, args.author, args.comment, tuple(approvers), tuple(problems)
    )


def _plus_duration(start: datetime | None, text: str, problems: list[Violation]) -> datetime | None:
    try:
        duration = parse_duration(text)
    except DurationError as error:
        problems.append(Violation("bad-duration", str(error), "give -d as 30m, 2h or 1d", ("endsAt",)))
        return None
    return None if start is None else start + duration


def _time(text: str, flag: str, problems: list[Violation]) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        where = "startsAt" if flag == "--start" else "endsAt"
        hint = f"write {flag} in RFC 3339 with a zone, e.g. {flag}=2026-01-02T15:04:05Z"
        problems.append(Violation("bad-time", f"{flag} {text!r} is not an RFC 3339 time", hint, (where,)))
        return None
    return value.astimezone(UTC)


class AmtoolResult(Record):
    __slots__ = __match_args__ = ("returncode", "stdout", "stderr")

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode: Final = returncode
        self.stdout: Final = stdout
        self.stderr: Final = stderr


def command(request: SilenceRequest, comment: str, url: str | None) -> list[str]:
    """The amtool argv that creates exactly ``request``: explicit times, canonical matchers after
    ``--`` (each one quoted, so none can be misread or taken for a flag)."""
    if request.starts_at is None or request.ends_at is None:
        raise ValueError("a silence without times cannot be created")
    argv = ["amtool"] + ([f"--alertmanager.url={url}"] if url else [])
    return [
        *argv,
        "silence",
        "add",
        f"--author={request.author}",
        f"--comment={comment}",
        f"--start={rfc3339(request.starts_at)}",
        f"--end={rfc3339(request.ends_at)}",
        "--",
        *(str(matcher) for matcher in request.matchers),
    ]


def run(argv: list[str], timeout: float = 60.0) -> AmtoolResult:
    """Run amtool (never through a shell)."""
    import shutil  # noqa: PLC0415 - only `add` runs amtool
    import subprocess  # noqa: PLC0415

    path = shutil.which(argv[0])
    if path is None:
        raise AmtoolNotFoundError
    done = subprocess.run([path, *argv[1:]], capture_output=True, text=True, timeout=timeout, check=False)
    return AmtoolResult(done.returncode, done.stdout, done.stderr)


def rfc3339(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")
