"""The oracle harness against a real Alertmanager 0.25: facts known by hand, then the regex
strategies run through it (which outcomes they reach, and that the harness stays consistent)."""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.oracle import Muted, Poisoned, Refused, matcher
from tests.strategies_regex import regexes, silence_cases, values_for

pytestmark = pytest.mark.amtool

EMPTY = Refused(400, "silence invalid: at least one matcher must not match the empty string")
NAMED = "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"


@pytest.mark.parametrize(
    ("matchers", "alerts", "expected"),
    [
        (
            [matcher("alertname", "=~", "HighMemoryUsage|[[:upper:]].*")],
            [{"alertname": "ServiceDown"}, {"alertname": "HighMemoryUsage"}, {"alertname": "serviceDown"}],
            Muted((True, True, False)),
        ),
        (
            [matcher("severity", "!~", "critical{,1}")],
            [{"severity": "critical"}, {"severity": "critical{,1}"}, {"severity": "warning"}, {}],
            Muted((True, False, True, True)),
        ),
        (
            [matcher("alertname", "=~", ".+")],
            [{"alertname": "line\nbreak"}, {"alertname": "HighMemoryUsage"}],
            Muted((False, True)),
        ),
        (
            [matcher("alertname", "=~", "(?i)highmemoryusage")],
            [{"alertname": "HighMemoryUsage"}, {"alertname": "HighMemoryUsage2"}],
            Muted((True, False)),
        ),
        (
            [matcher("team", "=", "a")],
            [{"team": "a"}, {"team": "a", "env": ""}, {}, {"team": "a", "env": "prod"}],
            Muted((True, True, False, True)),
        ),
        ([matcher("service", "!=", "api")], [{"service": "api"}, {}], Muted((False, True))),
        ([matcher("service", "=~", ".*")], [{"service": "api"}], EMPTY),
        (
            [matcher("service", "=~", "(?<n>a)")],
            [{"service": "a"}],
            Refused(
                400,
                f'silence invalid: invalid label matcher 0: invalid regular expression "(?<n>a)": {NAMED}',
            ),
        ),
    ],
    ids=[
        "posix-class",
        "brace-is-literal",
        "dot-not-newline",
        "inline-flag",
        "empty-is-missing",
        "not-equal-alone",
        "all-match-empty",
        "perl-named-group",
    ],
)
def test_known_verdicts(oracle, matchers, alerts, expected):
    assert oracle.verdicts(matchers, alerts) == expected


def test_regex_refusal_is_gos_error_text(oracle):
    assert oracle.regex_accepted("(?<n>a)") == NAMED
    assert oracle.regex_accepted('a"\\\n(é') == 'error parsing regexp: missing closing ): `a"\\\n(é`'
    assert oracle.regex_accepted("(?P<n>a)|\\Qabc") is None


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("\\Qabc", "error parsing regexp: missing closing ): `^(?:\\Qabc)$`"),
        ("(" * 999 + "a" + ")" * 999, "error parsing regexp: expression nests too deeply: `^(?:" + "(" * 999),
    ],
    ids=["open-quote", "999-groups"],
)
def test_poison_is_reported_and_recovered_from(oracle, pattern, error):
    """Accepted bare, refused anchored: no silence mutes anything until the poison is expired."""
    assert oracle.regex_accepted(pattern) is None
    outcome = oracle.verdicts([matcher("alertname", "=~", pattern)], [{"alertname": "abc"}])
    assert isinstance(outcome, Poisoned)
    assert outcome.error.startswith(error)
    assert oracle.verdicts([matcher("alertname", "=", "abc")], [{"alertname": "abc"}]) == Muted((True,))


def test_batches_do_not_interfere(oracle):
    alerts = [{"alertname": "A"}, {"alertname": "B"}]
    assert oracle.verdicts([matcher("alertname", "=", "A")], alerts) == Muted((True, False))
    assert oracle.verdicts([matcher("alertname", "=~", "(")], alerts) == Refused(
        400,
        'silence invalid: invalid label matcher 0: invalid regular expression "(": error parsing regexp: missing closing ): `(`',
    )
    assert oracle.verdicts([matcher("alertname", "=", "B")], alerts) == Muted((False, True))


@pytest.mark.parametrize("labels", [{"oracle_batch": "1"}, {"bad-name": "x"}], ids=["reserved", "invalid"])
def test_alert_labels_are_checked(oracle, labels):
    with pytest.raises(ValueError, match=r"reserved|invalid alert label name"):
        oracle.verdicts([matcher("alertname", "=", "A")], [labels])


@given(pattern=regexes())
def test_grammar_patterns_are_accepted(oracle, pattern):
    """``regexes()`` draws only what Go accepts bare (poisoned ones included)."""
    assert oracle.regex_accepted(pattern) is None


@given(pattern=regexes(invalid=True))
def test_refusals_are_gos_parse_errors(oracle, pattern):
    """With ``invalid=True`` both outcomes come up; every refusal is Go's parse error, quoting the
    pattern exactly (``regex_accepted`` checks the quote)."""
    refusal = oracle.regex_accepted(pattern)
    event("accepted" if refusal is None else "refused")
    assert refusal is None or refusal.startswith("error parsing regexp: ")


@given(pattern=regexes(poison=False), data=st.data())
def test_values_for_a_pattern_reach_both_verdicts(oracle, pattern, data):
    """``values_for`` works from a pattern's text alone; the events show how often its values match."""
    values = [data.draw(values_for(pattern)) for _ in range(4)]
    outcome = oracle.verdicts(
        [matcher("value", "=~", pattern), matcher("guard", "=", "1")],
        [{"value": value, "guard": "1"} for value in values],
    )
    assert isinstance(outcome, Muted)
    event(f"{sum(outcome.muted)} of 4 values match")


@given(case=silence_cases())
def test_drawn_silences_get_a_consistent_answer(oracle, case):
    """Every drawn silence gets one answer of the expected shape; label sets equal to the server
    (an empty value is a missing label) get the same verdict."""
    matchers, alerts = case
    outcome = oracle.verdicts(matchers, alerts)
    event(type(outcome).__name__)
    match outcome:
        case Muted(muted):
            same = {}
            for labels, verdict in zip(alerts, muted, strict=True):
                key = frozenset((k, v) for k, v in labels.items() if v)
                assert same.setdefault(key, verdict) == verdict
        case Refused(status, message):
            assert status == 400
            assert message.startswith("silence invalid: ")
        case Poisoned(error):
            assert error.startswith("error parsing regexp: ")
