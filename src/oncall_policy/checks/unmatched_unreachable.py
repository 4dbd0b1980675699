"""unmatched-unreachable: the fallback for alerts no route claims can be reached. A route that
claims every alert (``alertname=~".+"`` with ``continue: true``, say, to copy everything to a
firehose) leaves no alert unclaimed, and Alertmanager uses a route's own receiver only when no
route below it matched: an alert nobody thought of gets only what that route gives, never the
fallback the guide names. Reported at the first route that claims an alert known by nothing but
its name, whatever its severity. Give the routes after it a catch-all of their own, or, when it
is meant, list ``unmatched-unreachable`` in that route's ``acknowledged``."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.meaning.dispatch import shadowing_route
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("unmatched-unreachable", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    first = shadowing_route(policy)
    if first is None or RULE.id in first.acknowledged:
        return
    index = policy.routing.routes.index(first)
    yield Finding(
        ("routing", "routes", index),
        f"route {shown(first.name, quote=False)} claims every alert, so routing.unmatched is never "
        "used: an alert the catalog does not know gets only what the routes that match it give. "
        "Add a catch-all route after it for such alerts, or acknowledge it "
        f"(acknowledged: [{RULE.id}])",
        RULE.id,
    )
