"""Shape: what every silence needs before its reach matters.

At least one matcher, each readable; a comment giving a valid reason and no invalid one; an
author; an end after its start; approvals given as approvals, not typed into the comment.

**Match-everything.** A silence mutes an alert when every matcher holds. A matcher *restricts*
only if it refuses the empty string (alerts without the label, or with it empty, escape it)
*and* refuses some non-empty value. So a matcher is unrestrictive when it matches ``""``
(``env!="prod"``, ``service=~".*"``, ``team=""``: every alert lacking the label is muted) or when
it matches every non-empty value (``alertname=~".+"``, ``alertname!=""``: every alert carrying
the label is muted, and every alert carries ``alertname``). A set of only unrestrictive matchers
mutes every alert, or all but a few, and is refused. Whether a regex matches every non-empty
value is tested on ``PROBES``, varied strings (letters, digits, punctuation, spaces, newlines,
non-ASCII, long): a regex that accepts them all is treated as accepting everything. That can only
err towards refusing (a regex that truly accepts everything accepts the probes), and a silence
whose regex accepts all of them is not targeted anyway.
"""

from __future__ import annotations

from datetime import timedelta

from oncall_policy import TYPE_CHECKING
from oncall_policy.silence import comment as comments
from oncall_policy.silence.verdict import Violation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules

PROBES = (
    "a",
    "Z",
    "0",
    "_",
    "-",
    ".",
    " ",
    "\n",
    "é",
    "日本",
    '"',
    "HighErrorRate",
    "critical",
    "api-eu-1",
    "x" * 257,
    "Z9 ;,{}[]()|*+?^$\\/",
)


def unrestrictive(matcher: Matcher) -> bool:
    """Whether the matcher lets through every alert lacking its label or every alert having it."""
    return matcher.matches("") or all(matcher.matches(probe) for probe in PROBES)


def check(request: SilenceRequest, rules: Rules) -> Iterator[Violation]:
    yield from request.problems
    yield from _matchers(request)
    yield from _comment(request, rules)
    if rules.require_author and not request.author.strip():
        yield Violation(
            "missing-author",
            "the silence has no author",
            "add --author=you@example.com (your email: who to ask about this silence)",
            ("createdBy",),
        )
    yield from _times(request)


def _matchers(request: SilenceRequest) -> Iterator[Violation]:
    if not request.matchers and not request.problems:
        yield Violation(
            "no-matchers",
            "the silence has no matchers",
            'name the alerts to silence: alertname="HighErrorRate" service="api"',
            ("matchers",),
        )
    elif request.matchers and all(unrestrictive(m) for m in request.matchers):
        shown = ", ".join(str(m) for m in request.matchers)
        yield Violation(
            "matches-everything",
            f"{shown} matches every alert (or all but a few): no matcher requires a specific value",
            'add an equality matcher for what you mean, e.g. alertname="HighErrorRate" or service="api"',
            ("matchers",),
        )


def _comment(request: SilenceRequest, rules: Rules) -> tuple[Violation, ...]:
    """What is wrong with the comment (the same for the same text: an audit meets it often)."""
    text = request.comment.strip()
    found = rules.comment_memo.get(text)
    if found is None:
        found = rules.comment_memo[text] = tuple(_comment_text(text, rules))
    return found


def _comment_text(text: str, rules: Rules) -> Iterator[Violation]:
    if comments.has_approvals(text):
        yield Violation(
            "approval-in-comment",
            "the comment carries an approved-by record; approvals are given, not typed",
            "remove it from the comment and pass --approved-by EMAIL for each approver",
            ("comment",),
        )
    if not text:
        if rules.require_comment:
            yield Violation(
                "missing-comment", "the silence has no comment", _reasons_hint(rules), ("comment",)
            )
        return
    for reason in rules.invalid:
        if reason.given_by(text):
            yield Violation(
                "invalid-reason",
                f"{reason.description!r} is not a reason to silence an alert",
                f"fix or tune the alert instead; a silence needs {_reasons(rules)}",
                ("comment",),
            )
    if not any(reason.given_by(text) for reason in rules.valid):
        yield Violation(
            "no-valid-reason",
            f"the comment {text[:80]!r} gives no valid reason",
            _reasons_hint(rules),
            ("comment",),
        )


def _reasons(rules: Rules) -> str:
    return "one of: " + "; ".join(reason.description for reason in rules.valid)


def _reasons_hint(rules: Rules) -> str:
    return f'say why with --comment="…": {_reasons(rules)}'


def _times(request: SilenceRequest) -> Iterator[Violation]:
    duration = request.duration
    if duration is None or duration > timedelta(0):
        return
    if duration < timedelta(0):
        yield Violation(
            "end-before-start",
            "the silence ends before it starts",
            "give --end after --start, or a positive -d such as 1h",
            ("endsAt",),
        )
    else:
        yield Violation(
            "zero-duration",
            "the silence lasts no time at all",
            "give a positive duration: -d 30m",
            ("endsAt",),
        )
