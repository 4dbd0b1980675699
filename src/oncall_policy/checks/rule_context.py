"""What the rules share: the policy and facts derived from it once (the catalog's routing)."""

from __future__ import annotations

from oncall_policy.meaning import dispatch
from oncall_policy.meaning.dispatch import Destinations
from oncall_policy.model import Policy


class Context:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    @property
    def catalog_destinations(self) -> tuple[Destinations, ...]:
        """Where each catalog alert goes, in catalog order."""
        return dispatch.catalog_destinations(self.policy)
