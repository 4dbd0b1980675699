"""``amtool silence add`` arguments: read them as amtool 0.25 does, and run the real amtool.

Flags (kingpin style, ``--flag=value`` or ``--flag value``): ``-d/--duration`` (default ``1h``),
``--start`` and ``--end`` (RFC 3339; ``--end`` overrides the duration), ``-c/--comment``,
``-a/--author``, and amtool's global ``--alertmanager.url``, ``--http.config.file`` and
``--timeout`` (a Go duration, default ``30s``); arguments are matchers. Times default to now.
Whatever the text of a duration or time, reading it gives a value or a violation, never an
exception: ``-d 9999y`` and ``--end=9999-12-31T23:59:59-01:00`` are violations, as amtool refuses
them too (``duration out of range``; the server: ``timestamp … after 10000-01-01``).
"""

from __future__ import annotations

from oncall_policy.durations import DurationError, parse_duration, parse_go_duration
from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.regular_files import SMALL_FILE, read_regular
from oncall_policy.silence import rfc3339 as times
from oncall_policy.silence.request import BAD_DURATION, BAD_TIME, SilenceRequest, parse_matcher_args
from oncall_policy.silence.verdict import Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from datetime import datetime
    from typing import NoReturn, Protocol

    class Arguments(Protocol):
        """What ``from_namespace`` reads: argparse's namespace, or ``cli.silence_words.Options``."""

        matchers: list[str]
        start: str | None
        end: str | None
        duration: str | None
        author: str
        comment: str | None
        timeout: str | None


DEFAULT_DURATION = "1h"
DEFAULT_TIMEOUT = "30s"
TIMEOUT_HELP = (
    f"the most each exchange with an Alertmanager may take, all of it, and amtool's run: a Go "
    f"duration, as amtool's (default: {DEFAULT_TIMEOUT})"
)
# amtool first asks the server for its version, with go-openapi's own 30 s timeout (measured with
# Debian's amtool 0.25: against a server that never answers, `--timeout=1s` returns after 30 s).
VERSION_CHECK_SECONDS = 30.0


class AmtoolArgsError(OncallPolicyError):
    """Arguments ``amtool silence add`` would refuse as usage errors."""


# Stopped amtool after it may have sent the silence: whether it exists is unknown, so say where to look.
MAYBE_CREATED = ", and the silence may or may not have been created: look with `amtool silence query`"
MORE_TIME = " (--timeout gives amtool more time)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags and arguments of ``amtool silence add``, and amtool's global flags for talking to
    an Alertmanager: ``--alertmanager.url``, ``--http.config.file``, ``--timeout``."""
    parser.add_argument("-d", "--duration", help="duration (default: 1h, or amtool's configuration's)")
    parser.add_argument("--start", help="start, RFC 3339 (default: now)")
    parser.add_argument("--end", help="end, RFC 3339; overrides --duration")
    parser.add_argument("-c", "--comment", help="why: must give a valid reason")
    parser.add_argument("-a", "--author", default="", help="who silences (createdBy)")
    parser.add_argument("--alertmanager.url", dest="alertmanager_url", metavar="URL", help="Alertmanager")
    parser.add_argument(
        "--http.config.file",
        dest="http_config_file",
        metavar="FILE",
        help="amtool's HTTP client configuration (basic_auth, authorization, tls_config, proxy_url, …)",
    )
    parser.add_argument("--timeout", metavar="DURATION", help=TIMEOUT_HELP)
    parser.add_argument("matchers", nargs="*", metavar="MATCHER", help='name=value, name=~"re", …')


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Read ``amtool silence add`` arguments; raise ``AmtoolArgsError`` on a usage error."""
    import argparse  # noqa: PLC0415 - the command line reads its own words (cli.silence_words)

    class RaisingParser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise AmtoolArgsError(message)

    parser = RaisingParser(prog="amtool silence add", add_help=False, allow_abbrev=False)
    add_arguments(parser)
    return parser.parse_intermixed_args(expand_files(argv))


def parse(argv: Sequence[str], now: datetime, approvers: Sequence[str] = ()) -> SilenceRequest:
    """The silence ``amtool silence add ARGV`` would create at ``now``."""
    return from_namespace(parse_args(argv), now, approvers)


def from_namespace(
    args: Arguments | argparse.Namespace, now: datetime, approvers: Sequence[str] = ()
) -> SilenceRequest:
    """The silence the arguments describe; raise ``AmtoolArgsError`` for a ``--timeout`` amtool
    would refuse before doing anything (``time: unknown unit "x" in duration "1x"``)."""
    if getattr(args, "timeout", None) is not None:
        timeout_seconds(args.timeout)
    matchers, problems = parse_matcher_args(args.matchers)
    start = _time(args.start, "--start", problems) if args.start else now
    duration = DEFAULT_DURATION if args.duration is None else args.duration  # '': amtool refuses it
    end = (
        _time(args.end, "--end", problems, args.start)
        if args.end
        else _plus_duration(start, duration, problems)
    )
    return SilenceRequest(
        tuple(matchers), start, end, args.author, args.comment or "", tuple(approvers), tuple(problems)
    )


def _plus_duration(start: datetime | None, text: str, problems: list[Violation]) -> datetime | None:
    try:
        duration = parse_duration(text)
    except DurationError as error:
        problems.append(Violation(BAD_DURATION.id, str(error), "give -d as 30m, 2h or 1d", ("endsAt",)))
        return None
    if start is None:
        return None
    try:
        return times.add(start, duration)
    except times.TimeError as error:
        problems.append(
            Violation(BAD_TIME.id, str(error), "give an earlier --start or a shorter -d", ("endsAt",))
        )
        return None


def _time(text: str, flag: str, problems: list[Violation], start: str | None = None) -> datetime | None:
    """The time of ``flag``; for ``--end``, ``start`` is ``--start`` as written (its nanoseconds)."""
    try:
        return times.parse(text, end=flag == "--end", start_ns=times.nanoseconds(start))
    except times.TimeError as error:
        where = "startsAt" if flag == "--start" else "endsAt"
        hint = f"write {flag} in RFC 3339 with a zone, e.g. {flag}=2026-01-02T15:04:05Z"
        problems.append(Violation(BAD_TIME.id, f"{flag}: {error}", hint, (where,)))
        return None


MAX_FILE_DEPTH = 16  # kingpin follows @file inside @file without end; this stops a loop


def expand_files(words: Sequence[str], depth: int = 0) -> list[str]:
    """The words as amtool's command-line library (kingpin) reads them: a word ``@FILE`` before
    ``--`` stands for the lines of FILE, each a word (lines starting with ``#`` left out),
    themselves expanded — so ``-c @reason.txt`` may set a comment *and* an ``--end``. Raise
    ``AmtoolArgsError`` for a file that cannot be read, as amtool stops on one."""
    found: list[str] = []
    for index, word in enumerate(words):
        if word == "--":
            return [*found, *words[index:]]
        if not word.startswith("@"):
            found.append(word)
            continue
        if depth >= MAX_FILE_DEPTH:
            raise AmtoolArgsError(f"{word}: @files nested more than {MAX_FILE_DEPTH} deep")
        found.extend(expand_files(_lines(word[1:]), depth + 1))
    return found


def _lines(path: str) -> list[str]:
    try:
        text = read_regular(path, SMALL_FILE).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AmtoolArgsError(f"cannot read @{path}: {error}") from None
    return [line for line in text.splitlines() if not line.startswith("#")]


def timeout_seconds(text: str | None) -> float:
    """The seconds of amtool's ``--timeout`` (a Go duration such as ``30s`` or ``1m30s``); raise
    ``AmtoolArgsError`` for a text Go refuses (with Go's message) or a timeout that is not positive
    (amtool then fails every request at once with ``context deadline exceeded``)."""
    try:
        value = parse_go_duration(DEFAULT_TIMEOUT if text is None else text).total_seconds()
    except DurationError as error:
        raise AmtoolArgsError(f"--timeout: {error}") from None
    if value <= 0:
        raise AmtoolArgsError(f"--timeout={text} leaves no time for any request; give e.g. --timeout=30s")
    return value


class AmtoolResult(Record):
    returncode: int
    stdout: str
    stderr: str


def command(
    request: SilenceRequest,
    comment: str,
    url: str | None,
    http_config_file: str | None = None,
    timeout: str | None = None,
) -> list[str]:
    """The amtool argv that creates exactly ``request``: explicit times, canonical matchers after
    ``--`` (each one quoted, so none can be misread or taken for a flag). ``http_config_file`` and
    ``timeout`` are passed as given, so that amtool authenticates (and gives up) exactly as the
    history was read."""
    if request.starts_at is None or request.ends_at is None:
        raise ValueError("a silence without times cannot be created")
    argv = ["amtool"] + ([f"--alertmanager.url={url}"] if url else [])
    argv += [f"--http.config.file={http_config_file}"] if http_config_file else []
    argv += [f"--timeout={timeout}"] if timeout else []
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


def run(argv: list[str], timeout: float | None = None) -> AmtoolResult:
    """Run amtool (never through a shell). Unless ``timeout`` says otherwise, it has the time its
    own ``--timeout`` in ``argv`` gives it, plus its version check and a margin; then it is
    stopped, with all it started, and ``processes.ToolTimeoutError`` raised; so too, with
    ``processes.ToolOutputError``, once it writes more than any real amtool output. Errors show
    the command with the password of ``--alertmanager.url`` hidden."""
    from oncall_policy import processes  # noqa: PLC0415 - only `add` runs amtool

    if timeout is None:
        given = next((arg.split("=", 1)[1] for arg in argv if arg.startswith("--timeout=")), None)
        timeout = timeout_seconds(given) + VERSION_CHECK_SECONDS + 10.0
    try:
        return AmtoolResult(*processes.run(argv, timeout, shown=shown(argv)))
    except processes.ToolStoppedError as error:
        timed_out = isinstance(error, processes.ToolTimeoutError)
        error.consequence = MAYBE_CREATED + (MORE_TIME if timed_out else "")
        raise


def shown(argv: Sequence[str]) -> list[str]:
    """``argv`` as an error may show it: the Alertmanager's URL without its password."""
    from oncall_policy.silence.http_errors import redacted  # noqa: PLC0415

    flag = "--alertmanager.url="
    return [flag + redacted(arg.removeprefix(flag)) if arg.startswith(flag) else arg for arg in argv]


def rfc3339(value: datetime) -> str:
    return times.format_time(value)
