"""``oncall-policy silence audit`` and ``silence check-files``.

The audit's exit code tells its outcomes apart: 0 every live silence keeps the policy, 1 some
break it, ``CANNOT_AUDIT`` (4) the audit could not be done (the policy is missing or invalid,
or the Alertmanager's silences cannot be read) — a scheduled audit must not read that as "clean".
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from oncall_policy.cli.options import (
    add_limit_argument,
    add_peer_argument,
    add_tenant_argument,
    silence_action_parser,
)
from oncall_policy.cli.silence_judge import ACTIONS, connection, no_history
from oncall_policy.errors import OncallPolicyError, PolicyError
from oncall_policy.printable import printable, printable_lines
from oncall_policy.silence import audit, audit_parts, client, proof, report, source
from oncall_policy.silence.amtool import TIMEOUT_HELP
from oncall_policy.silence.audit import Finding
from oncall_policy.silence.evaluate import Silence
from oncall_policy.silence.http_config import HttpConfig
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Violation

CANNOT_AUDIT = 4


def run(action: str, arguments: Sequence[str]) -> int:
    parser = silence_action_parser(action, ACTIONS[action])
    if action == "audit":
        parser.add_argument("--alertmanager.url", dest="url", required=True, metavar="URL")
        add_peer_argument(parser)
        parser.add_argument("--http.config.file", dest="http_config_file", metavar="FILE", help="as amtool's")
        add_tenant_argument(parser)
        parser.add_argument("--timeout", metavar="DURATION", help=TIMEOUT_HELP)
        add_limit_argument(parser)
        parser.add_argument("--expire", action="store_true", help="expire every violator after reporting")
        parser.add_argument(
            "--verify-key",
            metavar="PUB",
            help="the gate's public key (gate keygen's KEY.pub): flag recorded approvals it does not prove",
        )
        parser.epilog = "exit 0: all keep the policy; 1: some break it; 4: could not audit"
        return _audit(parser.parse_args(arguments))
    parser.add_argument("files", nargs="+", metavar="FILE", help="silence request files (.json, .yaml)")
    parser.add_argument(
        "--siblings",
        action="store_true",
        help="the other request files of the files' silences/ tree (git-tracked) count as history",
    )
    parser.add_argument(
        "--alertmanager.url", dest="url", metavar="URL", help="count the silences already there (history)"
    )
    add_peer_argument(parser)
    parser.add_argument("--http.config.file", dest="http_config_file", metavar="FILE", help="as amtool's")
    add_tenant_argument(parser)
    parser.add_argument("--timeout", metavar="DURATION", help=TIMEOUT_HELP)
    add_limit_argument(parser)
    return _check_files(parser.parse_args(arguments))


def _audit(options: argparse.Namespace) -> int:
    # Tens of thousands of silences are hundreds of thousands of small objects, none in a cycle:
    # the cyclic collector would walk them all, again and again, for nothing (measured: a third
    # of the audit's time at 20,000 silences). Reference counting still frees them; the process ends.
    gc.disable()
    try:
        loaded = source.load(options.policy)
    except PolicyError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        print("cannot audit: the policy is missing or invalid", file=sys.stderr)
        return CANNOT_AUDIT
    if loaded.stale:
        stale = printable(f"{loaded.stale}; read {options.policy} directly")
        print(f"oncall-policy: warning: {stale}", file=sys.stderr)
    try:
        config, timeout, max_bytes = connection(options)
        headers = client.tenant_headers(options.tenant)
        listed = client.silences([options.url, *options.peer], config, timeout, max_bytes, headers)
    except (client.AlertmanagerError, OncallPolicyError) as error:
        print(f"cannot audit: {printable(str(error))}", file=sys.stderr)
        return CANNOT_AUDIT
    render: Callable[[Finding], Row] = _json_row if options.format == "json" else _text_row
    if options.verify_key:
        try:
            render = _proven(listed, options.verify_key, render)
        except OncallPolicyError as error:
            print(f"cannot audit: {printable(str(error))}", file=sys.stderr)
            return CANNOT_AUDIT
    rows = audit_parts.audit_rendered(listed, loaded.rules, render)
    violators = [row.silence_id for row in rows if row.violates]
    if options.format == "json":
        print(_json(rows), end="")
    else:  # piece by piece: joined, megabytes would be copied twice more
        sys.stdout.writelines(_text_pieces(rows))
    if options.expire:
        _expire(violators, options.url, config, timeout, headers)
    return 1 if violators else 0


def _expire(
    violators: Sequence[str],
    url: str,
    config: HttpConfig | None,
    timeout: float,
    headers: Sequence[tuple[str, str]],
) -> None:
    """Expire each violator; one that cannot be expired is said, and the others still are."""
    for silence_id in violators:
        if not silence_id:
            print("cannot expire a silence the Alertmanager lists without an id", file=sys.stderr)
            continue
        try:
            client.expire(url, silence_id, config, timeout, headers)
        except client.AlertmanagerError as error:
            print(f"could not expire {printable(silence_id)}: {printable(str(error))}", file=sys.stderr)
            continue
        print(f"expired {printable(silence_id)}", file=sys.stderr)


def _proven(
    listed: Sequence[Mapping[str, Any]], key_file: str, render: Callable[[Finding], Row]
) -> Callable[[Finding], Row]:
    """``render``, with an ``unproven-approval`` violation added to each silence whose recorded
    approvals the key does not prove."""
    key = proof.public_key(key_file)
    unproven = {
        str(item.get("id")): reason for item in listed if (reason := proof.unproven(item, key)) is not None
    }

    def rendered(finding: Finding) -> Row:
        reason = unproven.get(finding.silence_id)
        if reason is None:
            return render(finding)
        verdict = finding.verdict
        flagged = verdict.replace(violations=(*verdict.violations, proof.violation(reason)))
        return render(finding._replace(verdict=flagged))

    return rendered


class Row(NamedTuple):
    """One finding as the audit shows it."""

    silence_id: str
    violates: bool
    shown: str  # text: the violator's report (nothing for a compliant one); json: its object


def _text_row(finding: Finding) -> Row:
    """A violator's report; what the Alertmanager sent (its id, state, author, matchers and
    comment) has its control characters escaped, and the first line stays one line."""
    violates = not finding.verdict.accepted
    who = printable(f"{finding.silence_id} ({finding.state}, by {finding.request.author or '?'})")
    shown = (
        f"silence {who}: " + printable_lines(report.verdict_text(finding.verdict, finding.request.matchers))
        if violates
        else ""
    )
    return Row(finding.silence_id, violates, shown)


def _text(rows: Sequence[Row]) -> str:
    return "".join(_text_pieces(rows))


def _text_pieces(rows: Sequence[Row]) -> Iterator[str]:
    """Each violator's report, then how many silences were checked and how many break the policy."""
    yield from (row.shown for row in rows if row.shown)
    broken = sum(row.violates for row in rows)
    yield f"{len(rows)} live silences checked, {broken} break the policy\n"


def _json_row(finding: Finding) -> Row:
    data = {
        "id": finding.silence_id,
        "state": finding.state,
        "createdBy": finding.request.author,
        **finding.verdict.as_json(),
    }
    return Row(finding.silence_id, not finding.verdict.accepted, json.dumps(data, indent=2))


def _json(rows: Sequence[Row]) -> str:
    """The objects as one list, as ``json.dumps(objects, indent=2)`` writes it."""
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(textwrap.indent(row.shown, "  ") for row in rows) + "\n]\n"


def _check_files(options: argparse.Namespace) -> int:
    from oncall_policy.silence.files import check  # noqa: PLC0415 - imports the YAML loader
    from oncall_policy.silence.siblings import siblings  # noqa: PLC0415

    try:
        loaded = source.load(options.policy)
    except PolicyError as error:
        for problem in error.problems:
            print(printable(str(problem)))
        return 1
    earlier, no_history = _history(options, loaded.rules)
    merged, unlisted = siblings(options.files) if options.siblings else ([], [])
    problems = [*unlisted, *check(options.files, loaded.rules, earlier, no_history, merged)]
    for problem in problems:
        print(printable(str(problem)))
    return 1 if problems else 0


def _history(options: argparse.Namespace, rules: Rules) -> tuple[list[Silence], Violation | None]:
    """The silences already at the Alertmanagers given, or why there are none (which refuses
    every file, unless the policy allows judging without history)."""
    if not options.url:
        print(
            "oncall-policy: note: judged without earlier silences; give --alertmanager.url to count "
            "re-created and chained ones",
            file=sys.stderr,
        )
        return [], None
    try:
        headers = client.tenant_headers(options.tenant)
        listed = client.silences([options.url, *options.peer], *connection(options), headers)
        return audit.read_history(listed, options.url), None
    except (client.AlertmanagerError, OncallPolicyError) as error:
        if not rules.history.required:
            return [], None
        return [], no_history(options.url, error, options.peer)
