"""``oncall-policy compile [--policy F] [--out DIR] [--check]``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from oncall_policy.cli.options import add_policy_argument
from oncall_policy.printable import printable, printable_lines
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.output import Diff, Stale


def configure(parser: argparse.ArgumentParser) -> None:
    add_policy_argument(parser)
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output directory (default: generated/ beside the policy)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a unified diff if anything is stale"
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy import output, template_cache  # noqa: PLC0415 - keep --help fast
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.compile import build_all  # noqa: PLC0415
    from oncall_policy.compile.pd import membership  # noqa: PLC0415
    from oncall_policy.load import parts  # noqa: PLC0415
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415 - keep --help fast

    policy_path = Path(args.policy)
    out: Path = args.out or policy_path.parent / "generated"
    raw = read_policy_file(policy_path)
    policy = load_policy_bytes(raw, str(policy_path))
    files = build_all(policy, Source.of(policy_path, raw, parts.sources(policy)), template_cache.default())
    # One lock around reading the previous output (for the warnings) and writing or comparing;
    # the diffs are printed after, so that a slow reader does not hold up another compile.
    if args.check:
        with output.locked(out, exclusive=False):
            _warn(out, membership.warnings(files, output.previous_text(out), datetime.now(UTC)))
            stale = output.compare(files, out)
        return _report_stale(stale, out)
    with output.locked(out, exclusive=True):
        _warn(out, membership.warnings(files, output.previous_text(out), datetime.now(UTC)))
        changes = output.write(files, out, keep=(policy_path,))
    for change in changes:
        print(f"{change.kind} {printable(str(out / change.path))}")
    print(f"{printable(str(out))}: {len(files)} files, {len(changes) or 'none'} changed")
    return 0


def _warn(out: Path, warnings: list[tuple[str, str]]) -> None:
    for path, warning in warnings:
        print(f"oncall-policy: warning: {printable(f'{out / path}: {warning}')}", file=sys.stderr)


def _report_stale(stale: list[Stale], out: Path) -> int:
    """Every stale file's diff on standard output, then one line about each on standard error."""
    from oncall_policy import output  # noqa: PLC0415

    notes = []
    for item in stale:
        diff = output.diff(item)
        if diff is not None:
            sys.stdout.write(printable_lines(diff.text))
        notes.append(_note(diff))
    for item, note in zip(stale, notes, strict=True):
        stale_path = printable(str(out / item.path))
        print(f"{stale_path}: stale ({item.kind}{note}); run `oncall-policy compile`", file=sys.stderr)
    return 1 if stale else 0


def _note(diff: Diff | None) -> str:
    if diff is None:
        return "; too large to diff"
    if diff.shown < diff.total:
        return f"; the diff shows {diff.shown:,} of its {diff.total:,} changed lines"
    return ""
