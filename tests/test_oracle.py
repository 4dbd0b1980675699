"""The oracle harness against a real Alertmanager 0.25: facts known by hand."""

from __future__ import annotations

import pytest

from tests.oracle import Muted, Poisoned, Refused, matcher

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
