"""The configuration the Secret holds: the Alertmanager target's, with two changes the operator
needs.

- ``templates`` names the template by the absolute path the operator mounts it at (``mounts``).
- With ``AlertmanagerConfig``s, each route delegated to a team's namespace is replaced by a route
  that matches the same alerts from that namespace and delivers nowhere. The operator puts the
  namespaces' routes first, with ``continue: true`` forced, so every alert also goes on through
  this configuration: the replacement stops it where the policy's route would have, instead of
  letting it fall through to later routes or the fallback.
"""

from __future__ import annotations

from oncall_policy.compile import alertmanager
from oncall_policy.compile.am import templates
from oncall_policy.compile.operator import mounts
from oncall_policy.matchers import Matcher, Op
from oncall_policy.meaning.ownership import team_of
from oncall_policy.model import Policy, Route

NAMESPACE_LABEL = "namespace"  # the label the operator's namespace matcher tests


def config(policy: Policy) -> dict[str, object]:
    data = alertmanager.config(delegated(policy))
    data["templates"] = [mounts.template_path(templates.FILE)]
    return data


def namespaces(policy: Policy) -> dict[str, str]:
    """Team id → the namespace its ``AlertmanagerConfig`` lives in."""
    operator = policy.targets.prometheus_operator
    return {c.team: c.namespace for c in operator.alertmanager_configs} if operator else {}


def delegated(policy: Policy) -> Policy:
    """The policy with each route delegated to a namespace stopping there instead."""
    by_team = namespaces(policy)
    if not by_team:
        return policy
    routes = tuple(
        _stopper(route, by_team.get(team_of(policy, route) or "")) for route in policy.routing.routes
    )
    return policy.model_copy(update={"routing": policy.routing.model_copy(update={"routes": routes})})


def _stopper(route: Route, namespace: str | None) -> Route:
    if namespace is None:
        return route
    matcher = Matcher(NAMESPACE_LABEL, Op.EQUAL, namespace)
    return route.model_copy(
        update={
            "description": f"delivered by the AlertmanagerConfig in namespace {namespace}",
            "matchers": (*route.matchers, matcher),
            "page": None,
            "notify": (),
            "continue_": False,
        }
    )
