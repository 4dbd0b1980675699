"""The routing matrix: every catalog alert, where the policy says it goes (``dispatch.Router``)
and where the generated Alertmanager configuration sends it (``simulate.Simulator``).

A case is ``ok`` when the configuration gives exactly the expected receivers, in order (which
also means none twice), and those receivers' integrations are exactly the expected PagerDuty
services (by routing key file) and Slack channels. Routing depends only on the labels the routes
test, so each distinct projection of an alert's labels on them is routed once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from oncall_policy.compile.am import names
from oncall_policy.meaning.dispatch import Destinations, Router, alert_labels
from oncall_policy.model import Policy
from oncall_policy.provenance import Source
from oncall_policy.verify.agreement import Paging
from oncall_policy.verify.simulate import Simulator

Integration = tuple[str, str]  # ("pagerduty", routing key file) or ("slack", channel)
# receivers, expected receivers, PagerDuty service names, Slack channels, ok
Outcome = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


@dataclass(frozen=True)
class Case:
    """One row of the matrix; more columns may be added (keep ``to_json`` generic)."""

    alert: str
    labels: dict[str, str]
    receivers: tuple[str, ...]
    expected_receivers: tuple[str, ...]
    pagerduty_services: tuple[str, ...]
    slack_channels: tuple[str, ...]
    ok: bool
    amtool: bool | None = None
    # Minutes until PagerDuty first escalates, per paging service (None: never), and what the
    # alert's severity promises.
    first_escalation_minutes: tuple[int | None, ...] = ()
    expected_escalation_minutes: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def with_amtool(self, agrees: bool) -> Case:
        return replace(self, amtool=agrees, ok=self.ok and agrees)

    def with_paging(self, facts: Sequence[Paging]) -> Case:
        """The case with the PagerDuty escalation of each service it pages."""
        minutes = tuple(f.first_escalation_minutes for f in facts)
        expected = facts[0].expected_minutes if facts else None
        agrees = all(m == expected for m in minutes)
        return replace(
            self,
            first_escalation_minutes=minutes,
            expected_escalation_minutes=expected,
            ok=self.ok and agrees,
        )


def integrations(config: Mapping[str, Any]) -> dict[str, frozenset[Integration]]:
    """Receiver name → what it delivers to, read from the configuration's receivers."""
    found: dict[str, frozenset[Integration]] = {}
    for receiver in config.get("receivers") or []:
        pages = {
            ("pagerduty", str(c.get("routing_key_file"))) for c in receiver.get("pagerduty_configs") or []
        }
        posts = {("slack", str(c.get("channel"))) for c in receiver.get("slack_configs") or []}
        found[str(receiver["name"])] = frozenset(pages | posts)
    return found


class Matrix:
    """The policy's expectations and the configuration's routing, prepared once."""

    def __init__(self, policy: Policy, config: Mapping[str, Any]) -> None:
        self.policy = policy
        self.router = Router(policy)
        self.simulator = Simulator(config)
        self.integrations = integrations(config)
        self.services = {s.id: s for s in policy.paging_services}
        self.channels = {c.id: c for c in policy.chat_channels}
        tested = {m.name for route in policy.routing.routes for m in route.matchers}
        tested |= {policy.organisation.severity_label, *self.simulator.label_names}
        self.tested = sorted(tested)
        self._memo: dict[tuple[str, ...], Outcome] = {}

    def cases(self) -> list[Case]:
        return [self.case(alert.name, alert_labels(self.policy, alert)) for alert in self.policy.alerts]

    def case(self, alert: str, labels: dict[str, str]) -> Case:
        key = tuple(labels.get(name, "") for name in self.tested)
        if key not in self._memo:
            self._memo[key] = self._outcome(labels)
        receivers, expected, services, channels, ok = self._memo[key]
        return Case(alert, dict(sorted(labels.items())), receivers, expected, services, channels, ok)

    def _outcome(self, labels: Mapping[str, str]) -> Outcome:
        destinations = self.router.route(labels)
        receivers = self.simulator.receivers(labels)
        expected = names.expected(destinations, self.policy.routing.unmatched)
        return (
            receivers,
            expected,
            tuple(self.services[p].name for p in destinations.pages),
            tuple(self.channels[c].channel for c in destinations.channels),
            receivers == expected and self._delivered(receivers) == self._promised(destinations),
        )

    def _delivered(self, receivers: tuple[str, ...]) -> frozenset[Integration] | None:
        if any(r not in self.integrations for r in receivers):
            return None
        return frozenset().union(*(self.integrations[r] for r in receivers))

    def _promised(self, destinations: Destinations) -> frozenset[Integration]:
        pages = {("pagerduty", self._key_file(p)) for p in destinations.pages}
        return frozenset(pages | {("slack", self.channels[c].channel) for c in destinations.channels})

    def _key_file(self, service_id: str) -> str:
        return posixpath.join(self.policy.secrets.directory, self.services[service_id].integration_key_file)


def generated(policy: Policy, source: Source) -> tuple[dict[str, str], Any]:
    """The Alertmanager target's files and its configuration read back from the YAML text
    (so that what is routed is what is written)."""
    from oncall_policy.compile import alertmanager  # noqa: PLC0415 - keep the matrix light
    from oncall_policy.load import yamldata  # noqa: PLC0415

    files = alertmanager.build(policy, source)
    return files, yamldata.parse(files[alertmanager.FILE], alertmanager.FILE)
