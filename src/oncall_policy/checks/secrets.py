"""no-secrets: the policy names files that hold secrets and never holds a secret itself.
Refused anywhere in the file: PagerDuty integration keys (32 letters and digits), Slack incoming
webhook URLs, and Slack tokens. It reads the raw document, so it speaks even when the schema
does not pass, and the fast path hands any text where a secret might stand to the slow one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from oncall_policy.problems import Finding, Location

ID = "no-secrets"
_SECRETS = (
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])"), "looks like a PagerDuty integration key"),
    (
        re.compile(r"hooks\.slack\.com/(services|workflows|triggers)/", re.IGNORECASE),
        "is a Slack webhook URL",
    ),
    (re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}"), "is a Slack token"),
)


_NOT_ALNUM = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def may_hold_secret(text: str) -> bool:
    """A quick look at a whole file, at C speed where it can be: could any value be a secret?"""
    if "xox" in text or "hooks.slack.com" in text.lower():
        return True
    words = text.translate(_NOT_ALNUM).split()
    return any(len(word) == 32 and not _mixed_case_word(word) for word in words)


def scan(data: Any) -> Iterator[Finding]:
    for location, text in _strings(data, ()):
        for pattern, what in _SECRETS:
            if pattern.search(text) and not _mixed_case_word(text):
                yield Finding(
                    location,
                    f"this value {what}; keep secrets in files under "
                    "secrets.directory and name the file instead",
                    ID,
                )
                break


def _mixed_case_word(text: str) -> bool:
    """Alert names such as ``SLOAvailabilityBreachOfTheCoreApi`` are CamelCase words, not keys."""
    return bool(re.fullmatch(r"([A-Z][a-z0-9]+|[A-Z]+(?=[A-Z][a-z]))+", text))


def _strings(node: Any, location: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(node, str):
        yield location, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield from _strings(key, (*location, key))
            yield from _strings(value, (*location, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*location, index))
