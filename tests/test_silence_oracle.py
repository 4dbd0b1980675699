"""Reach against the real Alertmanager: what it mutes is what we say a silence reaches.

For each example policy, hypothesis draws a silence (equality, negative and regex matchers on the
policy's own labels, regexes from an RE2-aware grammar) and alerts: every catalog alert with
drawn values for the labels it carries (its closed world), alerts outside the catalog, and the
witness label set reach gives for each catalog alert it reaches. A real Alertmanager 0.25
creates the silence and says, through ``silencedBy``, which alerts it mutes (``tests/oracle.py``).

- Acceptance: Alertmanager refuses exactly the silences we call unreadable (``bad-matcher``) or
  all-empty (``matches-empty``), and breaks (poison) on exactly those we call ``breaks-silencing``.
- Matching: on every posted alert our matchers agree with Alertmanager.
- Soundness: every catalog alert it mutes is in our reach, and any alert outside the catalog it
  mutes means we said the silence reaches unknown alerts.
- Precision: on catalog alerts reach is exact: each reached alert's witness is muted.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from oncall_policy.silence import api, source
from oncall_policy.silence.evaluate import assess
from oncall_policy.silence.reach import examples
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.shape import check
from tests.conftest import EXAMPLES
from tests.oracle import ApiMatcher, Muted, Poisoned, Refused, matcher
from tests.strategies_regex import TEXT, patterns_with_values, regex_pieces, values_from

pytestmark = pytest.mark.amtool

RULES = {name: source.load(path).rules for name, path in EXAMPLES.items()}
REFUSALS = {"bad-matcher", "matches-empty"}


@pytest.fixture(scope="module", params=sorted(RULES), ids=sorted(RULES))
def rules(request: pytest.FixtureRequest) -> Rules:
    return RULES[request.param]


def _labels(rules: Rules) -> list[str]:
    names = {name for alert in rules.alerts for name in (*alert.pinned, *alert.carried)}
    return sorted(names | {"env"})


def _catalog_values(rules: Rules, name: str) -> list[str]:
    found = {a.pinned[name] for a in rules.alerts if name in a.pinned}
    found |= {v for a in rules.alerts for v in (a.carried.get(name) or ())}
    return sorted(found)


@st.composite
def _name_pattern(draw: st.DrawFn, rules: Rules) -> tuple[str, tuple[str, ...]]:
    """A regex about alert names: catalog names in an alternation with a drawn piece, often."""
    names = [a.name for a in rules.alerts]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    piece = draw(regex_pieces())
    pattern = draw(
        st.sampled_from(
            ["|".join(chosen), "|".join([*chosen, piece.pattern]), f"(?i){chosen[0].lower()}", piece.pattern]
        )
    )
    return pattern, (*chosen, *piece.examples)


@st.composite
def _silence(draw: st.DrawFn, rules: Rules) -> tuple[list[ApiMatcher], dict[str, list[str]]]:
    """1–3 matchers on the policy's labels, and for each label the values worth posting."""
    matchers: list[ApiMatcher] = []
    pools: dict[str, list[str]] = {}
    for _ in range(draw(st.sampled_from([1, 1, 2, 2, 3]))):
        name = draw(st.sampled_from(["alertname", "alertname", *_labels(rules)]))
        op = draw(st.sampled_from(["=", "!=", "=~", "=~", "!~"]))
        known = _catalog_values(rules, name)
        if "~" in op:
            pattern, values = draw(_name_pattern(rules) if name == "alertname" else patterns_with_values())
        else:
            pattern = draw(st.sampled_from(known) if known and draw(st.booleans()) else TEXT)
            values = (pattern,)
        matchers.append(matcher(name, op, pattern))  # type: ignore[arg-type]
        pools.setdefault(name, []).extend([*values, *known])
    return matchers, pools


@st.composite
def _alerts(draw: st.DrawFn, rules: Rules, pools: dict[str, list[str]]) -> tuple[list[dict[str, str]], int]:
    """Every catalog alert (closed world: its pinned labels, a drawn value for each carried one),
    then 1–3 alerts outside the catalog; and how many of them are catalog alerts."""
    found = []
    for alert in rules.alerts:
        labels = dict(alert.pinned)
        for name, allowed in alert.carried.items():
            values = list(allowed) if allowed else pools.get(name, [])
            labels[name] = draw(values_from(values) if allowed is None else st.sampled_from(values))
        found.append(labels)
    names = {a.name for a in rules.alerts}
    for _ in range(draw(st.integers(1, 3))):
        alertname = draw(values_from(pools.get("alertname", ["Unknown"])).filter(lambda n: n not in names))
        labels = {"alertname": alertname}
        for name in draw(st.lists(st.sampled_from(_labels(rules)), max_size=3)):
            if name != "alertname":
                labels[name] = draw(values_from(pools.get(name, ["x"])))
        found.append(labels)
    return found, len(rules.alerts)


@given(data=st.data())
def test_reach_is_what_alertmanager_mutes(oracle, rules, data):
    matchers, pools = data.draw(_silence(rules))
    alerts, catalog = data.draw(_alerts(rules, pools))
    request = api.from_api(
        {"matchers": matchers, "startsAt": "2026-03-02T09:00:00Z", "endsAt": "2026-03-02T10:00:00Z"}
    )
    ours = {v.rule for v in check(request, rules)}
    found = assess(request, rules) if not ours & REFUSALS else None
    witnesses = list(examples(request.matchers, found.reach, rules)[0]) if found else []
    outcome = oracle.verdicts(matchers, [*alerts, *witnesses])
    event(f"outcome: {type(outcome).__name__}")
    if isinstance(outcome, Refused):
        assert ours & REFUSALS, outcome
        return
    assert not ours & REFUSALS
    if isinstance(outcome, Poisoned):
        assert "breaks-silencing" in ours, outcome
        return
    assert "breaks-silencing" not in ours
    assert isinstance(outcome, Muted)
    assert found is not None
    muted = outcome.muted
    event(
        f"catalog alerts muted: {min(sum(muted[:catalog]), 3)}+; reached: {min(len(found.reach.alerts), 3)}+"
    )
    event(
        f"unknown alerts muted: {any(muted[catalog : len(alerts)])}; reached: {found.reach.unknown is not None}"
    )
    for index, labels in enumerate(alerts):
        said = all(m.matches(labels.get(m.name, "")) for m in request.matchers)
        assert said == muted[index], (labels, matchers)
        if muted[index] and index < catalog:
            assert labels["alertname"] in {a.name for a in found.reach.alerts}, labels
        elif muted[index]:
            assert found.reach.unknown is not None, labels
    for alert, witness in zip(found.reach.alerts, muted[len(alerts) :], strict=True):
        assert witness or alert.name in found.reach.undecided, alert.name
