"""Receiver names: one receiver per destination, so that "never the same receiver twice" means
"never the same PagerDuty service or Slack channel twice".

``pagerduty-<service id>`` and ``slack-<channel id>``; the prefixes keep a service and a channel
with the same id apart. An alert whose route names no destination at all goes to ``nowhere``, a
receiver without integrations (Alertmanager needs a receiver for every route).
"""

from __future__ import annotations

from collections.abc import Iterable

from oncall_policy.meaning.dispatch import Destinations
from oncall_policy.model import Fallback, Route

NOWHERE = "nowhere"
PAGERDUTY_PREFIX = "pagerduty-"
SLACK_PREFIX = "slack-"


def pagerduty(service_id: str) -> str:
    return PAGERDUTY_PREFIX + service_id


def slack(channel_id: str) -> str:
    return SLACK_PREFIX + channel_id


def of(target: Route | Fallback) -> tuple[str, ...]:
    """The receivers of one route (or of ``unmatched``): its page first, then its channels."""
    paged = (pagerduty(target.page),) if target.page else ()
    return unique((*paged, *(slack(c) for c in target.notify)))


def unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def expected(destinations: Destinations, unmatched: Fallback) -> tuple[str, ...]:
    """The receivers the policy's routing gives an alert, in the order the routes list them."""
    if destinations.routes:
        names = unique(name for route in destinations.routes for name in of(route))
    else:
        names = of(unmatched)
    return names or (NOWHERE,)
