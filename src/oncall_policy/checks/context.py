"""What the rules share: the policy and facts derived from it once (the catalog's routing)."""

from __future__ import annotations

from functools import cached_property

from oncall_policy.dispatch import Destinations, Router, alert_labels
from oncall_policy.model import Policy


class Context:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    @cached_property
    def router(self) -> Router:
        return Router(self.policy)

    @cached_property
    def catalog_destinations(self) -> list[Destinations]:
        """Where each catalog alert goes, in catalog order."""
        return [self.router.route(alert_labels(self.policy, alert)) for alert in self.policy.alerts]
