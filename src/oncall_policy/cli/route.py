"""``oncall-policy route LABEL=VALUE... [--policy F]``: where an alert with these labels goes,
printed like ``amtool config routes test``: receiver names, comma-joined, in tree order."""

from __future__ import annotations

import argparse
from pathlib import Path

from oncall_policy.cli.options import add_policy_argument
from oncall_policy.errors import OncallPolicyError
from oncall_policy.printable import printable


class LabelError(OncallPolicyError):
    pass


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("labels", nargs="*", metavar="LABEL=VALUE", help='labels: name=value or name="value"')
    add_policy_argument(parser)


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
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.load import parts  # noqa: PLC0415
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415 - keep --help fast
    from oncall_policy.verify.matrix import generated  # noqa: PLC0415
    from oncall_policy.verify.simulate import Simulator  # noqa: PLC0415

    labels = parse_labels(args.labels)
    raw = read_policy_file(args.policy)
    policy = load_policy_bytes(raw, args.policy)
    _, config = generated(policy, Source.of(Path(args.policy), raw, parts.sources(policy)))
    print(printable(",".join(Simulator(config).receivers(labels))))
    return 0
