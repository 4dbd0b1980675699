"""``oncall-policy who``: exact output for the examples."""

from __future__ import annotations

import json

import pytest

from oncall_policy.cli import main
from tests.conftest import ACME, CLIPPER

CLIPPER_WEEK_2 = """\
On call at 2026-01-05T10:00:00Z:
Clipper weekly on-call (clipper-weekly): turn 2 since 2026-01-05T09:00:00Z, next hand-off 2026-01-12T09:00:00Z
  primary    Engineer B <engineer-b@clipper.app>
  secondary  Engineer C <engineer-c@clipper.app>
  manager    Manager X <manager-x@clipper.app>
"""


@pytest.mark.parametrize("at", ["2026-01-05T10:00", "2026-01-05T10:00:00Z", "2026-01-05T11:00:00+01:00"])
def test_text_naive_times_are_utc_and_offsets_are_honoured(at, capsys):
    assert main(["who", "--policy", str(CLIPPER), "--at", at]) == 0
    assert capsys.readouterr().out == CLIPPER_WEEK_2


def test_hand_off_instant_belongs_to_the_new_turn(capsys):
    assert main(["who", "--policy", str(CLIPPER), "--at", "2026-01-19T09:00Z", "--format", "json"]) == 0
    (rotation,) = json.loads(capsys.readouterr().out)["rotations"]
    assert {s["slot"]: s["person"] for s in rotation["slots"]} == {
        "primary": "engineer-d",
        "secondary": "engineer-a",
        "manager": "manager-y",
    }
    assert rotation["next_handoff"] == "2026-01-26T09:00:00Z"


def test_json_across_berlin_spring_forward_and_business_hours(capsys):
    assert main(["who", "--policy", str(ACME), "--at", "2026-03-29T07:30+02:00", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rotations = {r["rotation"]: r for r in document["rotations"]}
    sun = rotations["infra-sun"]
    # 20:00 CET on the 28th to 08:00 CEST on the 29th: eleven hours.
    assert (sun["turn_started"], sun["next_handoff"]) == ("2026-03-28T19:00:00Z", "2026-03-29T06:00:00Z")
    assert [s["on_duty"] for s in rotations["payments-business"]["slots"]] == [False, False]
    assert document["at"] == "2026-03-29T05:30:00Z"


def test_a_bad_time_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["who", "--at", "next monday"])
    assert raised.value.code == 2
    assert "'next monday' is not an ISO 8601 time" in capsys.readouterr().err
