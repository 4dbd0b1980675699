"""One judgement's language questions share an allowance of work (``labels.judgement``).

Each question has its own budget, but short regexes can be hard and many questions add up: six
earlier silences with ``[ab]*a[ab]{12}`` split a write's history into 64 questions (16 s of the
gate's event loop), and a hard pair on 20 labels asked 40 (64 s). The allowance counts states
and steps, not seconds, so a verdict never depends on the machine's speed; past it, questions
answer ``UNDECIDED`` at once, which reach reads as "may". These tests count the work itself;
``bench/hard_regexes.py`` gives its time (a quarter to a third of a second when spent), and
``tests/test_silence_hard_regex_*.py`` the same attacks end to end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.matching import budget
from oncall_policy.matching.language import clear_caches
from oncall_policy.silence import amtool, api, audit, labels, source
from oncall_policy.silence.evaluate import Silence, assess, evaluate
from tests.conftest import CLIPPER

NOW = datetime.now(UTC)
AUTHOR = "--author=engineer-a@clipper.app"
# An allowance's steps, and one question past it (the most a cut can overshoot).
ASSESSMENT = labels.ASSESSMENT_STEPS + budget.DEFAULT_BUDGET.steps
JUDGEMENT = labels.JUDGEMENT_STEPS + budget.DEFAULT_BUDGET.steps
PAIR = ("[ab]*a[ab]{16}", "[ab]*b[ab]{16}")


@pytest.fixture
def spent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The steps every allowance is charged, in total, from a cold start."""
    clear_caches()
    total = [0]
    charge, afford_all = budget.Allowance.spend, budget.Allowance.afford_all

    def counted(self: budget.Allowance, states: int, steps: int) -> None:
        total[0] += steps
        charge(self, states, steps)

    def charged(self: budget.Allowance, costs: dict[object, tuple[int, int]]) -> bool:
        due = sum(cost[1] for key, cost in costs.items() if key not in self.paid)
        paid = afford_all(self, costs)  # remembered answers, charged what they cost
        total[0] += due if paid else 0
        return paid

    monkeypatch.setattr(budget.Allowance, "spend", counted)
    monkeypatch.setattr(budget.Allowance, "afford_all", charged)
    return total


def rules():
    return source.load(CLIPPER).rules  # afresh: nothing remembered from another test


def body(*matchers: tuple[str, str, bool], minutes: int = 30) -> dict[str, object]:
    return {
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": True} for n, v, r in matchers],
        "startsAt": NOW.isoformat(),
        "endsAt": (NOW + timedelta(minutes=minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }


def paired(labels_count: int) -> dict[str, object]:
    pairs = [(f"x{i}", value, True) for i in range(labels_count) for value in PAIR]
    return body(("alertname", "HighErrorRate", False), *pairs)


def planted() -> list[Silence]:
    return [
        Silence(
            f"planted-{i}",
            "active",
            api.from_api(
                body(
                    ("alertname", "HighErrorRate", False),
                    ("service", f"[ab]*{'ab'[i % 2]}[ab]{{{12 + i}}}", True),
                )
            ),
        )
        for i in range(6)
    ]


@pytest.mark.parametrize("count", [8, 20])
def test_hard_pairs_on_many_labels_spend_one_allowance(spent, count):
    verdict = evaluate(api.from_api(paired(count)), rules())
    assert spent[0] <= ASSESSMENT + JUDGEMENT  # its assessment's allowance and the judgement's
    assert any("not decided exactly" in note for note in verdict.notes), verdict.notes


def test_planted_history_costs_a_plain_write_one_allowance(spent):
    plain = amtool.parse(["alertname=HighErrorRate", "-d", "30m", "-c", "deployment", AUTHOR], NOW)
    verdict = evaluate(plain, rules(), planted())
    assert spent[0] <= 7 * ASSESSMENT + JUDGEMENT  # each silence's assessment, and the judgement
    assert verdict.accepted, verdict.violations  # over-approximated history, still well under the cap
    assert any("may be over-estimated" in note for note in verdict.notes), verdict.notes


def test_an_audit_pays_once_per_distinct_hostile_silence(spent):
    """Each silence's own assessment has an allowance of its own (the same wherever it is asked,
    and remembered even when cut): 50 listed silences of 3 distinct hostile matcher sets cost 3
    assessments' allowances, and the rest of the audit one allowance scaled by the listing."""
    listed = [{**paired(8), "id": f"s{i}", "status": {"state": "active"}} for i in range(40)]
    listed += [{**paired(8 + i % 3), "id": f"t{i}", "status": {"state": "active"}} for i in range(10)]
    findings = audit.audit(listed, rules())
    assert len(findings) == 50
    assert spent[0] <= 3 * ASSESSMENT + JUDGEMENT * (1 + len(listed) / 100)  # not 50 allowances' worth


def test_ordinary_silences_never_reach_the_allowance(spent):
    found = rules()
    for argv in (
        ["alertname=~HighErrorRate|HighResponseTime", 'service=~"api-.*"'],
        ["alertname=~HighMemoryUsage|[[:upper:]].*"],
        ["alertname=~(?i)highmemoryusage"],
        ["alertname=~(x+x+)+y|[^x].*"],
        ["severity=info", "category!=security"],
    ):
        allowance = budget.Allowance(labels.JUDGEMENT_STATES, labels.JUDGEMENT_STEPS)
        with budget.sharing(allowance):
            evaluate(amtool.parse([*argv, "-d", "1h", "-c", "deployment", AUTHOR], NOW), found)
        assert not allowance.cut, argv
        assert allowance.steps > labels.JUDGEMENT_STEPS * 0.9, argv  # a tenth of it at most


def test_an_assessment_is_remembered_as_its_own_allowance_left_it(spent):
    """A silence's own assessment has a fresh allowance: cut short or not, it is the same every
    time, so it is remembered, and asked again costs nothing."""
    found = rules()
    request = api.from_api(paired(8))
    hurried = assess(request, found)
    assert hurried is not None
    assert hurried.reach.undecided  # cut short
    before = spent[0]
    assert assess(request, found) is hurried
    assert spent[0] == before


def test_what_an_allowance_cut_short_is_not_remembered(spent):
    """Worked out within what a judgement has left, a value cut short depends on what was asked
    before it: it is not remembered (another judgement may decide more of it)."""
    found = rules()
    hard = labels_of(PAIR[0]) + labels_of(PAIR[1])
    with budget.sharing(budget.Allowance(states=100, steps=1_000)) as allowance:
        assert labels.remembered(found, "hard", lambda: labels.witness(hard)) is budget.UNDECIDED
    assert allowance.cut
    assert found.remembered("hard") is None
    with budget.sharing(budget.Allowance(labels.JUDGEMENT_STATES, labels.JUDGEMENT_STEPS)):
        assert labels.remembered(found, "easy", lambda: labels.witness(labels_of("api-.*"))) == "api-"
    assert found.remembered("easy") is not None  # decided: remembered


def test_a_spent_allowance_answers_at_once():
    allowance = budget.Allowance(states=0, steps=0)
    with budget.sharing(allowance):
        assert labels.witness(labels_of(PAIR[0])) is budget.UNDECIDED
    assert allowance.cut


def labels_of(pattern: str):
    return api.from_api(body(("x", pattern, True))).matchers
