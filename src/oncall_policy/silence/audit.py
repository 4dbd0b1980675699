"""Audit: every active or pending silence an Alertmanager lists, judged against the policy.

Approvals are read back from each comment (``comment``), the author is ``createdBy``. Silences
with the same matchers are chained (``history``) across every listed silence, expired included,
so a re-created or extended silence is judged by the whole stretch it continues.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oncall_policy.silence import api, history
from oncall_policy.silence import comment as comments
from oncall_policy.silence.evaluate import evaluate
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Verdict

LIVE = ("active", "pending")


@dataclass(frozen=True)
class Finding:
    silence_id: str
    state: str
    request: SilenceRequest
    verdict: Verdict


@dataclass(frozen=True)
class _Listed:
    silence_id: str
    state: str
    request: SilenceRequest


def audit(listed: Sequence[Mapping[str, Any]], rules: Rules) -> list[Finding]:
    """A finding for every live silence, violators and compliant alike, in listing order."""
    silences = [_read(item) for item in listed]
    spans = _chain_spans(silences)
    return [
        Finding(s.silence_id, s.state, s.request, evaluate(s.request, rules, spans.get(s.silence_id, ())))
        for s in silences
        if s.state in LIVE
    ]


def _read(item: Mapping[str, Any]) -> _Listed:
    text, approvers = comments.read(str(item.get("comment") or ""))
    status = item.get("status")
    state = status.get("state", "") if isinstance(status, Mapping) else ""
    request = api.from_api({**item, "comment": text}, approvers)
    return _Listed(str(item.get("id", "")), str(state), request)


def _chain_spans(silences: Sequence[_Listed]) -> dict[str, list[tuple[datetime, datetime]]]:
    """For each silence, the span of its chain of same-matcher silences (as one interval)."""
    groups: dict[history.Key, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for s in silences:
        start, end = s.request.starts_at, s.request.ends_at
        if start is not None and end is not None and not s.request.problems:
            groups[history.key(s.request.matchers)].append((start, end, s.silence_id))
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for items in groups.values():
        for first, last, members in history.chains(items):
            for member in members:
                spans[member] = [(first, last)]
    return spans
