"""The gate's history cache judges a write as the whole listing judges it, and keeps up with
the gate's own writes and expiries (a real Alertmanager behind)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall_policy.gate import history_cache, listings, writes
from oncall_policy.gate.history_cache import HistoryCache, Index, judged, judged_aside
from oncall_policy.gate.upstreams import Upstreams
from oncall_policy.silence import api
from oncall_policy.silence.evaluate import assess
from oncall_policy.silence.http_errors import TimedOutError, UnreachableError
from tests.alertmanager_server import running
from tests.gate_support import RULES, Answer, basic, call, gate, limited, post, silence, silences_on

ENGINEER = RULES.roster.find("engineer-a@clipper.app")
NOW = datetime(2030, 1, 1, tzinfo=UTC)

_MATCHERS = st.lists(
    st.one_of(
        st.sampled_from(["HighErrorRate", "HighResponseTime", "ServiceDown"]).map(
            lambda v: {"name": "alertname", "value": v, "isRegex": False, "isEqual": True}
        ),
        st.sampled_from(["a", "b", "c"]).map(
            lambda v: {"name": "service", "value": v, "isRegex": False, "isEqual": True}
        ),
        st.sampled_from(["a|b", "b.*", ".+"]).map(
            lambda v: {"name": "service", "value": v, "isRegex": True, "isEqual": True}
        ),
        st.sampled_from(["a", "c"]).map(
            lambda v: {"name": "service", "value": v, "isRegex": False, "isEqual": False}
        ),
    ),
    min_size=1,
    max_size=3,
)
_SILENCES = st.builds(
    lambda matchers, start, minutes: {
        "matchers": matchers,
        "startsAt": (NOW + timedelta(minutes=start)).isoformat(),
        "endsAt": (NOW + timedelta(minutes=start + minutes)).isoformat(),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    },
    _MATCHERS,
    st.integers(-600, 600),
    st.integers(1, 300),
)


@settings(max_examples=60, deadline=None)
@given(earlier=st.lists(_SILENCES, max_size=8), new=_SILENCES)
def test_the_cache_judges_as_the_whole_listing_does(earlier, new):
    """Property: judged with the silences the cache finds sharing an instance with it, a write
    gets the verdict it gets with every silence listed."""
    cache = HistoryCache(SimpleNamespace(bases=("http://am",), timeout=10.0), 1.0)  # type: ignore[arg-type]
    for number, data in enumerate(earlier):
        cache.created(f"s{number}", data, api.from_api(data), NOW - timedelta(days=1))
    full = [entry.silence for entry in cache.entries.values()]
    created = writes.created_at(new, api.from_api(new), NOW)  # as Alertmanager creates it at NOW
    _, expected = writes.judge(new, ENGINEER, RULES, full, request=created)
    _, found = judged(cache, new, ENGINEER, RULES, (), NOW)
    assert found == expected


@pytest.fixture(scope="module")
def upstream(alertmanager_binary: str, amtool: str, tmp_path_factory: pytest.TempPathFactory):
    with running(alertmanager_binary, tmp_path_factory.mktemp("am")) as server:
        yield server


@pytest.fixture(params=["on the event loop", "in a process of its own"])
def reading(request, monkeypatch: pytest.MonkeyPatch) -> str:
    """Listings read where small ones are, or where large ones are."""
    if request.param == "in a process of its own":
        monkeypatch.setattr(listings, "IN_PROCESS_BYTES", 0)
    return request.param


def test_a_silence_written_around_the_gate_counts_once_the_history_is_listed_again(upstream, reading):
    service = f"around-{len(reading)}"
    upstream.post(silence(("alertname", "HighErrorRate"), ("service", service), minutes=150))
    with gate([upstream.url], limited(history_max_age=timedelta(milliseconds=1))) as url:
        later = silence(
            ("alertname", "HighErrorRate"), ("service", service), minutes=150, start=timedelta(hours=2)
        )
        answer = post(url, later)
    assert answer.status == 400
    assert "x over-cap-recreated: on HighErrorRate" in answer.json()


def test_an_expiry_through_the_gate_ends_the_silence_in_the_history_at_once(upstream, reading):
    service = f"expired-{len(reading)}"
    with gate([upstream.url], limited(history_max_age=timedelta(hours=1))) as url:
        first = post(url, silence(("alertname", "HighErrorRate"), ("service", service), minutes=180))
        again = silence(
            ("alertname", "HighErrorRate"), ("service", service), minutes=180, start=timedelta(hours=2)
        )
        assert post(url, again).status == 400  # 5h in one stretch
        silence_id = first.json()["silenceID"]
        expired = call(url, "DELETE", f"/api/v2/silence/{silence_id}", None, basic("engineer-a@clipper.app"))
        assert expired.status == 200
        assert post(url, again).status == 200  # the first covered only seconds
    [listed] = [s for s in upstream.silences() if s["id"] == silence_id]
    assert listed["status"]["state"] == "expired"


@pytest.mark.parametrize("listing", ["brings a silence written around the gate", "fails"])
def test_a_write_judged_while_a_listing_is_under_way_is_forwarded_only_as_that_listing_judges_it(
    upstream, monkeypatch, listing
):
    """A write that finds the listing in hand too old while a fresher one is under way is judged
    with the one in hand (the gate's core is not left idle meanwhile), and held until the fresher
    one is in: a silence written around the gate that only the fresher one holds refuses it, as
    it does when the write waits for the listing first; no listing at all refuses it (fail
    closed). A write the fresher listing has nothing against is forwarded then."""
    held, released = threading.Event(), threading.Event()
    listed = Upstreams.bodies

    async def slow(self: Upstreams) -> object:  # a listing that takes as long as the test says
        if held.is_set():
            await asyncio.to_thread(released.wait, 30)
            if listing == "fails":
                return [], [UnreachableError(self.bases[0], "connection refused")]
        return await listed(self)

    monkeypatch.setattr(Upstreams, "bodies", slow)
    service = f"under-way-{len(listing)}"
    with gate([upstream.url], limited(history_max_age=timedelta(seconds=2))) as url:
        assert post(url, silence(("alertname", "HighErrorRate"), ("service", f"{service}-a"))).status == 200
        held.set()
        upstream.post(silence(("alertname", "HighErrorRate"), ("service", service), minutes=150))
        time.sleep(1.7)  # past AHEAD of history_max_age: the next write asks for a listing, held
        assert post(url, silence(("alertname", "HighErrorRate"), ("service", f"{service}-b"))).status == 200
        time.sleep(0.6)  # the listing in hand is now older than history_max_age
        chained = silence(
            ("alertname", "HighErrorRate"), ("service", service), minutes=150, start=timedelta(hours=2)
        )
        fine = silence(("alertname", "HighErrorRate"), ("service", f"{service}-c"))
        answers: dict[str, Answer] = {}
        writers = [
            threading.Thread(target=lambda name=name, body=body: answers.update({name: post(url, body)}))
            for name, body in (("chained", chained), ("fine", fine))
        ]
        for writer in writers:
            writer.start()
        time.sleep(0.5)
        assert answers == {}  # held until the listing under way is in
        released.set()
        for writer in writers:
            writer.join(20)
    if listing == "fails":
        assert answers["chained"].status == answers["fine"].status == 502
        assert "cannot be read" in answers["fine"].json()["message"]
        assert silences_on(upstream, f"{service}-c") == []
    else:
        assert answers["chained"].status == 400
        assert "x over-cap-recreated: on HighErrorRate" in answers["chained"].json()
        assert answers["fine"].status == 200
        assert len(silences_on(upstream, f"{service}-c")) == 1
    assert len(silences_on(upstream, service)) == 1  # only the one written around the gate


def _stepped(index: Index, steps: list[tuple[bool, int, dict]]) -> dict[str, object]:
    """``index`` after each step (add or remove silence ``s{number}``); what it holds, by id."""
    held: dict[str, object] = {}
    for adding, number, data in steps:
        ident = f"s{number}"
        index.remove(ident)
        held.pop(ident, None)
        if adding:
            request = api.from_api(data)
            index.add(ident, request)
            held[ident] = request
    return held


@settings(max_examples=80, deadline=None)
@given(
    steps=st.lists(st.tuples(st.booleans(), st.integers(0, 7), _SILENCES), max_size=25),
    new=_SILENCES,
)
def test_the_index_finds_by_lookups_what_comparing_every_silence_finds(steps, new):
    """Property: after any adds and removes, the silences the index offers as sharing an
    instance are those that, on some alert both reach, name no label both name with ``=`` with
    another value (worked out here by comparing with every silence held)."""
    index = Index(RULES)
    held = _stepped(index, steps)
    request = api.from_api(new)
    found = assess(request, RULES)
    if found is None:
        return
    expected = set()
    for ident, other in held.items():
        theirs = assess(other, RULES)  # type: ignore[arg-type]
        for alert in found.limits:
            if theirs is None or alert not in theirs.limits:
                continue
            mine, named = index.equalities(request, alert), index.equalities(other, alert)  # type: ignore[arg-type]
            if all(named.get(label, value) == value for label, value in mine.items()):
                expected.add(ident)
    assert index.sharing(request, found) == expected
    for ident in list(held):
        index.remove(ident)
    # nothing outlives its silences
    assert not index.assessed
    assert not index._by_alert
    assert not index._valued
    assert not index._unnamed


class _Listing:
    """Upstreams that list ``items`` (the cache's reading of listings is what is tested here)."""

    bases = ("http://am",)

    def __init__(self) -> None:
        self.items: list[dict] = []

    async def bodies(self):
        return [("http://am/api/v2/silences", json.dumps(self.items).encode())], []


def _listed(number: int, data: dict, updated: int) -> dict:
    """Silence ``number`` as listed; Alertmanager updates ``updatedAt`` whenever it changes one."""
    changes = zlib.crc32(json.dumps(data, sort_keys=True).encode())
    return {
        **data,
        "id": f"00000000-0000-0000-0000-{number:012d}",
        "status": {"state": "active"},
        "updatedAt": (NOW + timedelta(seconds=updated, microseconds=changes))
        .isoformat()
        .replace("+00:00", "Z"),
    }


@pytest.fixture(scope="module")
def apart() -> listings.Reader:
    """A reader that reads every listing in its process (one process for the module's examples)."""
    reader = listings.Reader(0)
    yield reader
    reader.close()


@settings(max_examples=40, deadline=None)
@given(
    first=st.lists(st.tuples(st.integers(0, 5), _SILENCES, st.integers(0, 3)), max_size=8),
    second=st.lists(st.tuples(st.integers(0, 5), _SILENCES, st.integers(0, 3)), max_size=8),
    elsewhere=st.booleans(),
)
def test_a_listing_read_again_gives_what_reading_it_afresh_gives(apart, first, second, elsewhere):
    """Whatever was held before, and wherever it is read, the cache holds what a new cache
    holds after reading the same listing: silences kept where unchanged, read where changed."""

    async def held(*answers: list[dict]) -> dict[str, tuple]:
        upstreams = _Listing()
        cache = HistoryCache(upstreams, 1.0, apart if elsewhere else listings.Reader())  # type: ignore[arg-type]
        for items in answers:
            upstreams.items = items
            await cache.refresh()
        return {ident: (e.key, e.silence) for ident, e in cache.entries.items()}

    before = [_listed(n, d, u) for n, d, u in {n: (n, d, u) for n, d, u in first}.values()]
    after = [_listed(n, d, u) for n, d, u in {n: (n, d, u) for n, d, u in second}.values()]
    assert asyncio.run(held(before, after)) == asyncio.run(held(after))


def test_a_silence_the_journal_decides_is_not_sent_back_from_the_listing():
    """The cache lays its own record of a silence it journaled over every listing, so the
    reading leaves that silence out of what changed (counted as listed), however it is listed;
    one not journaled, listed the same way, is sent back (and what was held of it given up)."""
    data = silence(("alertname", "HighErrorRate"), ("service", "api"))
    listed = _listed(1, data, 0)
    known = {listed["id"]: listings.key_of(_listed(1, data, 1))}  # as the gate recorded it
    body = [("http://am/api/v2/silences", json.dumps([listed]).encode())]

    assert listings.read(body, known, {listed["id"]}) == listings.Read([], [], [])
    assert listings.read(body, known) == listings.Read([listed["id"]], [listed], [])


class _OneSilent(_Listing):
    """Upstreams of which a second peer did not answer (the listing is not whole)."""

    bases = ("http://am", "http://am-2")

    async def bodies(self):
        answered, _ = await super().bodies()
        return answered, [TimedOutError("http://am-2/api/v2/silences", "no answer")]


class _Asked(_Listing):
    """Upstreams whose listing is asked, then ``meanwhile`` runs, then it answers."""

    def __init__(self, meanwhile) -> None:
        super().__init__()
        self.meanwhile = meanwhile

    async def bodies(self):
        answer = await super().bodies()  # what the upstream held when asked
        self.meanwhile()
        return answer


def _held(
    data: dict, listed: list[dict], *, recorded_after_asking: bool = False, peer_silent: bool = False
) -> dict[str, object]:
    """The cache's entries once the gate created ``data`` (as silence 1) and a listing of
    ``listed`` was taken in: asked after the gate recorded it, or before; every peer answering
    it, or one not (``peer_silent``)."""

    async def held() -> dict[str, object]:
        ident = _listed(1, data, 0)["id"]
        record = lambda: cache.created(ident, data, api.from_api(data), NOW)  # noqa: E731
        upstreams = _Asked(record) if recorded_after_asking else _OneSilent() if peer_silent else _Listing()
        cache = HistoryCache(upstreams, 1.0, listings.Reader())  # type: ignore[arg-type]
        if not recorded_after_asking:
            record()
        upstreams.items = listed
        await cache.refresh()
        return dict(cache.entries)

    return asyncio.run(held())


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _judged_with(data: dict, listed: dict, write: dict) -> list[str]:
    """The rules ``write`` breaks, judged once the gate created ``data`` and a listing of
    ``listed`` asked after that record was taken in, a peer silent."""

    async def judgement() -> list[str]:
        upstreams = _OneSilent()
        cache = HistoryCache(upstreams, 1.0, listings.Reader())  # type: ignore[arg-type]
        cache.created(listed["id"], data, api.from_api(data), NOW)
        upstreams.items = [listed]
        await cache.refresh()
        person = RULES.roster.find("engineer-a@clipper.app")
        _, verdict = judged(cache, write, person, RULES, (), NOW)
        return [v.rule for v in verdict.violations]

    return asyncio.run(judgement())


def test_the_gates_record_of_a_write_stands_over_a_listing_asked_before_it():
    data = silence(("alertname", "HighErrorRate"), ("service", "api"))
    before = {**silence(("alertname", "HighErrorRate"), ("service", "api"), minutes=5)}
    entries = _held(data, [_listed(1, before, 0)], recorded_after_asking=True)
    (ident,) = entries
    assert entries[ident].own
    assert entries[ident].silence.request.ends_at == api.from_api(data).ends_at


def test_a_listing_asked_after_the_gates_record_confirms_it_or_both_count():
    """Listed as recorded, the listing holds it (the record is dropped). Listed otherwise by
    every peer (here longer, or shorter: another gate's update in place), the listing holds the
    later version. Listed otherwise while a peer is silent (the one listing it may be behind),
    both count, so that neither version is lost. Not listed (its peer silent), the record stands."""
    data = silence(("alertname", "HighErrorRate"), ("service", "api"))
    ident = _listed(1, data, 0)["id"]

    confirmed = _held(data, [_listed(1, data, 5)])
    assert list(confirmed) == [ident]
    assert not confirmed[ident].own

    longer = {**data, "endsAt": (NOW + timedelta(hours=4)).isoformat().replace("+00:00", "Z")}
    shorter = {**data, "endsAt": _iso(api.from_api(data).starts_at + timedelta(minutes=5))}
    for later in (longer, shorter):
        held = _held(data, [_listed(1, later, 5)])
        assert [(e.own, e.silence.request.ends_at) for e in held.values()] == [
            (False, api.from_api(later).ends_at)
        ]

    both = _held(data, [_listed(1, longer, 5)], peer_silent=True)
    assert sorted((e.own, e.silence.request.ends_at) for e in both.values()) == [
        (False, NOW + timedelta(hours=4)),
        (True, api.from_api(data).ends_at),
    ]
    assert {e.silence.silence_id for e in both.values()} == {ident, f"{ident} (as this gate recorded it)"}
    # Both count in a judgement: the next 4 h chains with the longer one, not with the record.
    start = api.from_api(data).starts_at
    four_hours = _listed(1, {**data, "endsAt": _iso(start + timedelta(hours=4))}, 5)
    next_four = silence(
        ("alertname", "HighErrorRate"), ("service", "api"), minutes=240, start=timedelta(hours=4, minutes=1)
    )
    assert _judged_with(data, four_hours, next_four) == ["over-cap-recreated"]

    unlisted = _held(data, [], peer_silent=True)
    assert [e.own for e in unlisted.values()] == [True]


HARD = "[ab]*a[ab]{12}"  # a regex whose questions take their allowances
REGEX_WRITES = [
    [("alertname", "=~", "HighErrorRate|HighResponseTime"), ("service", "=~", "api-.*")],
    [("alertname", "=~", "High.*"), ("service", "=~", HARD)],
    [("alertname", "=", "HighErrorRate"), ("service", "!~", HARD), ("instance", "=~", HARD + "b")],
    [("severity", "=~", "critical|warning"), ("service", "=", "api")],
]


@pytest.mark.parametrize("write", REGEX_WRITES, ids=range(len(REGEX_WRITES)))
def test_a_write_judged_in_a_thread_gets_the_verdict_judged_on_the_loop_gives(write):
    """``judged_aside`` (the gate's path for writes with regexes) and ``judged`` agree, with the
    same history, whichever runs first."""
    body = silence(("alertname", "HighErrorRate"), minutes=150)
    body["matchers"] = [
        {"name": name, "value": value, "isRegex": "~" in op, "isEqual": not op.startswith("!")}
        for name, op, value in write
    ]
    earlier = [
        _listed(n, silence(("alertname", "HighErrorRate"), ("service", f"api-{n}"), minutes=150), 0)
        for n in range(3)
    ] + [_listed(9, {**body, "matchers": body["matchers"][::-1]}, 0)]
    person = RULES.roster.find("engineer-a@clipper.app")

    async def both() -> tuple[object, object, object]:
        upstreams = _Listing()
        cache = HistoryCache(upstreams, 1.0, listings.Reader())  # type: ignore[arg-type]
        upstreams.items = earlier
        await cache.refresh()
        aside = (await judged_aside(cache, body, person, RULES, (), NOW))[1]
        here = judged(cache, body, person, RULES, (), NOW)[1]
        again = (await judged_aside(cache, body, person, RULES, (), NOW))[1]
        return aside, here, again

    aside, here, again = asyncio.run(both())
    assert aside == here == again


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(0, 7), _SILENCES), max_size=25), new=_SILENCES)
def test_past_its_labels_the_index_offers_more_silences_never_fewer(steps, new):
    """Property: with room for one label per alert, the index offers every silence that can
    share an instance (and perhaps more), and nothing outlives its silences."""
    index = Index(RULES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(history_cache, "MAX_LABELS", 1)
        held = _stepped(index, steps)
        request = api.from_api(new)
        found = assess(request, RULES)
        if found is not None:
            full = Index(RULES)
            patch.setattr(history_cache, "MAX_LABELS", 10_000)
            for ident, other in held.items():
                full.add(ident, other)  # type: ignore[arg-type]
            assert index.sharing(request, found) >= full.sharing(request, found)
        for ident in list(held):
            index.remove(ident)
    assert (index._by_alert, index._labels, index._unnamed, index._valued, index._whole) == (
        {},
        {},
        {},
        {},
        set(),
    )


def test_silences_that_each_name_a_label_of_their_own_take_the_index_linear_room():
    """Red team: 2,000 of them held 4 M entries of sets of silences not naming a label."""
    index = Index(RULES)
    for n in range(2_000):
        index.add(f"s{n}", api.from_api(silence(("alertname", "HighErrorRate"), (f"l{n}", "x"))))
    held = sum(len(ids) for ids in index._unnamed.values()) + sum(len(ids) for ids in index._valued.values())
    assert held <= history_cache.MAX_LABELS * 2_000
    write = api.from_api(silence(("alertname", "HighErrorRate"), ("l7", "y")))
    assert len(index.sharing(write, assess(write, RULES))) == 2_000  # held by alert alone: all offered


def _entry(item: dict, request, *, own: bool = False) -> history_cache.Entry:
    from oncall_policy.silence.evaluate import Silence  # noqa: PLC0415

    return history_cache.Entry(item, Silence("s1", "active", request), listings.key_of(item), own=own)


def test_its_own_write_listed_from_the_millisecond_alertmanager_took_it_has_not_come_in():
    """A write whose start had passed: judged (and recorded) from the moment the gate judged it,
    and listed from the moment Alertmanager took it, to the millisecond. Taken within the same
    millisecond, it is listed as starting before the gate's record of it; it is still the gate's
    own write, not a silence come in around it (it was: tests/test_gate_read_back.py's
    test_a_gate_alone_never_judges_its_writes_again failed now and then)."""
    judged_at = datetime(2026, 12, 3, 6, 40, 12, 565131, tzinfo=UTC)
    body = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False, "isEqual": True}],
        "startsAt": "2026-12-03T06:40:07.000123Z",
        "endsAt": "2026-12-03T07:40:12.054321Z",
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment in progress",
    }
    recorded = _entry(body, api.from_api(body).created_at(judged_at), own=True)

    def listed(start: str) -> history_cache.Entry:
        item = {**body, "id": "s1", "startsAt": start, "endsAt": "2026-12-03T07:40:12.054Z"}
        return _entry(item, api.from_api(item))

    assert not history_cache._arrives(recorded, listed("2026-12-03T06:40:12.565Z"))  # the same ms
    assert not history_cache._arrives(recorded, listed("2026-12-03T06:40:12.571Z"))  # taken later
    assert history_cache._arrives(recorded, listed("2026-12-03T06:40:12.564Z"))  # starts earlier
