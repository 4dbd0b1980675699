"""silence-reasons: reason patterns are valid RE2 and each reason's patterns match its description.
Patterns are searched in a comment, case-insensitively, by the engine matchers use; matching
their own descriptions, the guide's examples are judged as the guide judges them ("Scheduled
maintenance" is accepted, "Alert is annoying" refused)."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.matching import search, syntax
from oncall_policy.problems import Finding
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("silence-reasons", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    reasons = policy.silences.reasons
    for kind, items in (("valid", reasons.valid), ("invalid", reasons.invalid)):
        for i, reason in enumerate(items):
            here = ("silences", "reasons", kind, i, "patterns")
            problems = 0
            for j, pattern in enumerate(reason.patterns):
                try:
                    search.source([pattern])
                except syntax.RegexpError as error:
                    problems += 1
                    yield Finding((*here, j), f"invalid regular expression: {error}", RULE.id)
            if not problems and not search.Searcher(search.source(reason.patterns)).found(reason.description):
                yield Finding(
                    here,
                    f"no pattern matches this reason's own description {shown(reason.description)}",
                    RULE.id,
                )
