"""The example policy reads a silence's reason the way engineers write one at 3 AM.

Each valid reason of Clipper's guide is held to at least five ordinary phrasings (the one it
should be read as is the test's id), and the invalid reasons stay refused, also inside longer
sentences that give a valid reason too.
"""

from __future__ import annotations

import pytest

from oncall_policy.silence import source
from oncall_policy.silence.comment import readable
from tests.conftest import CLIPPER

RULES = source.load(CLIPPER).rules

PHRASINGS = {
    "maintenance": [
        "Scheduled maintenance",
        "DB upgrade tonight",
        "maint window for redis",
        "Patching the kernel on the db hosts",
        "CHG-1234 rebooting the cache nodes",
        "certificate rotation on the ingress",
    ],
    "known-issue": [
        "Known issue being worked, OPS-77",
        "investigation ongoing",
        "known-issue OPS-12",
        "Investigating memory leak",
        "INC-42: mitigation in place, fix is underway",
        "Looking into it with the database team",
        "Issue being actively worked by the DB team",
        "Actively working the issue",
        "Known issue being actively worked",
    ],
    "deployment": [
        "Deployment in progress",
        "Rolling out new ingress",
        "Hotfix in progress",
        "deploying v2.3.1",
        "release 4.2 going out",
        "canary for the new checkout",
        "rolling back last night's change",
        "Rolling restart in progress",
        "Deployment in progress, no idea how long it takes",
    ],
    "planned-downtime": [
        "Planned downtime",
        "Scheduled outage for the DNS cutover",
        "migrating to the new cluster",
        "payments db downtime window",
        "decommissioning the old search nodes",
        "Planned down time for the database",
        "Planned down-time for the database",
    ],
}

INVALID = {
    "annoying": [
        "This alert is annoying",
        "annoying flapping, deploying a fix",
        "so annoyed by this page",
        "\u0430nnoying, deploying",  # a Cyrillic а
        "anno\u00adying, deploying",  # a soft hyphen
    ],
    "too-many-alerts": [
        "too many alerts",
        "Too many pages tonight, investigating",
        "it's noisy, INC-4",
        "spamming the channel during the deploy",
        "too  many alerts, deploying",  # two spaces
        "this alert is very noisy, INC-9",
        "alert’s noisy, deploy in progress",  # a typographic apostrophe
        "noisy alerts again, OPS-3",
    ],
    "dont-know-how-to-fix": [
        "don't know how to fix this",
        "no idea why, investigating",
        "can't fix it tonight, known issue",
        "I do not know how to stop it",
        "Don’t know how to fix, INC-2",  # what phones and Slack type
        "can’t fix, known issue",
        "no  idea, investigating",
        "investigating, no idea",
        "no idea how to fix it, OPS-5",
    ],
}

# Words that look like an invalid reason but describe the problem, not the alert.
NOT_INVALID = [
    "Known issue: too many connections to the db, OPS-77",
    "investigating noisy neighbour on db-1",
    "deployment of the spam filter",
]


def reasons_given(comment: str) -> tuple[list[str], list[str]]:
    text = readable(comment)
    valid = [r.id for r in RULES.valid if r.given_by(text)]
    invalid = [r.id for r in RULES.invalid if r.given_by(text)]
    return valid, invalid


@pytest.mark.parametrize(
    ("reason", "comment"),
    [(reason, comment) for reason, comments in PHRASINGS.items() for comment in comments],
    ids=[f"{reason}: {comment}" for reason, comments in PHRASINGS.items() for comment in comments],
)
def test_ordinary_phrasings_give_their_reason(reason, comment):
    valid, invalid = reasons_given(comment)
    assert reason in valid
    assert invalid == []


def test_every_valid_reason_has_five_phrasings_or_more():
    assert {r.id for r in RULES.valid} == set(PHRASINGS)
    assert all(len(comments) >= 5 for comments in PHRASINGS.values())


@pytest.mark.parametrize(
    ("reason", "comment"),
    [(reason, comment) for reason, comments in INVALID.items() for comment in comments],
    ids=[f"{reason}: {comment}" for reason, comments in INVALID.items() for comment in comments],
)
def test_invalid_reasons_are_refused_even_beside_a_valid_one(reason, comment):
    _, invalid = reasons_given(comment)
    assert reason in invalid


@pytest.mark.parametrize("comment", NOT_INVALID)
def test_the_problem_described_is_not_an_invalid_reason(comment):
    valid, invalid = reasons_given(comment)
    assert valid
    assert invalid == []
