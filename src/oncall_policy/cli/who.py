"""``oncall-policy who [--policy F] [--at TIME] [--format text|json]``, and
``oncall-policy who --format ics [--from TIME] [--to TIME] [--person ID]``: the turns over a span
as an iCalendar feed, the same events the ``calendars`` compile target writes."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from oncall_policy.cli.options import add_policy_argument
from oncall_policy.printable import printable_lines

if TYPE_CHECKING:
    from oncall_policy.meaning.who import RotationNow


def instant(text: str) -> datetime:
    """ISO 8601; a time without an offset is UTC."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-01-05T10:00:00+01:00"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_argument(parser)
    parser.add_argument(
        "--at", type=instant, metavar="TIME", help="ISO 8601 time; without an offset, UTC (default: now)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "ics"),
        default="text",
        help="text, json, or ics: an iCalendar feed of the turns from --from to --to",
    )
    parser.add_argument(
        "--from",
        dest="since",
        type=instant,
        metavar="TIME",
        help="with --format ics: the feed's first instant (default: --at, else now)",
    )
    parser.add_argument(
        "--to",
        dest="until",
        type=instant,
        metavar="TIME",
        help="with --format ics: the feed's end (default: --from plus the policy's calendars.horizon)",
    )
    parser.add_argument("--person", metavar="ID", help="with --format ics: only this person's turns")


def run(args: argparse.Namespace) -> int:
    from oncall_policy.checks.checked import load_policy  # noqa: PLC0415 - keep --help fast
    from oncall_policy.meaning.who import on_call  # noqa: PLC0415

    at: datetime = args.at or datetime.now(UTC)
    policy = load_policy(args.policy)
    if args.format == "ics":
        from oncall_policy.cli.who_ics import feed  # noqa: PLC0415 - icalendar only when asked

        sys.stdout.write(feed(policy, args.since or at, args.until, args.person))
        return 0
    rotations = on_call(policy, at)
    print(
        json.dumps(as_json(at, rotations), indent=2)
        if args.format == "json"
        else printable_lines(as_text(at, rotations))
    )
    return 0


def as_json(at: datetime, rotations: tuple[RotationNow, ...]) -> dict[str, Any]:
    from oncall_policy.meaning.who import utc  # noqa: PLC0415

    return {
        "at": utc(at),
        "rotations": [
            {
                "rotation": now.rotation.id,
                "name": now.rotation.name,
                "time_zone": now.rotation.time_zone,
                "turn": now.turn,
                "turn_started": utc(now.turn_started),
                "next_handoff": utc(now.next_handoff),
                "slots": [
                    {
                        "slot": h.slot,
                        "person": h.person.id,
                        "name": h.person.name,
                        "email": h.person.email,
                        "on_duty": h.on_duty,
                    }
                    for h in now.holders
                ],
            }
            for now in rotations
        ],
    }


def as_text(at: datetime, rotations: tuple[RotationNow, ...]) -> str:
    from oncall_policy.meaning.who import utc  # noqa: PLC0415

    lines = [f"On call at {utc(at)}:"]
    for now in rotations:
        lines.append(
            f"{now.rotation.name} ({now.rotation.id}): turn {now.turn + 1} since "
            f"{utc(now.turn_started)}, next hand-off {utc(now.next_handoff)}"
        )
        width = max(len(h.slot) for h in now.holders)
        lines.extend(
            f"  {h.slot:<{width}}  {h.person.name} <{h.person.email}>"
            + ("" if h.on_duty else "  (off duty: outside the rotation's hours)")
            for h in now.holders
        )
    return "\n".join(lines)
