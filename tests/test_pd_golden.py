"""Golden files: the PagerDuty output of both example policies is the committed ``generated/``.

Regenerate with one command, ``make compile`` (``oncall-policy compile`` for each example); a
difference fails here with a unified diff, and ``compile --check`` fails in CI.
"""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.compile import pagerduty, terraform
from oncall_policy.load import parts
from oncall_policy.model import Policy
from oncall_policy.provenance import Source
from tests.conftest import EXAMPLES
from tests.pd_helpers import files_of, policy_data


def _built(policy_path: Path) -> dict[str, str]:
    policy = load_policy(policy_path)
    source = Source.of(policy_path, policy_path.read_bytes(), parts.sources(policy))
    return {**pagerduty.build(policy, source), **terraform.build(policy, source)}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_generated_pagerduty_files_match_the_committed_golden_files(name):
    policy_path = EXAMPLES[name]
    out = policy_path.parent / "generated"
    built = _built(policy_path)
    committed = {
        str(p.relative_to(out)): p.read_text(encoding="utf-8")
        for p in [*out.glob("pagerduty/**/*.json"), out / "pagerduty.tf.json"]
    }
    assert sorted(built) == sorted(committed)
    for path, text in built.items():
        diff = "".join(
            difflib.unified_diff(
                committed[path].splitlines(keepends=True), text.splitlines(keepends=True), path, path
            )
        )
        assert not diff, diff


UNORDERED = ("roles", "teams", "people", "rotations", "severities", "escalation_policies",
             "paging_services", "chat_channels", "alerts")  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("seed", range(3))
def test_reordering_unordered_sections_changes_nothing(name, seed):
    """Lists whose order means nothing may be shuffled (routes, levels and turns keep theirs)."""
    data = policy_data(EXAMPLES[name])
    shuffled = {
        **data,
        **{
            key: random.Random(seed).sample(  # noqa: S311 - a seeded shuffle, not a secret
                data[key], len(data[key])
            )
            for key in UNORDERED
            if key in data
        },
    }
    assert files_of(Policy.model_validate(shuffled)) == files_of(Policy.model_validate(data))
