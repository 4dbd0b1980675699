"""author-not-you and display names (red team): a display name that shows another roster person's
name (however spelt: an invisible zero-width character, a Cyrillic or full-width letter, quotes)
on one's own address is refused; two people who share a name may each show it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.gate import writes
from oncall_policy.people import Person, Roster
from oncall_policy.silence import api
from tests.gate_support import RULES

ENGINEER = RULES.roster.find("engineer-a@clipper.app")


def _silence(author: str) -> dict:
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=1)).isoformat(),
        "createdBy": author,
        "comment": "deployment in progress",
    }


@pytest.mark.parametrize(
    "shown",
    [
        "Manager X\u200b",  # a zero-width space after it: invisible in the UI
        "Manager\u200bX",
        "\u041canager X",  # Cyrillic capital EM for the M
        "\uff2danager X",  # full-width M
        "'Manager X'",  # single quotes, as the double ones are dropped
    ],
)
def test_a_look_alike_of_another_persons_name_on_ones_own_address_is_refused(shown):
    body = writes.decode(json.dumps(_silence(f"{shown} <engineer-a@clipper.app>")).encode())
    _, verdict = writes.judge(body, ENGINEER, RULES, [])
    assert "author-not-you" in {v.rule for v in verdict.violations}, (shown, verdict.accepted)


def test_a_person_who_shares_a_name_with_another_may_show_their_own_name():
    first = Person("alex-kim", "Alex Kim", "alex.kim@clipper.app", frozenset({"engineer"}))
    second = Person("akim", "Alex Kim", "akim@clipper.app", frozenset({"engineer"}))
    roster = Roster([first, second], guests=False, subaddresses="distinct")
    for person in (first, second):
        request = api.from_api(_silence(f"Alex Kim <{person.email}>"))
        found = writes.gate_violations(request, person, roster)
        assert found == [], (person.id, [v.message for v in found])
