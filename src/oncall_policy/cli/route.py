"""``oncall-policy route LABEL=VALUE... [--policy F]``: where an alert with these labels goes,
printed like ``amtool config routes test``: receiver names, comma-joined, in tree order."""

from __future__ import annotations

import argparse
from pathlib import Path

from oncall_policy.problems import OncallPolicyError


class LabelError(OncallPolicyError):
    pass


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("labels", nargs="*", metavar="LABEL=VALUE", help='labels: name=value or name="value"')
    parser.add_argument(
        "--policy", default="policy.yaml", type=Path, metavar="FILE", help="the policy (default: policy.yaml)"
    )


def parse_labels(arguments: list[str]) -> dict[str, str]:
    """Labels as amtool takes them: ``name=value`` or ``name="value"``; a repeated name: the last wins."""
    from oncall_policy.matchers import MatcherError, Op, parse_matcher  # noqa: PLC0415

    labels: dict[str, str] = {}
    for argument in arguments:
        try:
            matcher = parse_matcher(argument)
        except MatcherError as error:
            raise LabelError(f"{argument!r}: {error}") from None
        if matcher.op is not Op.EQUAL:
            raise LabelError(f"{argument!r}: labels must be specified as name=value pairs")
        labels[matcher.name] = matcher.value
    return labels


def run(args: argparse.Namespace) -> int:
    from oncall_policy.compile import Source  # noqa: PLC0415 - keep --help fast
    from oncall_policy.load import load_policy_bytes, read_policy_file  # noqa: PLC0415
    from oncall_policy.matrix import generated  # noqa: PLC0415
    from oncall_policy.printable import printable  # noqa: PLC0415
    from oncall_policy.simulate import Simulator  # noqa: PLC0415

    labels = parse_labels(args.labels)
    raw = read_policy_file(args.policy)
    policy = load_policy_bytes(raw, str(args.policy))
    _, config = generated(policy, Source.of(args.policy, raw))
    print(printable(",".join(Simulator(config).receivers(labels))))
    return 0
