"""Two gates in front of one Alertmanager (and of a gossiping pair), written to side by side:
halves of a chain accepted by each, each unseen by the other, leave only the first one taken.

Each gate holds its listing for an hour (``history_max_age``), so that the second gate judges
its half without the first gate's: the race the read-back (``gate.read_back``) closes. HighErrorRate
(P2) may be silenced for 4 h in one stretch; the halves are 2 h 30 m each.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oncall_policy.gate import auditlog, history_cache, read_back
from oncall_policy.silence import source
from tests.alertmanager_server import Server, running
from tests.conftest import CLIPPER
from tests.gate_support import basic, call, gate, limited, post, silence

pytestmark = pytest.mark.amtool

# No listing again but the read-back's, looked at soon (loopback gossip takes tens of ms; the
# read-back looks again until a listing shows the write).
HELD = limited(history_max_age=timedelta(hours=1), read_back_after=timedelta(milliseconds=300))


@contextmanager
def two_gates(binary: str, workdir: Path, *, pair: bool) -> Iterator[tuple[Server, str, str]]:
    """An Alertmanager (or a gossiping pair) and two gates: the first creates on the first peer,
    the second on the other one."""
    with running(binary, workdir / "one", cluster=pair) as one:
        if not pair:
            with gate([one.url], HELD) as first, gate([one.url], HELD) as second:
                yield one, first, second
            return
        with (
            running(binary, workdir / "two", peers=[one.cluster_address or ""]) as two,
            gate([one.url, two.url], HELD) as first,
            gate([two.url, one.url], HELD) as second,
        ):
            yield one, first, second


def half(service: str, start: timedelta = timedelta(0)) -> dict[str, object]:
    return silence(("alertname", "HighErrorRate"), ("service", service), minutes=150, start=start)


def listed_by(gate_url: str) -> None:
    """Have the gate list the silences now (a refused write is judged with them), so that it
    holds that listing, and nothing written after, for the next write."""
    over_cap = silence(("alertname", "HighErrorRate"), ("service", "warm"), minutes=30 * 24 * 60)
    assert post(gate_url, over_cap).status == 400


def read_backs(gate_url: str, result: str) -> float:
    text = call(gate_url, "GET", "/metrics").body.decode()
    found = re.search(
        rf'^oncall_policy_gate_read_backs_total{{result="{result}"}} (\S+)$', text, re.MULTILINE
    )
    return float(found.group(1)) if found else 0.0


def states(server: Server) -> dict[str, str]:
    return {item["id"]: item["status"]["state"] for item in server.silences()}


def until(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


@pytest.mark.parametrize("pair", [False, True], ids=["one-alertmanager", "gossiping-pair"])
@pytest.mark.parametrize("later_half_first", [False, True], ids=["now-then-later", "later-then-now"])
def test_of_two_halves_of_a_chain_the_one_taken_second_is_withdrawn(
    alertmanager_binary, tmp_path, caplog, pair, later_half_first
):
    caplog.set_level(logging.INFO, logger=auditlog.LOGGER)
    now, later = half("race"), half("race", start=timedelta(hours=2))
    first_half, second_half = (later, now) if later_half_first else (now, later)
    with two_gates(alertmanager_binary, tmp_path, pair=pair) as (server, first, second):
        listed_by(second)
        kept = post(first, first_half)
        raced = post(second, second_half)  # judged without the first: 5 h in one stretch
        assert (kept.status, raced.status) == (200, 200), (kept.body, raced.body)
        kept_id, raced_id = kept.json()["silenceID"], raced.json()["silenceID"]
        until(lambda: states(server).get(raced_id) == "expired")
        until(lambda: read_backs(first, "stands") + read_backs(first, "kept") == 1)
        assert states(server)[kept_id] in ("active", "pending")
        assert read_backs(second, "withdrawn") == 1
        assert read_backs(first, "withdrawn") == 0
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == auditlog.LOGGER]
    withdrawn = [line for line in lines if line["decision"] == "withdrawn"]
    assert [(w["silence_id"], w["who"], w["rules"]) for w in withdrawn] == [
        (raced_id, "engineer-a@clipper.app", ["over-cap-recreated"])
    ]


def test_a_reload_before_the_read_back_still_withdraws_the_half_taken_second(
    alertmanager_binary, tmp_path, caplog
):
    """Any reload in the second before the read-back (here one that changes nothing: a comment
    added, as configuration management rewrites files) made it give up on the write, and both
    halves stood: 5 h on a 4 h cap (red team). The write is judged again under the rules that
    accepted it."""
    from oncall_policy.silence import source  # noqa: PLC0415

    caplog.set_level(logging.INFO)
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(CLIPPER.read_bytes())
    rules = source.load(str(policy)).rules
    now, later = half("reloaded"), half("reloaded", start=timedelta(hours=2))
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], HELD, rules=rules, policy=str(policy), watch_interval=0.1) as first,
        gate([server.url], HELD, rules=rules, policy=str(policy), watch_interval=0.1) as second,
    ):
        listed_by(second)
        kept, raced = post(first, now), post(second, later)
        assert (kept.status, raced.status) == (200, 200), (kept.body, raced.body)
        policy.write_text(policy.read_text() + "\n# reviewed\n")
        until(lambda: any("policy reloaded" in r.getMessage() for r in caplog.records), 5)
        raced_id = raced.json()["silenceID"]
        until(lambda: states(server).get(raced_id) == "expired")
        assert states(server)[kept.json()["silenceID"]] in ("active", "pending")
        assert read_backs(second, "withdrawn") == 1


def test_writes_through_two_gates_that_keep_the_policy_together_both_stand(alertmanager_binary, tmp_path):
    """Two halves of 1 h 30 m (3 h together, under the 4 h cap) raced the same way: both kept."""
    short = silence(("alertname", "HighErrorRate"), ("service", "fits"), minutes=90)
    after = silence(
        ("alertname", "HighErrorRate"), ("service", "fits"), minutes=90, start=timedelta(minutes=90)
    )
    with two_gates(alertmanager_binary, tmp_path, pair=False) as (server, first, second):
        listed_by(second)
        ids = [post(first, short).json()["silenceID"], post(second, after).json()["silenceID"]]
        until(lambda: read_backs(second, "kept") == 1)  # judged again with the first: it fits
        until(lambda: read_backs(first, "stands") == 1)  # nothing taken before it came in after
        assert [states(server)[ident] for ident in ids] == ["active", "pending"]


def test_a_silence_changed_elsewhere_before_the_read_back_is_not_judged_as_sent(
    alertmanager_binary, tmp_path
):
    """Updated in place since (here at Alertmanager itself), the silence is no longer the write
    the gate judged: the write that changed it is the one to look at, by whoever took it."""
    with two_gates(alertmanager_binary, tmp_path, pair=False) as (server, first, _):
        listed_by(first)
        server.post(half("moved"))  # another writer's, taken first: the gate's breaks the cap with it
        created = post(first, half("moved", start=timedelta(hours=2))).json()["silenceID"]
        listed = next(item for item in server.silences() if item["id"] == created)
        fields = ("id", "matchers", "startsAt", "endsAt", "createdBy")
        assert server.post({**{k: listed[k] for k in fields}, "comment": "changed elsewhere"}) == created
        until(lambda: read_backs(first, "changed") == 1)
        assert read_backs(first, "withdrawn") == 0
        assert states(server)[created] == "pending"


@pytest.mark.parametrize(
    "fraction", ["", ".000123", ".000999001"], ids=["seconds", "microseconds", "nanoseconds"]
)
def test_a_write_judged_without_a_silence_taken_just_before_it_elsewhere_is_withdrawn(
    alertmanager_binary, tmp_path, fraction
):
    """The same without a change: the gate's write, taken second, breaks the cap and is expired.
    Sent to the microsecond or nanosecond, it is listed to the millisecond (cut), and is still
    the write sent (.000999001 is read as .001 at the end, listed as .000: red team)."""
    write = half("around", start=timedelta(hours=2))
    ends = (datetime.now(UTC) + timedelta(hours=4, minutes=30)).replace(microsecond=0)
    write["endsAt"] = ends.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
    with two_gates(alertmanager_binary, tmp_path, pair=False) as (server, first, _):
        listed_by(first)
        around = server.post(half("around"))
        created = post(first, write).json()["silenceID"]
        until(lambda: states(server)[created] == "expired")
        assert states(server)[around] == "active"
        assert read_backs(first, "withdrawn") == 1


@pytest.mark.parametrize(
    ("minutes", "comment"),
    [(240, "this alert is annoying"), (300, "deployment in progress")],
    ids=["4h-of-a-reason-refused", "5h-over-the-cap"],
)
def test_a_write_chained_to_a_silence_around_every_gate_that_breaks_the_policy_is_withdrawn(
    alertmanager_binary, tmp_path, monkeypatch, minutes, comment
):
    """Around the gate, an admin silences HighErrorRate for 4 h for a reason the policy refuses,
    or for 5 h (over the cap); within the second the gate takes the next 4 h. The read-back
    leaves a silence come in that breaks the policy to the gate that wrote it: no gate did, and
    the gate's write was kept for good, 8 h or 9 h in one stretch on a 4 h cap (red team). Live
    ``WITHDRAWAL_SECONDS`` after it came in, it counts, and the write chained to it goes."""
    monkeypatch.setattr(read_back, "WITHDRAWAL_SECONDS", 2.0)
    with running(alertmanager_binary, tmp_path / "am") as server, gate([server.url], limited()) as url:
        listed_by(url)  # held for history_max_age (1 s): the admin's silence is not in it
        around = server.post(
            silence(("alertname", "HighErrorRate"), ("service", "kept"), minutes=minutes, comment=comment)
        )
        chained = silence(
            ("alertname", "HighErrorRate"), ("service", "kept"), minutes=240, start=timedelta(minutes=minutes)
        )
        answer = post(url, chained)
        if answer.status == 400:  # judged with the admin's silence after all (a slow machine)
            assert "over-cap-recreated" in answer.body.decode()
            return
        created = answer.json()["silenceID"]
        until(lambda: states(server)[created] == "expired")
        assert states(server)[around] == "active"
        assert read_backs(url, "withdrawn") == 1
        assert read_backs(url, "kept") == 0


def test_during_a_policy_rollout_a_write_is_withdrawn_for_the_other_gates_silence(
    alertmanager_binary, tmp_path, monkeypatch
):
    """Two gates while a policy rolls out: the first still caps P2 at 4 h, the second at 3 h.
    The first takes now→3 h 30 m; the second, not holding it yet, 3 h 30 m→5 h. The second's
    read-back left the first's silence out (it breaks the 3 h cap on its own) though no gate
    withdraws it (the first keeps it: it keeps the policy the first judges with): 5 h stood in
    one stretch, over both caps (red team). Live ``WITHDRAWAL_SECONDS`` after it came in, it
    counts, and the second write goes."""
    monkeypatch.setattr(read_back, "WITHDRAWAL_SECONDS", 1.0)
    text = CLIPPER.read_text()
    old = "applies_to: {severities: [P2]}\n      max_duration: 4h"
    assert old in text
    newer = tmp_path / "policy.yaml"
    newer.write_text(text.replace(old, old.replace("4h", "3h")))
    new_rules = source.load(str(newer)).rules
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], HELD) as first,
        gate([server.url], HELD, rules=new_rules) as second,
    ):
        listed_by(second)
        kept = post(first, silence(("alertname", "HighErrorRate"), ("service", "rollout"), minutes=210))
        raced = post(
            second,
            silence(
                ("alertname", "HighErrorRate"),
                ("service", "rollout"),
                minutes=90,
                start=timedelta(minutes=210),
            ),
        )
        assert (kept.status, raced.status) == (200, 200), (kept.body, raced.body)
        raced_id = raced.json()["silenceID"]
        until(lambda: states(server)[raced_id] == "expired")
        assert states(server)[kept.json()["silenceID"]] == "active"


def test_a_gate_alone_never_judges_its_writes_again(alertmanager_binary, tmp_path, monkeypatch):
    """Its own writes, listed once its journal of them lapsed (here after a fifth of a second),
    to the millisecond and started when Alertmanager took them, are not silences come in
    around it: each write stands as judged, none is judged again."""
    monkeypatch.setattr(history_cache, "JOURNAL_SECONDS", 0.2)
    start = datetime.now(UTC) - timedelta(seconds=5)  # in the past: Alertmanager starts it later
    writes = []
    for n in range(3):
        write = silence(
            ("alertname", "HighErrorRate"), ("service", "alone"), minutes=60, start=timedelta(minutes=50 * n)
        )
        if n == 0:
            write["startsAt"] = start.isoformat(timespec="microseconds").replace("+00:00", "Z")
        write["endsAt"] = write["endsAt"].replace("Z", f".{n}54321Z")
        writes.append(write)
    with two_gates(alertmanager_binary, tmp_path, pair=False) as (_, first, _):
        for write in writes:
            assert post(first, write).status == 200
            time.sleep(0.5)
        until(lambda: read_backs(first, "stands") == len(writes))
        assert read_backs(first, "kept") == 0


@pytest.mark.parametrize("held", [True, False], ids=["listing-held-an-hour", "listing-held-a-second"])
def test_another_gates_update_in_place_of_this_gates_silence_counts_here(alertmanager_binary, tmp_path, held):
    """The first gate creates S1 (1 h); the second extends it in place to 4 h; the first then
    accepts the next 4 h on the same alert from 4 h 1 m. Its record of S1 (1 h) must not hide
    the longer version: the write is refused, or withdrawn once listed, never left standing."""
    config = HELD if held else limited()
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], config) as first,
        gate([server.url], config) as second,
    ):
        s1 = post(first, silence(("alertname", "HighErrorRate"), ("service", "moved"), minutes=60))
        assert s1.status == 200, s1.body
        s1_id = s1.json()["silenceID"]
        time.sleep(1.5)  # the first gate's record of S1 confirmed by a listing (held: the read-back's)
        listed = next(item for item in server.silences() if item["id"] == s1_id)
        longer = {k: listed[k] for k in ("id", "matchers", "startsAt", "createdBy", "comment")}
        begun = datetime.fromisoformat(listed["startsAt"])
        longer["endsAt"] = (begun + timedelta(hours=4)).isoformat().replace("+00:00", "Z")
        extended = post(second, longer)
        assert extended.status == 200, extended.body
        assert extended.json()["silenceID"] == s1_id  # updated in place
        later = silence(
            ("alertname", "HighErrorRate"),
            ("service", "moved"),
            minutes=240,
            start=timedelta(hours=4, minutes=1),
        )
        s2 = post(first, later)
        if s2.status == 200:
            until(lambda: states(server)[s2.json()["silenceID"]] == "expired")
            assert read_backs(first, "withdrawn") == 1
        else:
            assert s2.status == 400
            assert "over-cap-recreated" in s2.json()
        assert not held or s2.status == 200  # held an hour, only the read-back can see the update
        assert states(server)[s1_id] == "active"


def test_a_write_a_silent_peer_holds_is_counted_when_it_answers_again(alertmanager_binary, tmp_path):
    """Peer one took S1 and then stops answering (paused) before any other peer holds it (here:
    peers that do not gossip at all). The second gate judges the chained S2 with peer two's
    listing alone and creates it there; its read-back does not settle for "stands" until every
    peer has answered, and once peer one answers again, S2 is withdrawn."""
    quick = limited(upstream_timeout=timedelta(seconds=1))
    with (
        running(alertmanager_binary, tmp_path / "one") as one,
        running(alertmanager_binary, tmp_path / "two") as two,
        gate([one.url], quick) as first,
        gate([two.url, one.url], quick) as second,
    ):
        s1 = post(first, half("paused"))
        assert s1.status == 200, s1.body
        one.process.send_signal(signal.SIGSTOP)
        try:
            s2 = post(second, half("paused", start=timedelta(hours=2)))  # one does not answer
            assert s2.status == 200, s2.body
            time.sleep(3)  # looked at with peer two's listing alone: not settled
            assert read_backs(second, "stands") == 0
            assert states(two)[s2.json()["silenceID"]] == "pending"
        finally:
            one.process.send_signal(signal.SIGCONT)
        until(lambda: states(two)[s2.json()["silenceID"]] == "expired")
        assert read_backs(second, "withdrawn") == 1
        assert states(one)[s1.json()["silenceID"]] == "active"


def test_a_silence_expired_through_another_gate_no_longer_counts_here(alertmanager_binary, tmp_path):
    """The first gate creates S1 (pending, 4 h from in an hour); the second expires it at once,
    before the first has listed it. Listed expired, S1 covers nothing: a 4 h silence now is
    accepted, however fresh the first gate's own record of S1 is."""
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], limited()) as first,
        gate([server.url], limited()) as second,
    ):
        ahead = silence(
            ("alertname", "HighErrorRate"), ("service", "gone"), minutes=240, start=timedelta(hours=1)
        )
        s1 = post(first, ahead).json()["silenceID"]
        assert (
            call(second, "DELETE", f"/api/v2/silence/{s1}", None, basic("engineer-b@clipper.app")).status
            == 200
        )
        time.sleep(1.2)  # older than history_max_age: the next write lists again
        now = post(first, silence(("alertname", "HighErrorRate"), ("service", "gone"), minutes=240))
        assert now.status == 200, now.body


def test_a_silence_shortened_through_another_gate_counts_here_as_shortened(alertmanager_binary, tmp_path):
    """The first gate creates S1 (4 h); the second shortens it in place to 30 m. Listed so by
    every peer, the shorter version is the later one: a 4 h silence from 3 h on no longer
    chains with S1 in the first gate (red team: its record of S1 refused it for 10 s)."""
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], limited()) as first,
        gate([server.url], limited()) as second,
    ):
        s1 = post(first, silence(("alertname", "HighErrorRate"), ("service", "short"), minutes=240))
        s1_id = s1.json()["silenceID"]
        listed = next(item for item in server.silences() if item["id"] == s1_id)
        shorter = {k: listed[k] for k in ("id", "matchers", "startsAt", "createdBy", "comment")}
        shorter["endsAt"] = (datetime.fromisoformat(listed["startsAt"]) + timedelta(minutes=30)).isoformat()
        assert post(second, shorter).json()["silenceID"] == s1_id  # shortened in place
        time.sleep(1.2)  # older than history_max_age: the next write lists again
        later = silence(
            ("alertname", "HighErrorRate"), ("service", "short"), minutes=240, start=timedelta(hours=3)
        )
        answer = post(first, later)
        assert answer.status == 200, answer.body


def test_a_write_counts_as_judged_before_its_history_is_picked(alertmanager_binary, tmp_path, monkeypatch):
    """A write of regexes is judged in a thread, and a listing may be taken in meanwhile: the
    time the read-back weighs later arrivals from is taken before its history is picked, not
    when the judgement ends, or a silence taken in during the judgement would be neither in it
    nor weighed after (red team: a 4 h 30 m stretch on a 4 h cap, 2 runs in 3)."""
    picked: list[float] = []
    watched: list[float] = []
    history_for = history_cache._history_for
    monkeypatch.setattr(
        history_cache, "_history_for", lambda *args: picked.append(time.monotonic()) or history_for(*args)
    )
    watch = read_back.ReadBack.watch
    monkeypatch.setattr(
        read_back.ReadBack, "watch", lambda self, *args: watched.append(args[3]) or watch(self, *args)
    )
    regex = silence(("alertname", "HighErrorRate"), minutes=30)
    regex["matchers"].append({"name": "service", "value": "api-.*", "isRegex": True, "isEqual": True})
    with running(alertmanager_binary, tmp_path / "am") as server, gate([server.url], HELD) as url:
        assert post(url, regex).status == 200
    assert len(picked) == len(watched) == 1
    assert watched[0] <= picked[0]


def test_a_write_is_not_withdrawn_for_a_silence_that_is_itself_withdrawn(
    alertmanager_binary, tmp_path, monkeypatch
):
    """Three writes through three gates, none holding the others': W1 0→2h30, W2 2h→4h30,
    W3 4h→6h30. W1 and W2 break the cap together, and so do W2 and W3; W1 and W3 do not. One
    gate judging them in order keeps W1, refuses W2 and keeps W3, and so must the read-backs,
    although W3's looks before W2's gate has withdrawn W2 (here: that gate looks 4 s later)."""
    made = read_back.ReadBack.__init__
    gates_made: list[read_back.ReadBack] = []

    def slower_second(self, *args, **kwargs) -> None:
        gates_made.append(self)
        made(self, *args, **({"after": 4.0} if len(gates_made) == 2 else {}) | kwargs)

    monkeypatch.setattr(read_back.ReadBack, "__init__", slower_second)
    with (
        running(alertmanager_binary, tmp_path / "am") as server,
        gate([server.url], HELD) as first,
        gate([server.url], HELD) as second,
        gate([server.url], HELD) as third,
    ):
        for each in (first, second, third):
            listed_by(each)
        w1 = post(first, half("three"))
        w2 = post(second, half("three", start=timedelta(hours=2)))
        w3 = post(third, half("three", start=timedelta(hours=4)))
        assert (w1.status, w2.status, w3.status) == (200, 200, 200)
        ids = [answer.json()["silenceID"] for answer in (w1, w2, w3)]
        until(lambda: states(server)[ids[1]] == "expired")
        until(lambda: read_backs(third, "kept") + read_backs(third, "stands") == 1)
        assert [states(server)[ident] for ident in ids] == ["active", "expired", "pending"]
