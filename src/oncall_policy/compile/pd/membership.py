"""A warning for a change PagerDuty makes differently from what people expect: a schedule layer
whose members change.

When a layer's users change, PagerDuty recomputes its whole rotation from the layer's
``rotation_virtual_start``, so the person on call can change at once instead of at the next
hand-off (terraform-provider-pagerduty #215, #341, #585: ``reference/pagerduty-api.md`` §6).
``compile`` compares each schedule it generates with the one it replaces (read by the caller) and
says, for every layer whose members change, who is on call now before and after.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

SCHEDULES = "pagerduty/schedules/"
MANIFEST = "pagerduty/manifest.json"


def warnings(
    files: Mapping[str, str], before: Callable[[str], str | None], now: datetime
) -> list[tuple[str, str]]:
    """(path, warning) for every layer of a generated schedule whose members differ from the
    previous output's; ``before`` gives that output's text of a path, or ``None``."""
    names = {**_names(before(MANIFEST)), **_names(files.get(MANIFEST))}
    found = []
    for path, text in files.items():
        if not path.startswith(SCHEDULES):
            continue
        previous = {layer["name"]: layer for layer in _layers(before(path))}
        for layer in _layers(text):
            old = previous.get(layer["name"])
            if old is not None and _users(old) != _users(layer):
                found.append((path, _warning(old, layer, names, now)))
    return found


def _warning(old: dict[str, Any], new: dict[str, Any], names: dict[str, str], now: datetime) -> str:
    was, will = _users(old), _users(new)
    joining = [names.get(user, user) for user in dict.fromkeys(will) if user not in was]
    leaving = [names.get(user, user) for user in dict.fromkeys(was) if user not in will]
    parts = []
    if joining:
        parts.append(_verb(joining, "join"))
    if leaving:
        parts.append(_verb(leaving, "leave"))
    what = "; ".join(parts) or "the same people in another order"
    holder_was, holder_will = (_name(_holder(layer, now), names) for layer in (old, new))
    outcome = (
        f"on call now stays {holder_was}"
        if holder_was == holder_will
        else f"on call now changes at once from {holder_was} to {holder_will}"
    )
    return (
        f"layer {new['name']!r}: its turns change ({what}); "
        f"PagerDuty recomputes the rotation from {new['rotation_virtual_start']}, so {outcome} "
        "when this is applied, not at the next hand-off"
    )


def _holder(layer: dict[str, Any], now: datetime) -> str | None:
    """Whose turn it is at ``now``, counting turns from the layer's virtual start."""
    start = datetime.fromisoformat(layer["rotation_virtual_start"])
    users = _users(layer)
    if now < start or not users:
        return None
    turn = (now - start) // timedelta(seconds=layer["rotation_turn_length_seconds"])
    return users[turn % len(users)]


def _verb(people: list[str], verb: str) -> str:
    return f"{', '.join(people)} {verb}{'s' if len(people) == 1 else ''}"


def _name(user: str | None, names: dict[str, str]) -> str:
    return "nobody" if user is None else names.get(user, user)


def _users(layer: dict[str, Any]) -> list[str]:
    return [entry["user"]["id"] for entry in layer["users"]]


def _layers(text: str | None) -> list[dict[str, Any]]:
    """The layers of a schedule file; those of a previous file only if written as we write them
    (it comes from the repository: anything else is not compared, and never a crash)."""
    if text is None:
        return []
    try:
        layers = json.loads(text)["schedule"]["schedule_layers"]
    except (ValueError, KeyError, TypeError, RecursionError):  # not a schedule we wrote
        return []
    return [layer for layer in layers if _well_formed(layer)] if isinstance(layers, list) else []


def _well_formed(layer: Any) -> bool:
    try:
        start = datetime.fromisoformat(layer["rotation_virtual_start"])
        turn = timedelta(seconds=layer["rotation_turn_length_seconds"])
        users = [entry["user"]["id"] for entry in layer["users"]]
        named = isinstance(layer["name"], str)
    except (KeyError, TypeError, ValueError, OverflowError):
        return False
    people = all(isinstance(user, str) for user in users)
    return named and people and start.tzinfo is not None and turn > timedelta(0)


def _names(text: str | None) -> dict[str, str]:
    """Placeholder → name, from a manifest."""
    try:
        users = json.loads(text)["users"] if text else []
        return {user["placeholder"]: user["name"] for user in users}
    except (ValueError, KeyError, TypeError, RecursionError):
        return {}
