"""The judgement of a silence written through the gate: pure, from the body's bytes to a verdict.

The body is read as Alertmanager reads it (``gojson``, ``api.from_api``: a key Go would fold onto
a field, a field given twice, a lone surrogate are refused) and judged by ``evaluate`` with the
silences the Alertmanagers list as history (``audit.read_history``), as ``silence add`` judges
one. On top of that, the gate holds what only it knows:

- ``createdBy`` must be the person the request authenticates as (compared as people: id, email,
  ``Name <email>``); the body is forwarded as received, so it is never rewritten
  (``author-not-you``);
- no claim in the request approves anything: the judgement's approvers are only those who
  approved through the gate (``approvals``), an approval record in the comment
  (``[approved-by: …]``, which the audit would read back as given) is refused
  (``approval-claim``), and ``missing-approval``'s hint says how approvals are given here.

A write with ``id`` replaces that silence: Alertmanager updates it in place, or expires it and
creates another. Either way the old one covers no more than its time up to now, so it counts as
history only so far (``replacing``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from oncall_policy.people import Person, Roster, display_name
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import api, gojson
from oncall_policy.silence import comment as comments
from oncall_policy.silence import rfc3339 as times
from oncall_policy.silence.approvals import ASK, MISSING_APPROVAL, THEN_ADD
from oncall_policy.silence.audit import listed_state, read_history
from oncall_policy.silence.evaluate import Assessment, Silence, evaluate
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Verdict, Violation

AUTHOR_NOT_YOU = Rule(
    "author-not-you",
    SILENCE,
    "a silence written through the gate is created by the person the request authenticates as. "
    "The gate forwards the body as received, so a ``createdBy`` naming anyone else is refused, "
    "never rewritten.",
)
APPROVAL_CLAIM = Rule(
    "approval-claim",
    SILENCE,
    "a silence written through the gate records no approval in its comment. An "
    "``[approved-by: …]`` record that no one gave through the gate would be read back by the "
    "audit as given.",
)

APPROVALS_LATER = (
    "approvals through the gate are not available yet, and a claim in the request approves "
    "nothing, so a silence that needs approval cannot be created through the gate for now"
)


class UnreadableError(ValueError):
    """A body that is not a silence as JSON: answered 400 with ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode(body: bytes) -> Mapping[str, Any]:
    """The JSON object of ``body`` as Go reads it, every key kept; ``UnreadableError`` otherwise."""
    try:
        data = gojson.loads(body)
    except gojson.GoJSONError as error:
        where = f" (line {error.line}, column {error.column})" if error.line > 1 or error.column > 1 else ""
        raise UnreadableError(f"the gate cannot read this silence as JSON: {error.message}{where}") from None
    if not isinstance(data, dict):
        raise UnreadableError("a silence is a JSON object: Alertmanager's API v2 postable silence")
    return data


def replaced_id(data: Mapping[str, Any]) -> str | None:
    """The id of the silence this write replaces (None: it creates a new one)."""
    found = api.known_fields(data, ("id",), (), []).get("id")
    return found if isinstance(found, str) and found else None


def replacing(listed: Sequence[Mapping[str, Any]], silence_id: str | None, now: datetime) -> list[Any]:
    """``listed`` as history for a write replacing ``silence_id``: that silence, if active, ends
    now; if pending, it never covers anything; if expired, it stays as it was."""
    if silence_id is None:
        return list(listed)
    kept: list[Any] = []
    for item in listed:
        status = item.get("status")
        state = listed_state(status) if isinstance(status, Mapping) else None
        if item.get("id") != silence_id or state == "expired":
            kept.append(item)
        elif state == "active":
            kept.append({**item, "endsAt": times.format_time(now)})
    return kept


def history(
    listed: Sequence[Mapping[str, Any]], silence_id: str | None, now: datetime, url: str
) -> list[Silence]:
    """The silences a write is judged with; ``BadResponseError`` when one cannot be placed in time."""
    return read_history(replacing(listed, silence_id, now), url)


def created_at(data: Mapping[str, Any], request: SilenceRequest, now: datetime) -> SilenceRequest:
    """The silence Alertmanager creates from the write ``data`` (``request``, read) at ``now``,
    or later: a new one whose start has passed starts then (``SilenceRequest.created_at``). An
    update (with an ``id``) may keep its start as written, when Alertmanager updates it in place
    (``silence.go`` ``canUpdate``), so it is judged as written: never shorter than it mutes."""
    return request if replaced_id(data) is not None else request.created_at(now)


def judge(  # noqa: PLR0913, PLR0917 - a judgement and what only the gate knows of it
    data: Mapping[str, Any],
    person: Person,
    rules: Rules,
    earlier: Sequence[Silence],
    notes: Sequence[str] = (),
    approvers: tuple[str, ...] = (),
    approval_hint: str = APPROVALS_LATER,
    *,
    request: SilenceRequest | None = None,
    assessed: dict[int, Assessment | None] | None = None,
) -> tuple[SilenceRequest, Verdict]:
    """The request ``data`` describes (``request``, when read already) and the verdict on it,
    written by ``person``; ``approvers`` are the people who approved it through the gate
    (``approvals``), never a claim in ``data``; ``assessed``: as ``evaluate`` takes it."""
    request = api.from_api(data, approvers) if request is None else request
    verdict = evaluate(request, rules, earlier, assessed)
    violations = [_through_gate(v, approval_hint) for v in verdict.violations]
    violations += gate_violations(request, person, rules.roster)
    return request, verdict.replace(violations=tuple(violations), notes=(*verdict.notes, *notes))


def gate_violations(request: SilenceRequest, person: Person, roster: Roster) -> list[Violation]:
    found: list[Violation] = []
    named = roster.find(request.author) if request.author.strip() else None
    if not any(v.where == ("createdBy",) for v in request.problems) and (
        named is None or named.id != person.id
    ):
        found.append(
            Violation(
                AUTHOR_NOT_YOU.id,
                f"createdBy {request.author!r} is not who this request authenticates as ({person.email})",
                f"create silences as yourself: amtool --author={person.email} (the Creator field in the UI)",
                ("createdBy",),
            )
        )
    shown = display_name(request.author)
    others = roster.shown_as(shown) if shown and named is not None and named.id == person.id else []
    if others and all(other.id != person.id for other in others):  # two may share a name
        found.append(
            Violation(
                AUTHOR_NOT_YOU.id,
                f"createdBy {request.author!r} shows {others[0].name}'s name on a silence {person.email} "
                "writes: the web UI and amtool would show it as theirs",
                f"create silences as yourself: amtool --author={person.email} (the Creator field in the UI)",
                ("createdBy",),
            )
        )
    if comments.has_approvals(request.comment):
        found.append(
            Violation(
                APPROVAL_CLAIM.id,
                "the comment records approvals ([approved-by: …]) that no one gave through the gate; "
                "the audit would read them back as given",
                f"remove the [approved-by: …] record from the comment; {APPROVALS_LATER}",
                ("comment",),
            )
        )
    return found


def _through_gate(violation: Violation, hint: str) -> Violation:
    """A violation as the gate states it: no ``--approved-by`` advice, which counts for nothing
    here; when no one may approve it (a team's role, on other teams' alerts too), what to do."""
    if violation.rule != MISSING_APPROVAL.id:
        return violation
    if not violation.hint.startswith(ASK):
        return violation.replace(hint=violation.hint.removesuffix(THEN_ADD))
    return violation.replace(hint=hint)


def awaits_approval(verdict: Verdict) -> bool:
    """Whether an approval is all the silence lacks."""
    return bool(verdict.violations) and all(v.rule == MISSING_APPROVAL.id for v in verdict.violations)
