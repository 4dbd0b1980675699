"""Verdicts and audits as text for people at 3 AM, or JSON for programs. Returns strings."""

from __future__ import annotations

from oncall_policy.durations import format_duration
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.verdict import Verdict


def verdict_text(verdict: Verdict, matchers: Sequence[Matcher]) -> str:
    what = " ".join(str(m) for m in matchers) or "(no matchers)"
    lines = [_headline(verdict, what)]
    for v in verdict.violations:
        lines += [f"  x {v.rule}: {v.message}", f"      fix: {v.hint}"]
    lines += [f"  note: {note}" for note in verdict.notes]
    lines.append(_reach(verdict))
    if verdict.approvals:
        lines.append(
            "  approved by: " + ", ".join(f"{a.email} ({'+'.join(a.roles)})" for a in verdict.approvals)
        )
    return "\n".join(lines) + "\n"


def _headline(verdict: Verdict, what: str) -> str:
    if not verdict.accepted:
        count = len(verdict.violations)
        return f"REJECTED: silence {what} breaks {count} rule{'s' if count > 1 else ''}:"
    length = format_duration(verdict.duration) if verdict.duration else "?"
    return f"ACCEPTED: silence {what} for {length}"


def _reach(verdict: Verdict) -> str:
    alerts = ", ".join(verdict.alerts) or "no catalog alert"
    unknown = (
        ""
        if verdict.unknown is None
        else f"; and alerts outside the catalog, such as {_labels(verdict.unknown)}"
    )
    cap = format_duration(verdict.cap) if verdict.cap else "?"
    roles = " + ".join(verdict.roles) or "none"
    kind = f" (maintenance window {verdict.window})" if verdict.window else ""
    return (
        f"  reaches: {alerts}{unknown}\n"
        f"  rules{kind}: {', '.join(verdict.rules) or 'none'}; cap {cap}; approvals: {roles}"
    )


def _labels(labels: dict[str, str]) -> str:
    shown = ",".join(f'{name}="{value}"' for name, value in sorted(labels.items()))
    return "{" + shown + "}"


def verdict_json(verdict: Verdict, **extra: Any) -> str:
    import json  # noqa: PLC0415 - only for --format json: json (with re) costs ~9 ms of a start-up

    return json.dumps({**verdict.as_json(), **extra}, indent=2) + "\n"
