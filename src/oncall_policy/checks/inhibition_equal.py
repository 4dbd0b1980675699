"""inhibition-equal-absent: the alerts an inhibition selects have each of its ``equal`` labels.
Every catalog alert its source or target selects pins the label in ``labels`` or names it in
``carries``. Alertmanager reads a
missing label as the empty string, so two alerts that both lack it are "equal": with
``equal: [alertname, service]``, a LowDiskSpace (which has no ``service``) on one host mutes the
LowDiskSpace of every other host. Narrow the source or target (``service!=""``), or, when it is
meant, list ``inhibition-equal-absent`` in the inhibition's ``acknowledged``."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.meaning.dispatch import alert_labels, router_of
from oncall_policy.model import Alert, Policy
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("inhibition-equal-absent", CHECK, __doc__)
SHOWN = 3  # alerts named in a finding; the rest are counted


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    inhibitions = [(i, h) for i, h in enumerate(policy.routing.inhibitions) if RULE.id not in h.acknowledged]
    if not inhibitions:
        return
    router = router_of(policy)
    labelled = [(alert, _labels(policy, alert)) for alert in policy.alerts]
    for index, inhibition in inhibitions:
        selected = [
            (alert, labels)
            for alert, labels in labelled
            if router.selects(inhibition.source, labels) or router.selects(inhibition.target, labels)
        ]
        for position, label in enumerate(inhibition.equal):
            lacking = [alert.name for alert, labels in selected if label not in labels]
            if lacking:
                yield Finding(
                    ("routing", "inhibitions", index, "equal", position),
                    _message(label, lacking),
                    RULE.id,
                )


def _labels(policy: Policy, alert: Alert) -> dict[str, str]:
    """The alert's labels, with a stand-in value for each it carries (any value, but one)."""
    carried = {name: (values[0] if values else f"<{name}>") for name, values in alert.carried.items()}
    return {**carried, **alert_labels(policy, alert)}


def _message(label: str, lacking: list[str]) -> str:
    named = ", ".join(shown(name, quote=False) for name in lacking[:SHOWN])
    more = f" and {len(lacking) - SHOWN} more" if len(lacking) > SHOWN else ""
    verbs = "pins nor carries" if len(lacking) == 1 else "pin nor carry"
    return (
        f"{named}{more} neither {verbs} {label!r}, and Alertmanager reads a missing label as "
        f"equal: one such alert mutes the others whatever their {label}. Narrow the source or "
        f"target to alerts that have it ('{label}!=\"\"'), or acknowledge it "
        f"(acknowledged: [{RULE.id}])"
    )
