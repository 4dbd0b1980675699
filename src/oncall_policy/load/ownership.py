"""part-ownership: a policy part defines and uses only what its team owns.

Its people, rotations, escalation policies, paging services and channels belong to its team
(``team`` may be left out: it is the part's), its alerts carry the team label with its team's
name and its routes match that label, so that one team's file can neither break nor redirect
another team's alerting. It may use what the root defines (organisation-wide people, services,
channels) but nothing another part defines: such a reference is an error naming both files. Its
people hold only roles the root lets parts give (``granted_in_parts``): an approval of another
team's silence may rest on a role, and who holds the organisation's roles is the root's to say.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from oncall_policy.leaks.redact import shown
from oncall_policy.matchers import MatcherError, Op, parse_matcher
from oncall_policy.rulebook import LOADER, Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from oncall_policy.load.positional import Document
    from oncall_policy.problems import Location

RULE = Rule("part-ownership", LOADER, __doc__)

# The sections whose items belong to a team by their ``team`` field, and what each item is called.
TEAM_OWNED = {
    "people": "person",
    "rotations": "rotation",
    "escalation_policies": "escalation policy",
    "paging_services": "paging service",
    "chat_channels": "chat channel",
    "alerts": "alert",
}
_KEYS = {section: "name" if section == "alerts" else "id" for section in TEAM_OWNED}


def root_teams(data: Any) -> set[str]:
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, list):
        return set()
    return {t["id"] for t in teams if isinstance(t, dict) and isinstance(t.get("id"), str)}


def claimed(items: list[Any], section: str, team: str) -> list[Any]:
    """A part's items as merged: a team-owned item without ``team`` is the part's team's."""
    if section not in TEAM_OWNED:
        return items
    return [
        {**item, "team": team} if isinstance(item, dict) and "team" not in item else item for item in items
    ]


class Owners:
    """Which file defines each id, by kind: the root, or the part that owns it."""

    def __init__(self, root: Document, owned: dict[str, Document]) -> None:
        self.root = root
        self.by_id: dict[tuple[str, str], Document] = {}
        # (the part, where, the file that defined the id first): one id, two files.
        self.twice: list[tuple[Document, Location, Document]] = []
        for document in (root, *owned.values()):
            for section in TEAM_OWNED:
                for i, item in _items(document.data, section):
                    key = _KEYS[section]
                    first = self.by_id.setdefault((section, str(item.get(key))), document)
                    if first is not document:
                        self.twice.append((document, (section, i, key), first))

    def foreign(self, section: str, name: object, part: Document) -> Document | None:
        """The other part that defines ``name``, when it is neither ``part`` nor the root."""
        found = self.by_id.get((section, str(name))) if isinstance(name, str) else None
        return None if found is None or found is part or found is self.root else found


def check(root: Document, owned: dict[str, Document]) -> None:
    """Record, in each part, where it reaches outside its team."""
    owners = Owners(root, owned)
    for part, location, first in owners.twice:
        section, index, key = location
        name = shown(part.data[section][index][key])
        message = f"{name} is already defined in {first.path}; ids are unique across files"
        part.problem(location, message, RULE.id)
    for part, location, message in _shared(root, owned):
        part.problem(location, message, RULE.id)
    label = _team_label(root.data)
    grantable = _grantable_roles(root.data)
    for team, part in owned.items():
        for location, message in _reaches(part, team, label, owned, owners):
            part.problem(location, message, RULE.id)
        for location, message in _roles_given(part, grantable, root.path):
            part.problem(location, message, RULE.id)


# What no two files may share, beyond ids: (section, field, what it is, how values compare).
# A secret file is where a destination's key is read, and where `pagerduty/manifest.json` tells
# the operator to store a new one: a part naming billing's key file pages billing's service, then
# takes it over (red team). PagerDuty refuses a second service or escalation policy of one name;
# route names and addresses are unique in the merged policy, said here in the files' terms.
_SHARED: tuple[tuple[str, str, str, Callable[[str], str]], ...] = (
    ("paging_services", "integration_key_file", "secret file", posixpath.normpath),
    ("chat_channels", "webhook_url_file", "secret file", posixpath.normpath),
    ("paging_services", "name", "PagerDuty service name", str.casefold),
    ("escalation_policies", "name", "PagerDuty escalation policy name", str.casefold),
    ("routes", "name", "route name", str),
    ("people", "email", "address", lambda text: text.casefold().rstrip(".")),
)


def _shared(root: Document, owned: dict[str, Document]) -> Iterator[tuple[Document, Location, str]]:
    """Each place a part names what another file names too (a secret file, a name, an address)."""
    documents = (root, *owned.values())
    for section, field, what, same in _SHARED:
        users: dict[str, list[Document]] = {}
        places: list[tuple[Document, Location, str, str]] = []
        for document in documents:
            for i, item in _items(document.data, section):
                value = item.get(field)
                if isinstance(value, str) and value:
                    key = same(value)
                    if document not in users.setdefault(key, []):
                        users[key].append(document)
                    places.append((document, (section, i, field), key, value))
        for document, location, key, value in places:
            others = [other for other in users[key] if other is not document]
            if document is root or not others:
                continue
            message = f"{shown(value)} is also the {what} of {others[0].path}; a part's {what}s are its own"
            yield document, location, message


def _grantable_roles(data: Any) -> set[str]:
    """The roles the root lets a part give its people."""
    return {
        role["id"]
        for _, role in _items(data, "roles")
        if role.get("granted_in_parts") is True and isinstance(role.get("id"), str)
    }


def _roles_given(part: Document, grantable: set[str], root: str) -> Iterator[tuple[Location, str]]:
    for i, person in _items(part.data, "people"):
        for j, role in enumerate(_list(person.get("roles"))):
            if isinstance(role, str) and role not in grantable:
                yield (
                    ("people", i, "roles", j),
                    (
                        f"role {shown(role)} is given in the root policy ({root}) only: a team's part "
                        "gives its people the roles the root marks granted_in_parts: true"
                    ),
                )


def _team_label(data: Any) -> str:
    organisation = data.get("organisation") if isinstance(data, dict) else None
    label = organisation.get("team_label") if isinstance(organisation, dict) else None
    return label if isinstance(label, str) else "team"


def _items(data: Any, section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get(section) if isinstance(data, dict) else None
    for i, item in enumerate(value if isinstance(value, list) else ()):
        if isinstance(item, dict):
            yield i, item


def _reaches(
    part: Document, team: str, label: str, owned: dict[str, Document], owners: Owners
) -> Iterator[tuple[Location, str]]:
    for section, kind in TEAM_OWNED.items():
        for i, item in enumerate(part.data.get(section) or []):
            if isinstance(item, dict):
                yield from _owned_item((section, i), item, kind, team, owned)
                yield from _uses((section, i), section, item, part, owners)
    for i, route in enumerate(part.data.get("routes") or []):
        if isinstance(route, dict):
            yield from _route(("routes", i), route, team, label)
            yield from _uses(("routes", i), "routes", route, part, owners)
    for i, alert in enumerate(part.data.get("alerts") or []):
        if not isinstance(alert, dict):
            continue
        labels = alert.get("labels", {})  # none at all is no team's: refused as the wrong one
        if isinstance(labels, dict) and labels.get(label) != team:
            yield (
                ("alerts", i, "labels"),
                (
                    f"an alert of team {shown(team, quote=False)}'s part carries {label}={shown(team)}; "
                    f"add it to labels (it has {label}={shown(labels.get(label, ''))})"
                ),
            )


def _owned_item(
    here: Location, item: dict[str, Any], kind: str, team: str, owned: dict[str, Document]
) -> Iterator[tuple[Location, str]]:
    other = item.get("team", team)
    if not isinstance(other, str):  # null, a number: nobody's, which would read as the root's
        yield (
            (*here, "team"),
            f"this {kind} names no team: its team is {shown(team)}, the part's (write it, or leave team out)",
        )
    elif other != team:
        where = owned[other].path if other in owned else "the root policy"
        yield (
            (*here, "team"),
            (
                f"this {kind} belongs to team {shown(other)} ({where}); "
                f"team {shown(team, quote=False)}'s part defines only its own team's"
            ),
        )


def _uses(
    here: Location, section: str, item: dict[str, Any], part: Document, owners: Owners
) -> Iterator[tuple[Location, str]]:
    """References to what another part defines."""
    for at, kind, name in _references(section, item):
        other = owners.foreign(kind, name, part)
        if other is not None:
            owner = shown(other.data["team"], quote=False)
            message = (
                f"{shown(name)} is team {owner}'s {TEAM_OWNED[kind]}, defined in {other.path}; "
                "a part uses only its own team's and the root's"
            )
            yield (*here, *at), message


def _references(section: str, item: dict[str, Any]) -> Iterator[tuple[Location, str, object]]:
    """(where in the item, the section it names, the id) of each reference a part may make."""
    found = _REFERENCES.get(section)
    return found(item) if found is not None else iter(())


def _turn_people(rotation: dict[str, Any]) -> Iterator[tuple[Location, str, object]]:
    for k, turn in enumerate(_list(rotation.get("turns"))):
        for slot, person in turn.items() if isinstance(turn, dict) else ():
            yield ("turns", k, slot), "people", person


def _targets(ladder: dict[str, Any]) -> Iterator[tuple[Location, str, object]]:
    for j, level in enumerate(_list(ladder.get("levels"))):
        targets = _list(level.get("targets")) if isinstance(level, dict) else []
        for k, target in enumerate(targets):
            if isinstance(target, dict):
                yield ("levels", j, "targets", k, "person"), "people", target.get("person")
                yield ("levels", j, "targets", k, "rotation"), "rotations", target.get("rotation")


def _ladder(service: dict[str, Any]) -> Iterator[tuple[Location, str, object]]:
    yield ("escalation_policy",), "escalation_policies", service.get("escalation_policy")


def _destinations(route: dict[str, Any]) -> Iterator[tuple[Location, str, object]]:
    yield ("page",), "paging_services", route.get("page")
    for j, channel in enumerate(_list(route.get("notify"))):
        yield ("notify", j), "chat_channels", channel


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


_REFERENCES = {
    "rotations": _turn_people,
    "escalation_policies": _targets,
    "paging_services": _ladder,
    "routes": _destinations,
}


def _route(here: Location, route: dict[str, Any], team: str, label: str) -> Iterator[tuple[Location, str]]:
    """A part's route matches its team's label exactly, so it takes no other team's alerts."""
    if any(_selects_team(text, team, label) for text in route.get("matchers") or []):
        return
    yield (
        (*here, "matchers"),
        (
            f"a route of team {shown(team, quote=False)}'s part matches only its team's alerts: add "
            f"'{label}=\"{team}\"' to its matchers"
        ),
    )


def _selects_team(text: object, team: str, label: str) -> bool:
    """Whether a route's matcher item is ``label="team"``, read as the model reads it: one
    matcher per item (``parse_matcher``). Read as a list (``a=1,b=2``), the item
    ``owner=~billing|x,owner=storage`` passed for storage's, while the model, the compiled
    route and Alertmanager read one regex that takes billing's alerts (red team)."""
    if not isinstance(text, str):
        return False
    try:
        matcher = parse_matcher(text)
    except MatcherError:
        return False
    return matcher.name == label and matcher.op is Op.EQUAL and matcher.value == team
