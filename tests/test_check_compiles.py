"""What ``check`` accepts, ``compile`` compiles: every way the compiler can refuse a policy is a
problem ``check`` reports first, at its place in the file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.compile import build_all
from oncall_policy.compile.pd.limits import name_problem
from oncall_policy.errors import PolicyError
from oncall_policy.load.dump import dump_policy
from oncall_policy.model import Policy
from oncall_policy.model.types import PagerDutyName
from oncall_policy.provenance import Source
from tests.strategies_load import MINIMAL_TEXT, policies_with_any_text

SOURCE = Source("policy.yaml", "0" * 64)


@given(policies_with_any_text())
def test_what_check_accepts_compiles(policy: Policy):
    """For any policy with any text in its free-text fields (names, descriptions, responses, of
    any length the model allows), if ``check`` accepts the file, every target compiles it."""
    try:
        checked = load_policy_text(dump_policy(policy), "policy.yaml")
    except PolicyError:
        return
    build_all(checked, SOURCE)


@given(st.text(max_size=12) | st.text(st.characters(max_codepoint=127), max_size=12))
def test_the_model_refuses_a_name_exactly_when_the_pagerduty_limits_would(name: str):
    """The model's rule for names of PagerDuty objects is the compiler's own output check."""
    from pydantic import TypeAdapter, ValidationError  # noqa: PLC0415

    try:
        TypeAdapter(PagerDutyName).validate_python(name)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted == (name != "" and name_problem(name) is None)


def _checked(replace: str, by: str) -> list[str]:
    text = MINIMAL_TEXT.replace(replace, by, 1)
    assert text != MINIMAL_TEXT
    try:
        load_policy_text(text, "p.yaml")
    except PolicyError as error:
        return [str(problem) for problem in error.problems]
    return []


NAME_RULE = (
    "which PagerDuty refuses in a name: it takes no \\ / & < >, and only characters from U+0020 "
    "to U+FFFF (no control characters, no emoji) (invalid-value)"
)


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        pytest.param(
            "name: Pager,",
            "name: a/b,",
            [f"p.yaml:52:23: [error] paging_services[0].name: the name holds '/', {NAME_RULE}"],
            id="a slash in a paging service's name",
        ),
        pytest.param(
            "name: Weekly\n",
            "name: 'Weekly <primary>'\n",
            [f"p.yaml:17:11: [error] rotations[0].name: the name holds '<', {NAME_RULE}"],
            id="an angle bracket in a rotation's name",
        ),
        pytest.param(
            "name: Main\n",
            "name: Main 🔥\n",
            [f"p.yaml:44:11: [error] escalation_policies[0].name: the name holds U+1F525, {NAME_RULE}"],
            id="an emoji in an escalation policy's name",
        ),
        pytest.param(
            "name: Pager,",
            "name: 'Pager ',",
            [
                (
                    "p.yaml:52:23: [error] paging_services[0].name: the name has leading or trailing "
                    "spaces, which PagerDuty refuses (invalid-value)"
                )
            ],
            id="a trailing space",
        ),
        pytest.param(
            "name: Pager,",
            f"name: {'x' * 501},",
            [
                (
                    "p.yaml:52:23: [error] paging_services[0].name: string should have at most 500 "
                    "characters (invalid-value)"
                )
            ],
            id="a name too long for what the compiler appends",
        ),
        pytest.param(
            "{id: primary, name: Primary,",
            f"{{id: primary, name: {'x' * 990},",
            [
                (
                    "p.yaml:46:7: [error] escalation_policies[0].levels: the PagerDuty escalation "
                    "policy compiled from this ladder would have a description of 1,050 characters; "
                    "PagerDuty takes at most 1,000: shorten the description or level names "
                    "(pagerduty-length)"
                )
            ],
            id="level names too long for the escalation policy's description",
        ),
    ],
)
def test_what_compile_would_refuse_check_refuses_at_its_place(replace: str, by: str, expected: list[str]):
    assert _checked(replace, by) == expected


def test_each_refused_name_fails_compile_without_the_rule():
    """The names refused above are the ones the compiler refused, without a position."""
    assert name_problem("a/b") is not None
    assert name_problem("Main 🔥 (P1)") is not None
    assert name_problem("Pager ") is not None
