r"""Shape: what every silence needs before its reach matters.

At least one matcher, each one Alertmanager accepts *and can use*; a comment giving a valid
reason and no invalid one; an author the policy knows; an end after its start; approvals given
as approvals, not typed into the comment.

Alertmanager refuses a silence whose equality and regex matchers all match the empty string
(``service=~".*"``, ``team=""``) when it has no negative one (a negative matcher never counts as
matching it, though ``service!="api"`` mutes every alert without a ``service``), and a label name
outside ``[a-zA-Z_][a-zA-Z0-9_]*``. It *accepts* a regex that compiles alone but not inside its
anchors (``\Qabc`` becomes ``^(?:\Qabc)$``, which swallows the closing parenthesis; a value
nested 999 groups deep goes past Go's depth limit) — and from then on every silence stops muting,
because each query of the silences fails. Such a silence is refused here. Whether a silence
mutes too much is decided by its reach (``reach``), not by its spelling.
"""

from __future__ import annotations

from oncall_policy.datetimes import timedelta
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import approvals
from oncall_policy.silence import comment as comments
from oncall_policy.silence.request import BAD_MATCHER
from oncall_policy.silence.verdict import Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules

NO_MATCHERS = Rule("no-matchers", SILENCE, "a silence names at least one matcher.")
TOO_COMPLEX = Rule(
    "too-complex",
    SILENCE,
    "every regex matcher can be judged in time. A regex of many counted repetitions of wide classes "
    "(``\\pL{500}``), or a silence of more than 64 matchers, is refused rather than judged for "
    "longer than anyone waits.",
)
# Judging costs about a millisecond per matcher that nothing else bounds (a silence of 8,000 cheap
# ones held the gate 10 s); silences people write have a handful.
MAX_MATCHERS = 64
BREAKS_SILENCING = Rule(
    "breaks-silencing",
    SILENCE,
    "no matcher breaks Alertmanager's silencing. Alertmanager stores a regex that compiles alone but "
    "not inside its anchors (``\\Qabc``, or one nested past Go's depth limit), and from then on no "
    "silence mutes anything.",
)
MATCHES_EMPTY = Rule(
    "matches-empty",
    SILENCE,
    "some matcher requires a value. Alertmanager refuses a silence whose equality and regex matchers "
    "all match the empty string (an alert without the label) when it has no negative one.",
)
APPROVAL_IN_COMMENT = Rule(
    "approval-in-comment",
    SILENCE,
    "approvals are given, not typed into the comment. A comment that carries an approved-by record "
    "is refused; each approver is passed with ``--approved-by``.",
)
MISSING_COMMENT = Rule(
    "missing-comment", SILENCE, "a silence has a comment. The policy may waive it (``require_comment``)."
)
INVALID_REASON = Rule(
    "invalid-reason",
    SILENCE,
    "the comment gives none of the policy's invalid reasons. 'Alert is annoying' is no reason to "
    "silence an alert: fix or tune it instead.",
)
NO_VALID_REASON = Rule(
    "no-valid-reason",
    SILENCE,
    "the comment gives one of the policy's valid reasons. A silence that names a declared "
    "maintenance window has the window as its reason.",
)
MISSING_AUTHOR = Rule(
    "missing-author", SILENCE, "a silence has an author. The policy may waive it (``require_author``)."
)
END_BEFORE_START = Rule("end-before-start", SILENCE, "a silence ends after it starts.")
ZERO_DURATION = Rule("zero-duration", SILENCE, "a silence lasts some time.")

_LABEL_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_LABEL_REST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"


def is_silence_label(name: str) -> bool:
    """Whether Alertmanager takes ``name`` as a label name in a silence: what
    ``[a-zA-Z_][a-zA-Z0-9_]*`` matches in full (``tests/test_label_names_scan.py``), read by hand:
    ``re`` (with ``enum``) costs about 8 ms of ``silence check``'s start-up."""
    # Stripping every allowed character leaves nothing only when there is no other one.
    return name[:1] in _LABEL_START and not name[1:].strip(_LABEL_REST)


def check(request: SilenceRequest, rules: Rules, *, names_window: bool = False) -> Iterator[Violation]:
    """``names_window``: the silence names a declared maintenance window, which is its reason."""
    yield from check_untimed(request, rules, names_window=names_window)
    yield from check_times(request)


def check_untimed(request: SilenceRequest, rules: Rules, *, names_window: bool) -> Iterator[Violation]:
    """What ``check`` finds but what the silence's times decide: the same for every silence of
    the same matchers, comment, author and problems."""
    yield from request.problems
    yield from _remembered(("matchers", request.matchers, not request.problems), _matchers, request, rules)
    yield from _comment(request, rules, names_window=names_window)
    yield from _remembered(("author", request.author), _author, request, rules)
    if rules.require_author and not request.author.strip():
        yield Violation(
            MISSING_AUTHOR.id,
            "the silence has no author",
            "add --author=you@example.com (your email: who to ask about this silence)",
            ("createdBy",),
        )


def _remembered(
    memo: tuple[object, ...],
    check: Callable[[SilenceRequest, Rules], Iterator[Violation]],
    request: SilenceRequest,
    rules: Rules,
) -> tuple[Violation, ...]:
    """What ``check`` finds, once per ``memo`` (what it depends on: an audit meets the same
    matchers and authors many times)."""
    found = rules.remembered(memo)
    if found is None:
        found = rules.remember(memo, tuple(check(request, rules)))
    return found  # type: ignore[return-value]


def _author(request: SilenceRequest, rules: Rules) -> Iterator[Violation]:
    return approvals.author(request.author, rules.roster)


def _matchers(request: SilenceRequest, _rules: Rules) -> Iterator[Violation]:
    if not request.matchers and not request.problems:
        yield Violation(
            NO_MATCHERS.id,
            "the silence has no matchers",
            'name the alerts to silence: alertname="HighErrorRate" service="api"',
            ("matchers",),
        )
        return
    if len(request.matchers) > MAX_MATCHERS:
        yield Violation(
            TOO_COMPLEX.id,
            f"the silence has {len(request.matchers):,} matchers; oncall-policy judges {MAX_MATCHERS} "
            "at most",
            "name fewer labels, or write several silences",
            ("matchers",),
        )
        return
    for index, matcher in enumerate(request.matchers):
        if not is_silence_label(matcher.name):
            yield Violation(
                BAD_MATCHER.id,
                f"Alertmanager refuses the label name {matcher.name!r} in a silence",
                "label names are letters, digits and _, not starting with a digit",
                ("matchers", index, "name"),
            )
        if matcher.too_complex is not None:
            yield Violation(
                TOO_COMPLEX.id,
                f"{matcher} is too complex to judge in time ({matcher.too_complex})",
                "write a shorter regex, or several silences"
                if "characters" in matcher.too_complex
                else "write the regex simpler: fewer counted repetitions of wide classes such as \\pL",
                ("matchers", index, "value"),
            )
        if matcher.broken is not None:
            yield Violation(
                BREAKS_SILENCING.id,
                f"Alertmanager would store {matcher} but cannot use it ({matcher.broken}); "
                "from then on no silence would mute anything",
                "close every \\Q with \\E, or write the regex without \\Q…\\E",
                ("matchers", index, "value"),
            )
    if request.matchers and all(m.empty_for_alertmanager for m in request.matchers):
        shown = ", ".join(str(m) for m in request.matchers)
        yield Violation(
            MATCHES_EMPTY.id,
            f"{shown}: Alertmanager refuses a silence whose matchers all match the empty string "
            "(an alert without the label)",
            'add a matcher that requires a value, e.g. alertname="HighErrorRate" or service="api"',
            ("matchers",),
        )


def _comment(request: SilenceRequest, rules: Rules, *, names_window: bool) -> tuple[Violation, ...]:
    """What is wrong with the comment (the same for the same text: an audit meets it often)."""
    text = request.comment.strip()
    memo = ("comment", text, names_window)
    found = rules.remembered(memo)
    if found is None:
        found = rules.remember(memo, tuple(_comment_text(text, rules, names_window=names_window)))
    return found  # type: ignore[return-value]


def _comment_text(raw: str, rules: Rules, *, names_window: bool) -> Iterator[Violation]:
    text = comments.readable(raw)
    if comments.has_approvals(text):
        yield Violation(
            APPROVAL_IN_COMMENT.id,
            "the comment carries an approved-by record; approvals are given, not typed",
            "remove it from the comment and pass --approved-by EMAIL for each approver",
            ("comment",),
        )
    if not text:
        if rules.require_comment:
            yield Violation(
                MISSING_COMMENT.id, "the silence has no comment", _reasons_hint(rules), ("comment",)
            )
        return
    for reason in rules.invalid:
        if reason.given_by(text):
            yield Violation(
                INVALID_REASON.id,
                f"{reason.description!r} is not a reason to silence an alert",
                f"fix or tune the alert instead; a silence needs {_reasons(rules)}",
                ("comment",),
            )
    if not names_window and not any(reason.given_by(text) for reason in rules.valid):
        yield Violation(
            NO_VALID_REASON.id,
            f"the comment {text[:80]!r} gives no valid reason",
            _reasons_hint(rules),
            ("comment",),
        )


def _reasons(rules: Rules) -> str:
    return "one of: " + "; ".join(reason.description for reason in rules.valid)


def _reasons_hint(rules: Rules) -> str:
    return f'say why with --comment="…": {_reasons(rules)}'


def check_times(request: SilenceRequest) -> Iterator[Violation]:
    """Whether the silence ends after it starts."""
    duration = request.duration
    if duration is None or duration > _ZERO:
        return
    if duration < _ZERO:
        yield Violation(
            END_BEFORE_START.id,
            "the silence ends before it starts",
            "give --end after --start, or a positive -d such as 1h",
            ("endsAt",),
        )
    else:
        yield Violation(
            ZERO_DURATION.id,
            "the silence lasts no time at all",
            "give a positive duration: -d 30m",
            ("endsAt",),
        )


_ZERO = timedelta(0)
