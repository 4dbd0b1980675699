"""What the gate says about a pending request: the text amtool and the UI show its author, the
JSON the CLI reads, and the small HTML page a browser approves it on (a form, no script).

The page's form carries a token (``token``): an HMAC of the request id and the person, under a
secret every gate instance derives from the signing key. A form posted from another site cannot
know it; the CLI posts JSON instead, which a browser sends cross-site only after a CORS preflight
the gate never answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from html import escape

from oncall_policy.gate.pending import Request
from oncall_policy.people import Roster
from oncall_policy.silence import rfc3339 as times
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def token(secret: bytes, request_id: str, person_id: str) -> str:
    return hmac.new(secret, f"{request_id}\0{person_id}".encode(), hashlib.sha256).hexdigest()


def may_approve(request: Request, roster: Roster, team: str | None) -> list[str]:
    """The roster people whose role the request waits for counts on it, but its author
    (``team``: the team whose alerts are all the silence mutes, ``evaluate.team_of``)."""
    author = roster.find(request.author)
    found: list[str] = []
    for role in request.waiting_for:
        found += [p.email for p in roster.holders(role, team) if p.email not in found and p != author]
    return found


def expiry(request: Request) -> str:
    return times.format_time(datetime.fromtimestamp(int(request.expires), UTC))


def matchers_text(silence: dict[str, Any]) -> str:
    ops = {(False, True): "=", (False, False): "!=", (True, True): "=~", (True, False): "!~"}
    shown = []
    for m in silence.get("matchers", []):
        op = ops[bool(m.get("isRegex")), m.get("isEqual", True) is not False]
        # Quoted with every quote and backslash escaped, as amtool shows a matcher: a value must
        # never read as the end of itself and more matchers (an approver would see a narrower one).
        shown.append(f"{m.get('name')}{op}{json.dumps(str(m.get('value')), ensure_ascii=False)}")
    replaced = silence.get("id")
    return " ".join(shown) + (f" (replacing silence {json.dumps(str(replaced))})" if replaced else "")


def pending_text(request: Request, roster: Roster, team: str | None, gate_url: str, approve_url: str) -> str:
    """The refusal text of a silence held for approval: what it waits for and what to do."""
    people = may_approve(request, roster, team)
    who = ", ".join(people) if people else "no one else in the roster holds the roles"
    return (
        f"PENDING APPROVAL: silence {matchers_text(dict(request.silence))} needs approval by "
        f"{' and '.join(request.waiting_for)}; it is not created yet.\n"
        f"  request: {request.id}\n"
        f"  may approve: {who}\n"
        f"  to approve: oncall-policy silence approve {request.id} --gate {gate_url}\n"
        f"      or open {approve_url} in a browser\n"
        f"  the gate creates the silence once every role has approved; the request expires at "
        f"{expiry(request)}"
    )


def as_json(request: Request, roster: Roster, team: str | None, approve_url: str) -> dict[str, Any]:
    silence = dict(request.silence)
    return {
        "id": request.id,
        "createdBy": request.author,
        "matchers": matchers_text(silence),
        "startsAt": silence.get("startsAt"),
        "endsAt": silence.get("endsAt"),
        "comment": silence.get("comment"),
        "waitingFor": list(request.waiting_for),
        "approvedBy": [email for email, _ in request.approvals],
        "mayApprove": may_approve(request, roster, team),
        "expiresAt": expiry(request),
        "approveURL": approve_url,
    }


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n<h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def approve_page(request: Request, roster: Roster, team: str | None, form_token: str) -> str:
    data = as_json(request, roster, team, "")
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(data[key]))}</td></tr>\n"
        for label, key in (
            ("Matchers", "matchers"),
            ("Starts", "startsAt"),
            ("Ends", "endsAt"),
            ("Created by", "createdBy"),
            ("Comment", "comment"),
            ("Waiting for", "waitingFor"),
            ("Approved by", "approvedBy"),
            ("Request expires", "expiresAt"),
        )
    )
    form = (
        f'<form method="post" action="/-/approvals/{escape(request.id)}">'
        f'<input type="hidden" name="token" value="{escape(form_token)}">'
        '<button type="submit">Approve this silence</button></form>'
    )
    return page(f"Silence awaiting approval ({request.id})", f"<table>\n{rows}</table>\n{form}")
