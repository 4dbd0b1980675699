"""Audit: every active or pending silence an Alertmanager lists, judged against the policy.

Approvals are read back from each comment (``comment``), the author is ``createdBy``. Every
listed silence, expired ones included, is history for every other (``evaluate.judge``), so a
re-created or extended silence is judged by the whole stretch it continues, on each alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from oncall_policy.silence import api
from oncall_policy.silence import comment as comments
from oncall_policy.silence.evaluate import Silence, judge
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
    verdicts = judge(live, silences, rules)
    return [Finding(s.silence_id, s.state, s.request, v) for s, v in zip(live, verdicts, strict=True)]


def read(item: Mapping[str, Any]) -> Silence:
    """A listed (gettable) silence, with the approvals its comment records."""
    text, approvers = comments.read(str(item.get("comment") or ""))
    status = item.get("status")
    state = status.get("state", "") if isinstance(status, Mapping) else ""
    request = api.from_api({**item, "comment": text}, approvers)
    return Silence(str(item.get("id", "")), str(state), request)
