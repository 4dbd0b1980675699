"""Whose alerts a silence may mute: the one team every alert it reaches belongs to, if there is one.

A role a policy's parts may give (``granted_in_parts``), held by a person of a team, is that
team's role: it counts for approving a silence only when everything the silence may mute is the
team's (``people.Person.roles_for``). A team's own file can list anyone with it, so it must not
decide who approves another team's silences.

A reached catalog alert is its team label's value (closed world: pinned, or carried with any
value, which is no one team's). Reached unknown alerts may have any labels but those the
silence's own matchers pin: they are one team's only when the matchers on the team label admit
one value alone. A question the language engine cannot decide within the allowance counts as
"not one team's", which only ever withholds a team role. The questions go through
``labels.witness``, not ``matchers.only_value`` (which a window's scope, the policy's own, uses):
these regexes are the writer's, so they draw on the judgement's allowance.
"""

from __future__ import annotations

from oncall_policy.silence import labels
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.reach import Reach
    from oncall_policy.silence.rules import Rules


def team(matchers: Sequence[Matcher], found: Reach, rules: Rules) -> str | None:
    """The team whose alerts are all the silence may mute (None: no one team's)."""
    label = rules.team_label
    teams: set[str] = set()
    for alert in found.alerts:
        if label in alert.carried:
            return None
        teams.add(alert.pinned.get(label, ""))
    if found.unknown is not None:
        only = _only_value([m for m in matchers if m.name == label])
        if only is None:
            return None
        teams.add(only)
    if len(teams) != 1:
        return None
    (one,) = teams
    return one or None


def _only_value(matchers: Sequence[Matcher]) -> str | None:
    """The one value a label may have under ``matchers``, if only one satisfies them all."""
    value = labels.witness(matchers)
    if not isinstance(value, str):
        return None  # none at all, or not decided
    other = labels.witness(matchers, excluded=labels.Excluded((value,)))
    return value if other is None else None
