"""The warning that a schedule layer's members change: PagerDuty reshuffles who is on call."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.cli import main
from oncall_policy.compile import build_all
from oncall_policy.compile.pd.membership import warnings
from oncall_policy.output import previous_text, write
from oncall_policy.provenance import Source
from tests.conftest import CLIPPER

WEEK_4 = "- {primary: engineer-d, secondary: engineer-a, manager: manager-y}  # week 4"
# Engineer A takes week 4's primary turn and Engineer D the secondary one: D leaves the primary
# layer, A the secondary one.
SWAPPED = CLIPPER.read_text().replace(
    WEEK_4,
    WEEK_4.replace(
        "primary: engineer-d, secondary: engineer-a", "primary: engineer-a, secondary: engineer-d"
    ),
)
# Monday 2026-01-19 10:00 UTC: week 4 of the first cycle (weeks start Mondays 09:00 from 2025-12-29).
IN_WEEK_4 = datetime(2026, 1, 19, 10, 0, tzinfo=UTC)


def _warnings(files: dict[str, str], out: Path, now: datetime) -> list[str]:
    """The warnings as ``compile`` prints them: each after the file it is about."""
    return [f"{out / path}: {text}" for path, text in warnings(files, previous_text(out), now)]


def _files(text: str) -> dict[str, str]:
    return build_all(load_policy_text(text, "policy.yaml"), Source("policy.yaml", "0" * 64))


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    """The Clipper policy's output, as the previous `compile` left it."""
    write(_files(CLIPPER.read_text()), tmp_path)
    return tmp_path


def test_new_members_say_who_is_on_call_now_before_and_after(compiled: Path):
    found = _warnings(_files(SWAPPED), compiled, IN_WEEK_4)
    assert len(found) == 2
    primary, secondary = found
    assert primary.startswith(f"{compiled}/pagerduty/schedules/clipper-weekly/primary.json: layer ")
    assert "(Engineer D leaves)" in primary
    assert "from 2025-12-29T09:00:00Z" in primary
    assert "on call now changes at once from Engineer D to Engineer A" in primary
    assert "(Engineer A leaves)" in secondary
    assert "on call now changes at once from Engineer A to Engineer D" in secondary


def test_the_same_people_in_another_order_is_a_change_too(compiled: Path):
    text = CLIPPER.read_text()
    week_1 = "- {primary: engineer-a, secondary: engineer-b, manager: manager-x}  # week 1"
    week_2 = "- {primary: engineer-b, secondary: engineer-c, manager: manager-x}  # week 2"
    swapped = text.replace(week_1, "WEEK-1").replace(week_2, week_1).replace("WEEK-1", week_2)
    found = _warnings(_files(swapped), compiled, IN_WEEK_4)
    assert found
    assert all("(the same people in another order)" in line for line in found)
    assert any("on call now stays Engineer D" in line for line in found)  # week 4 is untouched


def test_no_warning_without_a_change_or_without_a_schedule_before(compiled: Path, tmp_path_factory):
    files = _files(CLIPPER.read_text())
    assert _warnings(files, compiled, IN_WEEK_4) == []
    assert _warnings(files, tmp_path_factory.mktemp("empty"), IN_WEEK_4) == []


def test_before_the_rotation_starts_nobody_is_on_call(compiled: Path):
    [primary, _] = _warnings(_files(SWAPPED), compiled, datetime(2025, 1, 1, tzinfo=UTC))
    assert "on call now stays nobody" in primary


def test_compile_prints_the_warning_and_writes_anyway(compiled: Path, tmp_path: Path, capsys):
    changed = tmp_path / "changed.yaml"
    changed.write_text(SWAPPED)
    assert main(["compile", "--policy", str(changed), "--out", str(compiled)]) == 0
    err = capsys.readouterr().err
    assert err.count("oncall-policy: warning: ") == 2
    assert "PagerDuty recomputes the rotation" in err
    assert main(["compile", "--policy", str(changed), "--out", str(compiled)]) == 0
    assert capsys.readouterr().err == ""  # written: nothing changes any more
