"""Policy selectors (severity ids + matchers) as Alertmanager matcher strings ``name="escaped"``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from oncall_policy.matchers import Matcher, Op
from oncall_policy.model import Policy

_META = re.compile(r"([\\.+*?()|\[\]{}^$])")


def regex_literal(text: str) -> str:
    """``text`` as a regex matching exactly it, in syntax Go's RE2 and Python agree on."""
    return _META.sub(r"\\\1", text)


class Selectors:
    """Turns severity ids into matchers on the organisation's severity label."""

    def __init__(self, policy: Policy) -> None:
        self.label = policy.organisation.severity_label
        self.values = {s.id: s.label_value for s in policy.severities}

    def severity(self, ids: Iterable[str]) -> Matcher:
        values = sorted({self.values[i] for i in ids})
        if len(values) == 1:
            return Matcher(self.label, Op.EQUAL, values[0])
        return Matcher(self.label, Op.REGEX, "|".join(map(regex_literal, values)))

    def matchers(self, severities: tuple[str, ...], matchers: Iterable[Matcher]) -> list[str]:
        """The matcher strings of a selector: the severity matcher first, then its own."""
        found = [self.severity(severities)] if severities else []
        return list(dict.fromkeys(str(m) for m in (*found, *matchers)))
