"""silence-reasons: reason patterns are valid regular expressions, and each reason's patterns
match its own description, so the guide's examples are judged as the guide judges them
("Scheduled maintenance" is accepted, "Alert is annoying" refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from oncall_policy.checks.context import Context
from oncall_policy.problems import Finding

ID = "silence-reasons"


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    reasons = policy.silences.reasons
    for kind, items in (("valid", reasons.valid), ("invalid", reasons.invalid)):
        for i, reason in enumerate(items):
            here = ("silences", "reasons", kind, i, "patterns")
            compiled = []
            for j, pattern in enumerate(reason.patterns):
                try:
                    compiled.append(re.compile(pattern, re.IGNORECASE))
                except re.error as error:
                    yield Finding((*here, j), f"invalid regular expression: {error}", ID)
            if len(compiled) == len(reason.patterns) and not any(
                p.search(reason.description) for p in compiled
            ):
                yield Finding(
                    here, f"no pattern matches this reason's own description {reason.description!r}", ID
                )
