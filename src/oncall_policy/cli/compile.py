"""``oncall-policy compile [--policy F] [--out DIR] [--check]``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", default="policy.yaml", type=Path, metavar="FILE", help="the policy (default: policy.yaml)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output directory (default: generated/ beside the policy)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a unified diff if anything is stale"
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.compile import Source, build_all  # noqa: PLC0415 - keep --help fast
    from oncall_policy.compile.output import compare, write  # noqa: PLC0415
    from oncall_policy.compile.pd import membership  # noqa: PLC0415
    from oncall_policy.load import load_policy_bytes, read_policy_file  # noqa: PLC0415
    from oncall_policy.printable import printable, printable_lines  # noqa: PLC0415

    policy_path: Path = args.policy
    out: Path = args.out or policy_path.parent / "generated"
    raw = read_policy_file(policy_path)
    policy = load_policy_bytes(raw, str(policy_path))
    files = build_all(policy, Source.of(policy_path, raw))
    for warning in membership.warnings(files, out, datetime.now(UTC)):
        print(f"oncall-policy: warning: {printable(str(warning))}", file=sys.stderr)
    if args.check:
        changes = compare(files, out)
        for change in changes:
            sys.stdout.write(printable_lines(change.diff))
        for change in changes:
            stale = printable(str(out / change.path))
            print(f"{stale}: stale ({change.kind}); run `oncall-policy compile`", file=sys.stderr)
        return 1 if changes else 0
    changes = write(files, out)
    for change in changes:
        print(f"{change.kind} {printable(str(out / change.path))}")
    print(f"{printable(str(out))}: {len(files)} files, {len(changes) or 'none'} changed")
    return 0
