"""Audit: every active or pending silence an Alertmanager lists, judged against the policy.

Approvals are read back from each comment (``comment``), the author is ``createdBy``. Every
listed silence, expired ones included, is history for every other (``evaluate.judge``), so a
re-created or extended silence is judged by the whole stretch it continues, on each alert —
except a silence that breaks the policy by itself: it is flagged, and the silences it happens to
overlap are not blamed for the time it covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from oncall_policy.silence import api
from oncall_policy.silence import comment as comments
from oncall_policy.silence.evaluate import Silence, assess, standalone, with_history
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Verdict

LIVE = ("active", "pending")


class Finding(NamedTuple):
    silence_id: str
    state: str
    request: SilenceRequest
    verdict: Verdict


def audit(listed: Sequence[Mapping[str, Any]], rules: Rules) -> list[Finding]:
    """A finding for every live silence, violators and compliant alike, in listing order."""
    silences = [read(item) for item in listed]
    live = [s for s in silences if s.state in LIVE]
    verdicts = judge_listed(silences, rules)
    return [Finding(s.silence_id, s.state, s.request, v) for s, v in zip(live, verdicts, strict=True)]


def judge_listed(silences: Sequence[Silence], rules: Rules) -> list[Verdict]:
    """A verdict for each live silence among ``silences`` (all the Alertmanager lists), with the
    ones that keep the policy by themselves as history."""
    assessed = {id(s.request): assess(s.request, rules) for s in silences}
    alone = [standalone(s.request, rules, assessed[id(s.request)]) for s in silences]
    compliant = [s for s, verdict in zip(silences, alone, strict=True) if verdict.accepted]
    live = [(s, verdict) for s, verdict in zip(silences, alone, strict=True) if s.state in LIVE]
    return with_history([s for s, _ in live], [verdict for _, verdict in live], compliant, rules, assessed)


def read(item: Mapping[str, Any]) -> Silence:
    """A listed (gettable) silence, with the approvals its comment records."""
    text = item.get("comment")
    text = text if type(text) is str else str(text or "")
    approvers: tuple[str, ...] = ()
    if comments.has_approvals(text):
        text, approvers = comments.read(text)
        item = {**item, "comment": text}
    status = item.get("status")
    state = status.get("state", "") if isinstance(status, Mapping) else ""
    return Silence(str(item.get("id", "")), str(state), api.from_api(item, approvers))
