"""The silences a write is judged with, held between writes instead of listed and read for each.

Listing every silence from every peer and reading each for every write costs the write time in
proportion to all the silences there are (6.5 ms at 50, 96 ms at 300). The gate holds them
instead, each read once (``audit.read``, placed in time) and assessed once per policy (what it
reaches), indexed by the alerts it reaches and, per alert, by the values it names with ``=`` on
the labels that vary for that alert. A write is then judged only with the silences that can
share an instance with it: on every alert both reach, no label both name with ``=`` has two
different values. The others could never be in a stretch with it (``evaluate``'s cells are
finer, never coarser, than that), so its verdict is the one the whole listing gives.

Freshness, and what it can never miss:

- every write the gate accepts is in the cache from the moment it is judged, before it is
  forwarded (``reserve``: writes are judged one at a time, but forwarded side by side, so the
  next write is judged with every one still on its way to Alertmanager); once Alertmanager has
  answered, the reservation gives way to the silence it took (``settle``), or to nothing when it
  refused. A reservation counts at least as much as the silence it stands for: a write accepted
  with it would be accepted without it (more history never relaxes a verdict), and a write it
  refuses is judged again once every reservation is settled (``settled``);
- every write and every expiry through the gate updates the cache as soon as Alertmanager has
  taken it (``created``, ``ended``), and that record (the journal) is laid over every listing
  asked before it, so that a listing begun earlier cannot drop it. A listing asked after it
  either lists the silence as recorded (the record is dropped: the listing holds it now), or
  lists it otherwise (a later version another gate wrote in place, or an earlier one from a
  peer gossip has not reached yet) and both count, or does not list it (the peer that took it
  did not answer): the record stands. Either way for at most ``JOURNAL_SECONDS``. A write
  whose fate is not known (no answer) stays history, as reserved, until it ends;
- anything else (a writer that bypasses the gate, which a deployment should make impossible;
  another gate, whose writes the read-back then weighs against this one's: ``read_back``; an
  expiry by time is computed, not listed) is seen at the first write after ``max_age``
  seconds: no write is judged with a listing asked longer ago than that. A write finding the
  cache older waits for a listing of every peer (the one under way, if asked
  recently enough), and is refused (fail closed, as without a cache) when no peer answers and
  the policy requires history; a listing ``AHEAD`` into ``max_age`` is asked for in the
  background, so that steady writes seldom wait. While that listing is under way (asked
  recently enough), a write may be judged with the one in hand (``fresh(ahead=True)``) and is
  then forwarded only once the listing is in and brought no silence the gate did not hold
  (``confirmed``): it stands as judged, since only more history could make it stricter, or it
  is judged again. Waiting for the listing before judging left the gate's core idle a fifth of
  the time at 10,000 silences (bench/gate.py: listing and reading them took twice the quarter
  second ``AHEAD`` leaves);
- a listed silence that cannot be placed in time refuses the refresh, as it refuses a listing.

Only the listing's changed silences (id, ``updatedAt``, times, state) are read again.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from oncall_policy.gate import writes
from oncall_policy.gate.listings import Key, Reader, ReaderTimeoutError, key_of
from oncall_policy.gate.writes import replacing
from oncall_policy.matchers import Op
from oncall_policy.records import Record
from oncall_policy.silence import api, labels, reach
from oncall_policy.silence import rfc3339 as times
from oncall_policy.silence.audit import read, read_history
from oncall_policy.silence.client import HistoryUnavailableError
from oncall_policy.silence.evaluate import Assessment, Silence, assess
from oncall_policy.silence.http_errors import AlertmanagerError, BadResponseError, TimedOutError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Final

    from oncall_policy.gate.upstreams import Upstreams
    from oncall_policy.people import Person, Roster
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules
    from oncall_policy.silence.verdict import Verdict

JOURNAL_SECONDS = 10.0  # the gate's own writes are laid over listings this long, unless confirmed
_AS_RECORDED = "\x00as-recorded"  # the key of a record held beside another listed version
MAX_LABELS = 64  # labels held per alert in the index (``Index``)
ARRIVALS_SECONDS = 120.0  # how long arrivals are kept for the read-back (``read_back``)
AHEAD = 0.75  # a listing this far into history_max_age is asked for again, in the background
Equalities = dict[str, str]


class Entry(Record):
    """One silence as history: the listed item, the silence read from it, and what changes it;
    ``own``: the gate's record of its own write (the item as the gate sent it), not a listing's.
    ``size``: the bytes it takes in the listing (``listed_size``), worked out once when first
    asked: an entry is counted in and out of its author's share (recorded, confirmed, replaced),
    and most entries a listing brings are never counted (the gate's own writes, confirmed)."""

    __slots__ = ("_size",)

    item: Mapping[str, Any]
    silence: Silence
    key: Key
    own: bool = False

    def __post_init__(self) -> None:
        self._size = -1

    @property
    def size(self) -> int:
        if self._size < 0:
            self._size = listed_size(self.silence.request)
        return self._size


class Index:
    """The silences' assessments under one policy, by alert and by the values they name.

    Per alert and label, the silences that name it with ``=`` are held by value, and those that
    do not name it apart (``_unnamed``), so that the silences a write can share an instance with
    are found by lookups: on a label the write names, a silence either names the same value or
    does not name the label. Sets that fall empty are dropped (no key outlives its silences).

    Each label held for an alert costs a set of the silences that do not name it: silences that
    each name a label of their own made that quadratic (2,000 of them held 4 M entries, red
    team). Past ``MAX_LABELS`` labels on an alert, its silences are held by alert alone
    (``_whole``): every one is taken to share an instance with a write on it, which is true of
    more of them than can, and costs judgements time, never a verdict."""

    def __init__(self, rules: Rules) -> None:
        self.rules: Final = rules
        self.assessed: dict[str, Assessment | None] = {}
        self._by_alert: dict[str, set[str]] = {}
        self._labels: dict[str, dict[str, int]] = {}  # alert → label → how many silences name it
        self._unnamed: dict[tuple[str, str], set[str]] = {}  # (alert, label) → ids not naming it
        self._valued: dict[tuple[str, str, str], set[str]] = {}  # (alert, label, value) → ids
        self._equalities: dict[str, dict[str, Equalities]] = {}  # id → alert → label → value
        self._alerts = {alert.name: alert for alert in rules.alerts}
        self._whole: set[str] = set()  # alerts past MAX_LABELS, held by alert alone

    def add(self, ident: str, request: SilenceRequest) -> None:
        found = self.assessed[ident] = assess(request, self.rules)
        if found is None:
            return
        per_alert = self._equalities[ident] = {}
        for alert in found.limits:
            on_alert = self._by_alert.setdefault(alert, set())
            named = per_alert[alert] = self.equalities(request, alert)
            labels = self._labels.setdefault(alert, {})
            held = len(labels) + sum(1 for label in named if label not in labels)
            if alert not in self._whole and held > MAX_LABELS:
                self._held_whole(alert)
            if alert in self._whole:
                on_alert.add(ident)
                continue
            for label in labels:
                if label not in named:
                    self._unnamed[alert, label].add(ident)
            for label, value in named.items():
                if label not in labels:
                    labels[label] = 0
                    self._unnamed[alert, label] = set(on_alert)  # none of them names it
                labels[label] += 1
                self._valued.setdefault((alert, label, value), set()).add(ident)
            on_alert.add(ident)

    def remove(self, ident: str) -> None:
        self.assessed.pop(ident, None)
        for alert, named in self._equalities.pop(ident, {}).items():
            on_alert = self._by_alert[alert]
            on_alert.discard(ident)
            labels = self._labels[alert]
            if alert in self._whole:
                if not on_alert:
                    del self._by_alert[alert], self._labels[alert]
                    self._whole.discard(alert)
                continue
            for label in list(labels):
                if label not in named:
                    self._unnamed[alert, label].discard(ident)
                    continue
                valued = self._valued[alert, label, named[label]]
                valued.discard(ident)
                if not valued:
                    del self._valued[alert, label, named[label]]
                labels[label] -= 1
                if not labels[label]:
                    del labels[label], self._unnamed[alert, label]
            if not on_alert:
                del self._by_alert[alert], self._labels[alert]

    def _held_whole(self, alert: str) -> None:
        """Hold ``alert``'s silences by alert alone from now on (until none is left on it)."""
        self._whole.add(alert)
        for label in self._labels[alert]:
            del self._unnamed[alert, label]
        self._labels[alert] = {}
        for key in [key for key in self._valued if key[0] == alert]:
            del self._valued[key]

    def equalities(self, request: SilenceRequest, alert: str) -> Equalities:
        """The labels that vary for ``alert`` which ``request`` names with one ``=`` alone."""
        groups = reach.group(request.matchers)
        varying = reach.varying(self._alerts.get(alert), groups)
        return {
            name: found[0].value
            for name, found in groups.items()
            if name in varying and len(found) == 1 and found[0].op is Op.EQUAL
        }

    def sharing(self, request: SilenceRequest, found: Assessment) -> set[str]:
        """The ids of the silences that can share an instance with ``request`` on some alert:
        on every label ``request`` names with ``=`` (among those that vary for the alert), each
        names the same value or does not name the label."""
        chosen: set[str] = set()
        for alert in found.limits:
            on_alert = self._by_alert.get(alert)
            if not on_alert:
                continue
            if alert in self._whole:
                chosen |= on_alert
                continue
            named = self.equalities(request, alert)
            labels = self._labels[alert]
            allowed = [
                (self._valued.get((alert, label, value), _NONE), self._unnamed[alert, label])
                for label, value in named.items()
                if label in labels  # a label no silence on the alert names rules none out
            ]
            if not allowed:
                chosen |= on_alert
                continue
            valued, unnamed = min(allowed, key=lambda pair: len(pair[0]) + len(pair[1]))
            equalities = self._equalities
            chosen.update(
                ident
                for ident in (*valued, *unnamed)
                if all(equalities[ident][alert].get(label, value) == value for label, value in named.items())
            )
        return chosen


_NONE: frozenset[str] = frozenset()


class HistoryCache:
    """The upstream silences as history (see the module docstring); changed only on the event
    loop, by the gate's writes and refreshes."""

    def __init__(self, upstreams: Upstreams, max_age: float, reader: Reader | None = None) -> None:
        self.upstreams: Final = upstreams
        self.max_age: Final = max_age
        self.entries: dict[str, Entry] = {}
        self.index: Index | None = None
        self.refreshed_at: float | None = None  # monotonic time the last listing was asked for
        self.whole_at: float | None = None  # ... the last one every peer answered (``read_back``)
        self._journal: list[tuple[float, str, Entry | None]] = []  # (when, id, entry; None: gone)
        self._task: asyncio.Task[None] | None = None  # the refresh under way
        self._asked: float | None = None  # monotonic time it asked for its listing (None: not yet)
        self._reader = reader or Reader(seconds=upstreams.timeout)
        self._reserved: dict[str, Entry] = {}  # accepted writes on their way to Alertmanager
        self._unknown: dict[str, Entry] = {}  # accepted writes Alertmanager may or may not have taken
        self._reservations = itertools.count(1)
        self._none_reserved = asyncio.Event()
        self._none_reserved.set()
        self._arrivals: list[tuple[float, str]] = []  # (monotonic time, id) as listings brought them
        self._arrived: dict[str, float] = {}  # id → when a listing last brought it (of ``_arrivals``)
        self._listed_bytes: dict[str, int] = {}  # createdBy as written → what its silences take

    @property
    def reserved(self) -> int:
        """How many accepted writes are on their way to Alertmanager."""
        return len(self._reserved)

    def reserve(self, data: Mapping[str, Any], request: SilenceRequest, now: datetime) -> str:
        """Count the accepted write ``data`` as history while it is forwarded; its token."""
        token = f"reserved-{next(self._reservations)}"  # never a silence id (a UUID)
        entry = _entry(token, data, request, now)
        self._reserved[token] = entry
        self._none_reserved.clear()
        self._put(token, entry)
        return token

    def settle(
        self, token: str, silence_id: str | None, data: Mapping[str, Any], request: SilenceRequest
    ) -> None:
        """The reserved write ``token`` was taken as ``silence_id`` (None: refused), as
        ``created`` and ``ended`` record a write taken."""
        self._unreserve(token)
        if silence_id is not None:
            now = datetime.now(UTC)
            replaced = writes.replaced_id(data)
            if replaced is not None and replaced != silence_id:
                self.ended(replaced, now, self.upstreams.bases[0])
            self.created(silence_id, data, request, now)

    def unsettled(self, token: str) -> None:
        """Whether the reserved write ``token`` was taken is not known (no answer): it stays
        history as reserved until it ends. Nothing bounds when Alertmanager may still take it
        (it does not drop a request whose client went away; a proxy between may deliver it
        late), and counted twice once listed, a silence covers no more time than once."""
        entry = self._unreserve(token)
        self._unknown[token] = entry
        self._put(token, entry)

    def taken_perhaps(self, data: Mapping[str, Any], request: SilenceRequest) -> None:
        """A write the gate sent (an approved silence) without knowing whether Alertmanager took
        it: history until it ends, as ``unsettled`` keeps a reserved one."""
        token = f"perhaps-{next(self._reservations)}"
        entry = _entry(token, data, request, datetime.now(UTC))
        self._unknown[token] = entry
        self._put(token, entry)

    def perhaps_taken(self) -> list[Silence]:
        """The writes whose fate is unknown, as history (for a judgement not made with the cache)."""
        return [entry.silence for entry in self._still_unknown().values()]

    def _still_unknown(self) -> dict[str, Entry]:
        """The writes whose fate is unknown that have not ended yet (the others are forgotten)."""
        now = datetime.now(UTC)
        for token, entry in list(self._unknown.items()):
            ends = entry.silence.request.ends_at
            if ends is None or ends <= now:
                del self._unknown[token]
        return self._unknown

    async def settled(self) -> None:
        """Return once no write is on its way to Alertmanager."""
        await self._none_reserved.wait()

    def _unreserve(self, token: str) -> Entry:
        entry = self._reserved.pop(token)
        self._put(token, None)
        if not self._reserved:
            self._none_reserved.set()
        return entry

    async def fresh(self, rules: Rules | None = None, *, ahead: bool = False) -> float | None:
        """Return once the cache holds a listing asked at most ``max_age`` seconds ago (with the
        gate's own writes laid over it), assessed under ``rules`` when given; ``AlertmanagerError``
        when none can be had, as from ``refresh``. A listing older than ``AHEAD`` of that is asked
        for again in the background, so that a steady stream of writes seldom waits for one.

        ``ahead``: when the listing in hand is older, but the one under way was asked (or is yet
        to be) at most ``max_age`` seconds ago, return at once the moment (monotonic) a listing
        must be asked at or after for the write judged now with the one in hand: ``confirmed``
        then says whether its verdict stands. None: the listing in hand will do."""
        now = time.monotonic()
        due = None
        if self.refreshed_at is not None and now - self.refreshed_at <= self.max_age:
            if now - self.refreshed_at > self.max_age * AHEAD:
                self._refreshing()
        else:
            due = now - self.max_age
            if not (ahead and self.refreshed_at is not None and self._coming(due)):
                due = None
                while self.refreshed_at is None or self.refreshed_at < now - self.max_age:
                    await asyncio.shield(self._refreshing())
        if rules is not None and (self.index is None or self.index.rules is not rules):
            await self._assessed_ahead([entry.item for entry in self.entries.values()], rules)
        return due

    def _coming(self, due: float) -> bool:
        """Whether the refresh under way asked for its listing at or after ``due``, or is yet to."""
        task = self._task
        return task is not None and not task.done() and (self._asked is None or self._asked >= due)

    async def confirmed(self, due: float, judged_at: float) -> bool:
        """Whether a write judged at ``judged_at`` (monotonic) with a listing older than ``due``
        (``fresh(ahead=True)``) has the verdict a listing asked at or after ``due`` gives: once
        one is in, none taken in since the judgement brought a silence the gate did not hold,
        new or covering more (``arrived_since``); one covering less, or none, relaxes no verdict
        that accepted. False when some did, or no listing can be had: judge the write again."""
        try:
            await self.listed_after(due)
        except AlertmanagerError:
            return False
        return not self.arrived_since(judged_at)

    async def listed_after(self, moment: float) -> None:
        """Return once the cache holds a listing asked at or after ``moment`` (monotonic);
        ``AlertmanagerError`` when one cannot be had, as from ``refresh``."""
        while self.refreshed_at is None or self.refreshed_at < moment:
            await asyncio.shield(self._refreshing())

    def arrived_since(self, moment: float) -> set[str]:
        """The silences listings brought in after ``moment`` (monotonic) that the gate did not
        hold as they are: new ones, and ones changed to cover more (``_arrives``)."""
        at = bisect.bisect_right(self._arrivals, moment, key=lambda arrival: arrival[0])
        return {ident for _, ident in self._arrivals[at:]}

    def arrived_at(self, ident: str) -> float | None:
        """When (monotonic) a listing last brought ``ident`` in as ``arrived_since`` counts it;
        None when none did within ``ARRIVALS_SECONDS``."""
        return self._arrived.get(ident)

    def listed_by(self, person: Person, roster: Roster) -> int:
        """About how many bytes of the listing ``person``'s silences take (``listed_size``),
        under every spelling of ``createdBy`` that names them."""
        return sum(
            size
            for author, size in self._listed_bytes.items()
            if (named := roster.find(author)) is not None and named.id == person.id
        )

    def _count(self, ident: str, entry: Entry | None, sign: int) -> None:
        if entry is None or ident.endswith(_AS_RECORDED):
            return  # a second record of a silence listed once
        author = entry.silence.request.author
        left = self._listed_bytes.get(author, 0) + sign * entry.size
        if left > 0:
            self._listed_bytes[author] = left
        else:
            self._listed_bytes.pop(author, None)

    def listed(self, silence_id: str) -> Mapping[str, Any] | None:
        """``silence_id`` as the last listing showed it, once a listing asked after the gate's
        own record of it confirmed or overrode that record (None before, or when not listed)."""
        entry = self.entries.get(silence_id)
        return None if entry is None or entry.own else entry.item

    async def _assessed_ahead(self, items: Sequence[Mapping[str, Any]], rules: Rules | None = None) -> None:
        """Assess silences before the index takes them in (new or changed in a listing; all of
        them under a new policy), one at a time, the loop serving others between them: a silence
        of hard regexes takes its assessment's whole allowance (about a tenth of a second), and
        twenty of them held the loop seconds when the index took them in at once. ``Index.add``
        then finds each assessment remembered (``evaluate.assess`` is the same wherever asked)."""
        rules = rules or (self.index.rules if self.index is not None else None)
        if rules is None:
            return  # no policy to assess with yet: ``fresh`` does it before the first judgement
        for item in items:
            assess(read(item).request, rules)
            await asyncio.sleep(0)

    def _refreshing(self) -> asyncio.Task[None]:
        """The refresh under way, or a new one (one at a time)."""
        task = self._task
        if task is None or task.done():
            self._asked = None
            task = self._task = asyncio.get_running_loop().create_task(self.refresh())
            task.add_done_callback(_retrieved)
        return task

    async def close(self) -> None:
        """Stop a refresh under way (the gate is stopping), and the listings' reader."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._reader.close()

    async def refresh(self) -> None:
        """Every peer's silences, read where they changed; ``AlertmanagerError`` when none answers
        or one listed silence cannot be placed in time (the cache then stays as it was).

        Writes go on being judged while the listing is asked for and read (``listings``: in a
        process of its own when large; in a thread it was measured slower, the loop then waiting
        for the GIL on every socket write); each one the gate records meanwhile is in the
        journal, laid over the listing when it is taken in, so none is lost."""
        asked = self._asked = time.monotonic()
        bodies, failures = await self.upstreams.bodies()
        known = {ident: entry.key for ident, entry in self.entries.items()}
        decided = self._decided(asked)
        try:
            found = await self._reader.read(bodies, known, decided) if bodies else None
        except ReaderTimeoutError as error:  # fail closed: no listing, as when no peer answers
            raise HistoryUnavailableError([TimedOutError(self.upstreams.bases[0], str(error))]) from None
        if found is None or len(found.failures) == len(bodies):
            failures += [BadResponseError(url, why) for url, why in found.failures] if found else []
            raise HistoryUnavailableError(failures)
        recorded = {ident for _, ident, _ in self._journal}  # read as the gate recorded them, if confirmed
        await self._assessed_ahead([item for item in found.changed if not _among(item, recorded)])
        url = self.upstreams.bases[0]
        self._journal = [(when, i, e) for when, i, e in self._journal if asked - when < JOURNAL_SECONDS]
        records = {ident: (when, entry) for when, ident, entry in self._journal}  # the last of each
        newer = {ident for ident, (when, _) in records.items() if when > asked}
        entries = _read(found.absent, found.changed, self.entries, newer, url)
        whole = not failures and not found.failures
        confirmed = self._laid_over(entries, records, newer, whole=whole)
        if confirmed:
            self._journal = [(when, i, e) for when, i, e in self._journal if i not in confirmed]
        entries.update(self._reserved)
        entries.update(self._still_unknown())
        self._replace(entries)
        self.refreshed_at = asked if self.refreshed_at is None else max(self.refreshed_at, asked)
        if not failures and not found.failures:
            self.whole_at = asked if self.whole_at is None else max(self.whole_at, asked)

    def _decided(self, asked: float) -> set[str]:
        """The silences whose listed versions the listing asked at ``asked`` need not send back:
        those the gate recorded after ``asked`` (the listing can only show them as they were
        before, or not at all), whose record it lays over the listing; and that record is a
        silence the gate holds (one it last recorded as gone is read as before)."""
        last = {ident: (when, entry) for when, ident, entry in self._journal}
        return {ident for ident, (when, entry) in last.items() if when > asked and entry is not None}

    @staticmethod
    def _laid_over(
        entries: dict[str, Entry],
        records: Mapping[str, tuple[float, Entry | None]],
        newer: set[str],
        *,
        whole: bool,
    ) -> set[str]:
        """Lay the journal over a listing taken in as ``entries``; the ids whose records the
        listing confirmed (no longer needed).

        A record made after the listing was asked (``newer``) stands for the silence: the listing
        shows it only as it was before. A listing asked after the record shows it as the peer
        that took it holds it: the gate's version, or a later one another writer made (another
        gate's update in place), or, from a peer gossip has not reached, an earlier one. Listed
        as the gate recorded it, it is confirmed and the record dropped. Listed otherwise, both
        count (the record under a key of its own, ``_AS_RECORDED``) until the record lapses, so
        that neither a later version nor the gate's own is lost; not listed, the record stands.
        Every peer answered (``whole``), the listing shows the version the peer that took the
        gate's write holds, or a later one: listed otherwise, it is a later one, and stands
        alone (another gate shortened it, or lengthened it)."""
        confirmed: set[str] = set()
        for ident, (_, record) in records.items():
            listed = entries.get(ident)
            if ident in newer or listed is None or listed.own:
                _apply(entries, ident, record)
            elif record is not None and _confirms(record, listed):
                # Held from now on as listed (when it was taken, its key), read as the gate read it
                # (the same request: indexed, counted and assessed already).
                read = listed.silence.replace(request=record.silence.request)
                entries[ident] = Entry(listed.item, read, listed.key)
                confirmed.add(ident)
            elif record is not None and (whole or listed.silence.state == "expired"):
                # Later than the record (expired is for ever: an update of an expired silence is
                # another silence), so the record is done with.
                confirmed.add(ident)
            elif record is not None:
                # Its own id: judged by id, history holds one silence per id (the last given).
                kept = record.silence.replace(silence_id=f"{ident} (as this gate recorded it)")
                entries[ident + _AS_RECORDED] = Entry(record.item, kept, record.key, own=True)
            else:
                confirmed.add(ident)  # recorded as gone (a pending one expired): the listing says how
        return confirmed

    def _replace(self, entries: dict[str, Entry]) -> None:
        """Hold ``entries`` (a listing taken in): each changed one counted (``listed_by``),
        indexed again, and recorded if it arrives (``arrived_since``)."""
        now = time.monotonic()
        kept = bisect.bisect_right(self._arrivals, now - ARRIVALS_SECONDS, key=lambda arrival: arrival[0])
        for when, ident in self._arrivals[:kept]:
            if self._arrived.get(ident) == when:
                del self._arrived[ident]
        del self._arrivals[:kept]
        index = self.index
        for ident, old in self.entries.items():
            new = entries.get(ident)
            if new is not old and not _same_request(old, new):
                self._count(ident, old, -1)
                if index is not None:
                    index.remove(ident)
        for ident, new in entries.items():
            was = self.entries.get(ident)
            if was is new or _same_request(was, new):
                continue  # the same silence as read (a record confirmed by the listing)
            self._count(ident, new, 1)
            if index is not None:
                index.add(ident, new.silence.request)
            if not ident.endswith(_AS_RECORDED) and _arrives(was, new):
                self._arrivals.append((now, ident))
                self._arrived[ident] = now
        self.entries = entries

    def indexed(self, rules: Rules) -> Index:
        """The index under ``rules`` (built again when the policy was reloaded)."""
        if self.index is None or self.index.rules is not rules:
            index = Index(rules)
            for ident, entry in self.entries.items():
                index.add(ident, entry.silence.request)
            self.index = index
        return self.index

    def sharing(
        self, request: SilenceRequest, found: Assessment | None, rules: Rules
    ) -> tuple[list[Entry], dict[int, Assessment | None]]:
        """The silences that can share an instance with ``request``, and their assessments by
        the ``id`` of their requests (as ``evaluate.with_history`` takes them)."""
        if found is None:
            return [], {}
        index = self.indexed(rules)
        keys = sorted(index.sharing(request, found))
        chosen = [self.entries[key] for key in keys]
        assessed = {id(self.entries[key].silence.request): index.assessed[key] for key in keys}
        return chosen, assessed

    def created(
        self, silence_id: str, data: Mapping[str, Any], request: SilenceRequest, now: datetime
    ) -> None:
        """A silence the gate forwarded was taken as ``silence_id``."""
        self._record(silence_id, _entry(silence_id, data, request, now))

    def created_from(self, data: Mapping[str, Any]) -> str | None:
        """The id of a silence held that an approval of ``data`` (a request's postable silence)
        created: its matchers, author and end, its start (or, where the start had passed when it
        was created, the moment it was created: Alertmanager starts such a silence then), and
        its comment with the approvals recorded after it (``comment.proven``). None when there is
        none. Asked before an approved silence is created, once a listing asked after any
        earlier attempt is held: a creation begun before may have been taken (a gate lost
        half-way, a listing that failed since)."""
        wanted = api.from_api(data)
        start, end = _to_millisecond(wanted.starts_at), _to_millisecond(wanted.ends_at)
        recorded = f"{wanted.comment} [approved-by: "
        for ident, entry in self.entries.items():
            held = entry.silence.request
            if (
                held.author == wanted.author
                and not ident.endswith(_AS_RECORDED)
                # A stand-in for a write on its way or of unknown fate is no silence made (red
                # team: 'perhaps-1' was answered as the silence created, and none was).
                and ident not in self._reserved
                and ident not in self._unknown
                and held.matchers == wanted.matchers
                and _to_millisecond(held.ends_at) == end
                and str(entry.item.get("comment", "")).startswith(recorded)  # read, the record is out
                and _started_as_asked(entry.item, _to_millisecond(held.starts_at), start)
            ):
                return ident
        return None

    def ended(self, silence_id: str, now: datetime, url: str) -> None:
        """The silence ``silence_id`` was expired (or replaced) through the gate at ``now``:
        active, it ends now; pending, it never covers anything; expired, it stays."""
        known = self.entries.get(silence_id)
        if known is None:
            return
        kept = replacing([known.item], silence_id, now)
        self._record(
            silence_id,
            Entry(kept[0], read_history(kept, url)[0], key_of(kept[0]), own=True) if kept else None,
        )

    def _record(self, silence_id: str, entry: Entry | None) -> None:
        self._journal.append((time.monotonic(), silence_id, entry))
        self._put(silence_id, entry)

    def _put(self, silence_id: str, entry: Entry | None) -> None:
        if silence_id + _AS_RECORDED in self.entries:  # an older record beside a listed version
            if self.index is not None:
                self.index.remove(silence_id + _AS_RECORDED)
            del self.entries[silence_id + _AS_RECORDED]
        self._count(silence_id, self.entries.get(silence_id), -1)
        self._count(silence_id, entry, 1)
        if self.index is not None:
            self.index.remove(silence_id)
            if entry is not None:
                self.index.add(silence_id, entry.silence.request)
        _apply(self.entries, silence_id, entry)


def _entry(silence_id: str, data: Mapping[str, Any], request: SilenceRequest, now: datetime) -> Entry:
    """The silence ``data`` as Alertmanager lists it once taken as ``silence_id`` at ``now``."""
    start = request.starts_at
    state = "pending" if start is not None and start > now else "active"
    stamp = times.format_time(now)
    item = {**data, "id": silence_id, "status": {"state": state}, "updatedAt": stamp}
    return Entry(item, Silence(silence_id, state, request), key_of(item), own=True)


def _read(
    absent: Sequence[str],
    changed: Sequence[Mapping[str, Any]],
    known: Mapping[str, Entry],
    recorded: set[str],
    url: str,
) -> dict[str, Entry]:
    """The listing as entries: those ``known`` and listed as they are (neither ``absent`` nor
    ``changed``), or changed but ``recorded`` by the gate after the listing was asked, kept;
    the others read."""
    gone = set(absent)
    entries = {ident: entry for ident, entry in known.items() if ident not in gone}
    fresh: list[Mapping[str, Any]] = []
    for item in changed:
        ident = item.get("id")
        found = known.get(ident) if isinstance(ident, str) else None
        if found is not None and ident in recorded:
            entries[found.silence.silence_id] = found  # kept as the gate knows it
        else:
            fresh.append(item)
    for listed_item, silence in zip(fresh, read_history(fresh, url), strict=True):
        entries[silence.silence_id] = Entry(listed_item, silence, key_of(listed_item))
    return entries


def listed_size(request: SilenceRequest) -> int:
    """The bytes ``request`` takes in Alertmanager's listing: its texts as Go writes them in
    JSON, and what every silence has (id, times, status, field names: at most this much)."""
    matchers = sum(_json_size(m.name) + _json_size(m.value) + 56 for m in request.matchers)
    return _json_size(request.comment) + _json_size(request.author) + matchers + 256


# Go's encoding/json writes <, > and & as \u003c (HTML-safe), other control characters than
# \n, \r and \t as \u00XX, U+2028 and U+2029 escaped, " and \ after a backslash: a comment of
# "<" is listed six times as long as it is (red team: the share counted in characters).
_CONTROLS = dict.fromkeys(range(0x20))


def _json_size(text: str) -> int:
    size = len(text.encode("utf-8", "surrogatepass")) + 2
    size += 5 * (text.count("<") + text.count(">") + text.count("&"))
    size += text.count('"') + text.count("\\") + 3 * (text.count("\u2028") + text.count("\u2029"))
    controls = len(text) - len(text.translate(_CONTROLS))
    if controls:
        short = text.count("\n") + text.count("\r") + text.count("\t")
        size += short + 5 * (controls - short)
    return size


def _among(item: Mapping[str, Any], ids: set[str]) -> bool:
    ident = item.get("id")
    return isinstance(ident, str) and ident in ids


def _same_request(old: Entry | None, new: Entry | None) -> bool:
    return old is not None and new is not None and old.silence.request is new.silence.request


def _confirms(record: Entry, listed: Entry) -> bool:
    """Whether ``listed`` is the silence the gate recorded: as Alertmanager lists what it was
    sent (started when taken if sent earlier, times cut to the millisecond)."""
    was, now = record.silence.request, listed.silence.request
    sent_start, start = _to_millisecond(was.starts_at), now.starts_at
    return (
        (now.matchers, now.comment, now.author, now.approvers, now.window)
        == (was.matchers, was.comment, was.author, was.approvers, was.window)
        and now.ends_at is not None
        and was.ends_at is not None
        and now.ends_at <= was.ends_at <= now.ends_at + timedelta(milliseconds=1)
        and start is not None
        and sent_start is not None
        and start >= sent_start
    )


def _started_as_asked(item: Mapping[str, Any], listed: datetime | None, asked: datetime | None) -> bool:
    """Whether a silence listed as starting at ``listed`` is one asked to start at ``asked``:
    the same moment, or later when it was created (``updatedAt``) after the asked start had
    passed, as Alertmanager then starts it (red team: a silence scheduled for later, with the
    same end, was taken for one asked to start at once)."""
    if listed is None or asked is None or listed == asked:
        return listed == asked
    try:
        created = times.parse(item["updatedAt"])
    except (KeyError, TypeError, ValueError):
        return False
    return asked < listed == _to_millisecond(created)


@overload
def _to_millisecond(moment: datetime) -> datetime: ...


@overload
def _to_millisecond(moment: None) -> None: ...


def _to_millisecond(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _arrives(old: Entry | None, new: Entry) -> bool:
    """Whether ``new`` (listed) is a silence the gate did not hold as ``old``: new to it, or
    changed to cover more. A change of state by time is not, nor the gate's own write listed as
    Alertmanager lists it: started when it took it if sent earlier, and its times to the
    millisecond (API v2 writes them so), never later than sent."""
    if old is None:
        return True
    was, now = old.silence.request, new.silence.request
    same = (now.matchers, now.comment, now.author, now.approvers, now.window) == (
        was.matchers,
        was.comment,
        was.author,
        was.approvers,
        was.window,
    )
    starts, ends, started, ended = now.starts_at, now.ends_at, was.starts_at, was.ends_at
    if not same or starts is None or ends is None or started is None or ended is None:
        return True
    # To the millisecond: a write started when Alertmanager took it is listed from that moment,
    # written to the millisecond, which can be in the same millisecond as, and so before, the
    # moment the gate judged it from (red team of a flaky test: its own first write counted as
    # come in around it, and the next write was judged again).
    return starts < _to_millisecond(started) or ends > ended


def _retrieved(task: asyncio.Task[None]) -> None:
    """A refresh's failure is the concern of the writes that wait for it, if any."""
    if not task.cancelled():
        task.exception()


def _apply(entries: dict[str, Entry], ident: str, entry: Entry | None) -> None:
    if entry is None:
        entries.pop(ident, None)
    else:
        entries[ident] = entry


def judged(  # noqa: PLR0913, PLR0917 - a write, its author, the rules, and what it is judged with
    cache: HistoryCache | None,
    data: Mapping[str, Any],
    person: Person,
    rules: Rules,
    notes: Sequence[str],
    now: datetime,
    approval_hint: str = writes.APPROVALS_LATER,
    request: SilenceRequest | None = None,
) -> tuple[SilenceRequest, Verdict]:
    """``writes.judge`` with the cached silences that can share an instance with the write
    (``cache`` None: with none, as the policy allows when history cannot be read);
    ``approval_hint``: what a missing approval's violation tells the person to do;
    ``request``: ``data`` read already."""
    request = writes.created_at(data, api.from_api(data) if request is None else request, now)
    if cache is None:
        return writes.judge(data, person, rules, [], notes, (), approval_hint, request=request)
    with labels.judgement():  # its questions, here and in evaluate, share one allowance
        found = assess(request, rules)
        earlier, known = _history_for(cache, data, request, found, rules, now)
        return writes.judge(
            data, person, rules, earlier, notes, (), approval_hint, request=request, assessed=known
        )


async def judged_aside(  # noqa: PLR0913, PLR0917 - as ``judged``
    cache: HistoryCache | None,
    data: Mapping[str, Any],
    person: Person,
    rules: Rules,
    notes: Sequence[str],
    now: datetime,
    approval_hint: str = writes.APPROVALS_LATER,
    request: SilenceRequest | None = None,
    *,
    approvers: tuple[str, ...] = (),
) -> tuple[SilenceRequest, Verdict]:
    """``judged``, its two long steps (the write's assessment, then its judgement) in a thread,
    the history picked between them on the event loop (the cache changes only there): a write
    of hard regexes takes its allowances' worth, a few tenths of a second, during which the
    loop goes on reading requests, answering reads and checking passwords. The verdict is the
    one ``judged`` gives: the assessment has an allowance of its own wherever it is made, and
    the judgement its own allowance. ``approvers``: the people who approved it through the
    gate (an approved request, judged again)."""
    request = writes.created_at(data, api.from_api(data, approvers) if request is None else request, now)
    if cache is None:
        return await asyncio.to_thread(
            writes.judge, data, person, rules, [], notes, approvers, approval_hint, request=request
        )
    found = await asyncio.to_thread(assess, request, rules)
    earlier, known = _history_for(cache, data, request, found, rules, now)

    def judgement() -> tuple[SilenceRequest, Verdict]:
        with labels.judgement():
            return writes.judge(
                data, person, rules, earlier, notes, approvers, approval_hint, request=request, assessed=known
            )

    return await asyncio.to_thread(judgement)


def _history_for(  # noqa: PLR0913, PLR0917 - the write, what it reaches, and when
    cache: HistoryCache,
    data: Mapping[str, Any],
    request: SilenceRequest,
    found: Assessment | None,
    rules: Rules,
    now: datetime,
) -> tuple[list[Silence], dict[int, Assessment | None]]:
    """The silences ``request`` is judged with (one it replaces ends now), and the assessments
    of each (``evaluate``'s ``assessed``)."""
    entries, known = cache.sharing(request, found, rules)
    known[id(request)] = found
    replaced = writes.replaced_id(data)
    earlier = [e.silence for e in entries if e.item.get("id") != replaced]
    if replaced is not None:  # every version held of it (``_laid_over``), as listed ones
        items = [e.item for e in entries if e.item.get("id") == replaced]
        earlier += writes.history(items, replaced, now, cache.upstreams.bases[0])
    return earlier, known
