"""``oncall-policy silence approve ID --gate URL`` and ``silence pending --gate URL``.

``approve`` gives the authenticated person's approval of a silence the gate holds; the gate
creates it once every required role has approved. ``pending`` lists what the gate holds. Both
authenticate with basic auth (``--user``, ``--password-file``, or the password asked on the
terminal); a gate in header mode is reached through its authenticating proxy (see
``silence.gate_client``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from oncall_policy.cli.options import silence_parser
from oncall_policy.errors import OncallPolicyError
from oncall_policy.printable import printable
from oncall_policy.regular_files import read_regular
from oncall_policy.silence import gate_client


def _parser(action: str, description: str) -> argparse.ArgumentParser:
    parser = silence_parser(action, description)
    if action == "approve":
        parser.add_argument("id", metavar="ID", help="the pending request's id, as the gate gave it")
    parser.add_argument("--gate", required=True, metavar="URL", help="the gate, e.g. http://127.0.0.1:9095")
    parser.add_argument("--user", metavar="NAME", help="basic auth: your roster email")
    parser.add_argument(
        "--password-file", metavar="FILE", help="basic auth: a file whose first line is your password"
    )
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="(default: 30)")
    if action == "pending":
        parser.add_argument("--format", choices=("text", "json"), default="text", help="(default: text)")
    return parser


def run(action: str, description: str, arguments: Sequence[str]) -> int:
    options = _parser(action, description).parse_args(arguments)
    password = _password(options)
    asked = {"user": options.user, "password": password, "timeout": options.timeout}
    if action == "approve":
        answer = gate_client.ask(options.gate, "POST", f"/-/approvals/{options.id}", **asked)
        print(printable(_approved(answer)))
        return 0
    listed = gate_client.ask(options.gate, "GET", "/-/approvals", **asked)
    if options.format == "json":
        print(json.dumps(listed, indent=2))
    else:
        print(printable(_listing(listed)), end="")
    return 0


def _password(options: argparse.Namespace) -> str:
    if options.user is None:
        return ""
    if options.password_file:
        try:
            text = read_regular(options.password_file, 64 * 1024).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise OncallPolicyError(f"{options.password_file}: cannot read the password: {error}") from None
        return text.splitlines()[0] if text else ""
    import getpass  # noqa: PLC0415

    if not sys.stdin.isatty():
        raise OncallPolicyError("--user needs --password-file when not run at a terminal")
    return getpass.getpass(f"password for {options.user} at the gate: ")


def _approved(answer: object) -> str:
    data = answer if isinstance(answer, dict) else {}
    status = data.get("status")
    if status == "created":
        return f"approved; the gate created silence {data.get('silenceID')}"
    if status == "pending":
        return f"approved; request {data.get('id')} still waits for {', '.join(data.get('waitingFor', []))}"
    return f"approved; request {data.get('id')} is {status}"


def _listing(listed: object) -> str:
    rows = listed if isinstance(listed, list) else []
    lines = [
        f"{r.get('id')}  {r.get('matchers')}  by {r.get('createdBy')}  waits for "
        f"{', '.join(r.get('waitingFor', []))}  (may approve: {', '.join(r.get('mayApprove', [])) or '-'}; "
        f"expires {r.get('expiresAt')})\n"
        for r in rows
        if isinstance(r, dict)
    ]
    return "".join(lines) + f"{len(lines)} pending approval request(s)\n"
