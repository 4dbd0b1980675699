"""No one person can fill Alertmanager's listing of silences: past ``max_listing`` the gate
cannot read it, and every write (and the read-back of every write) would be refused until
Alertmanager forgets them, expired ones after its retention (red team: some 70 silences with
comments of 1 MiB). Each person's silences may take ``listed_per_person`` of it."""

from __future__ import annotations

import json

import pytest

from oncall_policy.gate.config import Auth, GateConfig, Limits
from oncall_policy.gate.history_cache import listed_size
from oncall_policy.silence import api
from tests.alertmanager_server import running
from tests.gate_support import BASIC, basic, call, gate, post, silence

pytestmark = pytest.mark.amtool

SHARE = GateConfig(
    auth=Auth(mode="basic", users_file=BASIC.auth.users_file), limits=Limits(listed_per_person=5000)
)
WORDY = "deployment in progress; " + "x" * 900  # about 1.3 KiB listed with its matchers


def test_one_persons_silences_take_no_more_than_their_share_of_the_listing(alertmanager_binary, tmp_path):
    with running(alertmanager_binary, tmp_path / "am") as server, gate([server.url], SHARE) as url:
        created = []
        for n in range(3):
            answer = post(url, silence(("alertname", "HighErrorRate"), ("service", f"s{n}"), comment=WORDY))
            assert answer.status == 200, answer.body
            created.append(answer.json()["silenceID"])
        fourth = post(url, silence(("alertname", "HighErrorRate"), ("service", "s3"), comment=WORDY))
        assert fourth.status == 429
        assert "limits.listed_per_person" in json.loads(fourth.body)["message"]

        # Expired, they are still listed (until Alertmanager's retention ends): still counted.
        for ident in created:
            assert (
                call(url, "DELETE", f"/api/v2/silence/{ident}", None, basic("engineer-a@clipper.app")).status
                == 200
            )
        again = post(url, silence(("alertname", "HighErrorRate"), ("service", "s4"), comment=WORDY))
        assert again.status == 429

        # Another person's share is their own; a short silence still fits in the first one's.
        other = silence(("alertname", "HighErrorRate"), ("service", "s5"), author="engineer-b@clipper.app")
        assert post(url, other, as_who="engineer-b@clipper.app").status == 200
        last = post(url, silence(("alertname", "HighErrorRate"), ("service", "s6")))
        assert last.status == 200, last.body
        assert len(server.silences()) == 5


def test_a_listing_past_max_listing_refuses_writes_and_says_which_setting_to_raise(
    alertmanager_binary, tmp_path
):
    small = GateConfig(auth=BASIC.auth, limits=Limits(max_listing=64 * 1024))
    with running(alertmanager_binary, tmp_path / "am") as server, gate([server.url], small) as url:
        for n in range(30):  # written around the gate: about 90 KiB listed
            server.post(silence(("alertname", "HighErrorRate"), ("service", f"w{n}"), comment="x" * 3000))
        answer = post(url, silence(("alertname", "HighErrorRate"), ("service", "after")))
        assert answer.status == 502
        message = json.loads(answer.body)["message"]
        assert "larger than the limit of 64 KiB; give [limits] max_listing=128KiB (or more)" in message


NASTY = ["<" * 500, "&>\u2028\u2029" * 100, '"\\' * 200, "\x01\x08\x0c\n\t" * 100, "é日本🙂" * 100]


@pytest.mark.parametrize(
    "comment", NASTY, ids=["lt", "amp-gt-separators", "quote-backslash", "controls", "utf8"]
)
def test_a_silence_is_counted_at_least_as_large_as_alertmanager_lists_it(
    alertmanager_binary, tmp_path, comment
):
    """The share is of bytes as listed: Go writes <, >, &, controls and line separators escaped,
    a comment of "<" six times its length (red team: counted in characters, the share let a
    person list six times as much)."""
    body = silence(("alertname", "HighErrorRate"), ("service", "x" * 50), comment="deployment " + comment)
    body["matchers"].append({"name": "instance", "value": comment[:200], "isRegex": False, "isEqual": True})
    with running(alertmanager_binary, tmp_path / "am") as server:
        server.post(body)
        listed = len(call(server.url, "GET", "/api/v2/silences").body.rstrip(b"\n")) - 2  # its brackets
    assert listed_size(api.from_api(body)) >= listed
