"""no-secrets: the policy names files that hold secrets and never holds a secret itself.

Refused wherever it stands, in any value or key of the document, as YAML reads it (after its
escapes): a PagerDuty integration or routing key, a PagerDuty REST API token, a Slack webhook URL
or token, and base64 of any of them, in every spelling ``oncall_policy.leaks`` knows. The problem
says where the secret stands and what it looks like, never the secret. It reads the parsed
document, not the model, so it speaks even when the schema does not pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from oncall_policy.leaks import kinds, suspects, tokens, webhooks
from oncall_policy.problems import Location
from oncall_policy.rulebook import LOADER, Rule

RULE = Rule("no-secrets", LOADER, __doc__)

_IN_A_FILE = "put it in a file under secrets.directory and name that file with "
_ADVICE = {
    tokens.INTEGRATION_KEY: _IN_A_FILE + "a paging service's integration_key_file",
    tokens.ROUTING_KEY: _IN_A_FILE + "a paging service's integration_key_file",
    webhooks.WEBHOOK_URL: _IN_A_FILE + "a chat channel's webhook_url_file",
    tokens.API_TOKEN: (
        "a policy needs none: remove it (the PagerDuty Terraform provider reads its token from "
        "PAGERDUTY_TOKEN)"
    ),
    tokens.SLACK_TOKEN: (
        "a policy needs none: remove it (a chat channel posts through the webhook URL in the "
        "file its webhook_url_file names)"
    ),
}


class Refusal(NamedTuple):
    """A secret's place and what is said of it; ``key``: the secret is the last key of
    ``location``, not the value there."""

    location: Location
    message: str
    rule: str
    key: bool


def scan(data: Any) -> Iterator[Refusal]:
    """One refusal for each value and each key of ``data`` that holds a secret."""
    strings = _strings(data)
    found = {text for text in suspects.among(strings) if kinds.secret(text) is not None}
    if not found:
        return
    for location, text, key in _placed(data, ()):
        if any(suspect in text for suspect in found) and (secret := kinds.secret(text)) is not None:
            where = "key" if key else "value"
            yield Refusal(location, f"this {where} looks like {secret}; {_ADVICE[secret.kind]}", RULE.id, key)


def _strings(data: Any) -> list[str]:
    """Every string of ``data``, keys too, in no particular order: one pass, no places kept.
    The loaders make plain ``str``, ``dict`` and ``list``; the exact types are tested first (the
    cheapest test, on the commonest path), subclasses after."""
    found: list[str] = []
    stack = [data]
    append, push = found.append, stack.append
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found += filter(str.__instancecheck__, node)
            node = node.values()
        elif not isinstance(node, list):
            if isinstance(node, str):
                append(node)
            continue
        for value in node:
            kind = type(value)
            if kind is str:
                append(value)
            elif kind is dict or kind is list:
                push(value)
            elif isinstance(value, str | dict | list):
                push(value)  # a subclass: taken apart (or taken, if a string) when popped
    return found


def _placed(node: Any, location: Location) -> Iterator[tuple[Location, str, bool]]:
    """Every string of ``node`` with its place (only when there is a secret to place)."""
    if isinstance(node, str):
        yield location, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield (*location, key), key, True
            yield from _placed(value, (*location, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _placed(value, (*location, index))
