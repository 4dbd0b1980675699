"""A silence as the evaluator sees it, whichever way it arrived, and reading its matchers.

Matchers are parsed here, never by amtool: amtool silently rewrites an unparsable first argument
into ``alertname=<arg>``. One argument holds one matcher (``service=~"api-.*"``), read as amtool
reads it (``labels.ParseMatcher``).
"""

from __future__ import annotations

from oncall_policy.matchers import Matcher, MatcherError, parse_matcher
from oncall_policy.records import Record
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence.verdict import Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime, timedelta

# What could not be read of a silence, whichever way it arrived (``SilenceRequest.problems``).
BAD_MATCHER = Rule(
    "bad-matcher",
    SILENCE,
    "every matcher can be read, as Alertmanager reads it. A matcher is a label name (letters, digits "
    "and ``_``, not starting with a digit), one of ``=``, ``!=``, ``=~``, ``!~``, and a value; amtool "
    "would silently turn an unreadable first matcher into ``alertname=<text>`` and silence the wrong "
    "thing.",
)
BAD_DURATION = Rule(
    "bad-duration",
    SILENCE,
    "a silence's duration can be read. ``-d`` takes amtool's durations: ``30m``, ``2h``, ``1d``.",
)
BAD_TIME = Rule(
    "bad-time",
    SILENCE,
    "a silence's start and end are times Alertmanager can hold. They are RFC 3339 times, and a "
    "duration added to the start must end within Alertmanager's range.",
)


class SilenceRequest(Record):
    """Matchers (ANDed), times, author, comment and approver emails; ``problems`` are what could
    not be read (an unparsable matcher, duration or time) and reject the silence; ``window`` is
    the maintenance window it names with ``--maintenance`` (a comment may name one too)."""

    matchers: tuple[Matcher, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    author: str
    comment: str
    approvers: tuple[str, ...] = ()
    problems: tuple[Violation, ...] = ()
    window: str | None = None

    @property
    def duration(self) -> timedelta | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return self.ends_at - self.starts_at

    def created_at(self, now: datetime) -> SilenceRequest:
        """The silence Alertmanager creates from this one at ``now``: a start already past
        becomes now (``silence/silence.go:577``), so it mutes only for what is left of it. One
        that has ended is left as it is, for Alertmanager refuses it."""
        if self.starts_at is None or self.ends_at is None or not self.starts_at < now < self.ends_at:
            return self
        return self.replace(starts_at=now)


def parse_matcher_args(args: list[str] | tuple[str, ...]) -> tuple[list[Matcher], list[Violation]]:
    """Every matcher in ``args`` — one an argument, as ``amtool silence add`` reads them
    (``labels.ParseMatcher``; a ``{a="b",c=~"d"}`` group is not a matcher to amtool) — and a
    violation for each one we cannot read."""
    matchers: list[Matcher] = []
    problems: list[Violation] = []
    for index, arg in enumerate(args):
        try:
            matchers.append(parse_matcher(arg))
        except MatcherError as error:
            problems.append(bad_matcher(arg, str(error), ("matchers", index)))
    return matchers, problems


def bad_matcher(text: str, reason: str, where: tuple[str | int, ...]) -> Violation:
    return Violation(
        BAD_MATCHER.id,
        f"cannot read matcher {text!r}: {reason}",
        'write name, one of = != =~ !~, then the value in double quotes: service="api" or '
        'alertname=~"High.*"; label names are letters, digits and _ (amtool would turn an '
        "unreadable first matcher into alertname=<text> and silence the wrong thing)",
        where,
    )
