"""Regression, found by an uninformed attack (fixed since).

An audit's verdicts depend on how many parts it is judged in, which ``default_parts``
picks from the CPUs and the load average at that moment (``/proc/loadavg``), and on which part
``hash()`` (randomised per process) puts a silence in. Each part gets an allowance of its own
(``labels.judgement(len(part))``), so the silences judged after a few hard ones in the serial
audit are cut ("may reach unknown alerts": strictest rules, 1 h) while in a part of their own they
are decided (P2, 4 h). The module promises "the outcome is the serial audit's"; issue 10 promises
verdicts that do not depend on the machine's speed or load. Expected: the same findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import audit, audit_parts, source
from oncall_policy.silence.evaluate import evaluate
from tests.conftest import CLIPPER

NOW = datetime.now(UTC).replace(microsecond=0)


def _item(ident: str, matchers: list[tuple[str, str, bool]], minutes: int = 180) -> dict:
    return {
        "id": ident,
        "status": {"state": "active"},
        "updatedAt": NOW.isoformat().replace("+00:00", "Z"),
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": True} for n, v, r in matchers],
        "startsAt": NOW.isoformat().replace("+00:00", "Z"),
        "endsAt": (NOW + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


def _listing() -> list[dict]:
    hard = [
        _item(
            f"hard-{i}",
            [("alertname", "HighErrorRate", False), ("service", f"[ab]*a[ab]{{{14 + i}}}", True)],
            minutes=30,
        )
        for i in range(3)
    ]
    # a silence that keeps the policy (P2, 3 h of a 4 h cap), in a part other than the hard ones
    pinned = [("team", "platform"), ("category", "performance"), ("severity", "warning")]
    base = hash(audit_parts._named(hard[0]))
    for count in range(1, 4):
        for start in range(3):
            chosen = frozenset(pinned[start : start + count])
            if hash(chosen) % 2 != base % 2:
                equal = [(n, v, False) for n, v in sorted(chosen)]
                target = _item("target", [("alertname", "HighErrorRate|HighResponseTime", True), *equal])
                return [*hard, target]
    raise AssertionError("no pinned label set hashes to the other part")


def _findings(parts: int) -> dict[str, tuple[str, ...]]:
    clear_caches()
    rules = source.load(CLIPPER).rules
    found = audit_parts.audit_rendered(_listing(), rules, lambda f: f, parts=parts)
    return {f.silence_id: tuple(v.rule for v in f.verdict.violations) for f in found}


def test_audit_findings_do_not_depend_on_parts():
    serial = _findings(1)
    forked = _findings(2)
    assert serial == forked, f"serial: {serial}\nin two parts: {forked}"


def test_what_add_accepts_the_audit_right_after_does_not_flag():
    """Issue 10 item 6. Three accepted hard-regex silences listed first spend the audit's shared
    allowance, and a compliant silence after them is flagged (with ``--expire``: expired), while
    ``evaluate`` (``add``) with exactly that history accepts it."""
    listing = _listing()
    clear_caches()
    rules = source.load(CLIPPER).rules
    earlier = [audit.read(item) for item in listing[:-1]]
    added = evaluate(audit.read(listing[-1]).request, rules, earlier)
    assert not added.violations, added.violations  # add accepts it
    clear_caches()
    rules = source.load(CLIPPER).rules
    flagged = {f.silence_id: [v.rule for v in f.verdict.violations] for f in audit.audit(listing, rules)}
    assert flagged["target"] == [], f"the audit right after flags what add accepted: {flagged}"
