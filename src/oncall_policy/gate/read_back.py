"""The read-back: each silence the gate created, looked at again once every peer lists it, and
expired if a silence another writer had Alertmanager take first makes it break the policy.

A gate judges a write with what it holds: a listing at most ``history_max_age`` old, and its own
writes. Two gates in front of one cluster cannot see each other's writes in between, so halves
of a chain written through both within that time (now→+4h through one, +4h→+8h through the
other) were each accepted: 8 h on a 4 h cap. Neither can know of the other's write before it
answers without sharing state with it, so each looks again afterwards:

- ``AFTER_SECONDS`` after Alertmanager took a write (room for its peers' clocks and gossip), the
  gate has every peer listed again (the history cache's own refresh) and finds the write there,
  with the time Alertmanager recorded for it (``updatedAt``).
- If no silence the cache took in after the write was judged was taken by Alertmanager before
  it, the write was judged with everything before it, as one gate alone judges: it stands.
- Otherwise it is judged again, under the rules that accepted it, with every silence that can
  share an instance with it and that Alertmanager took before it, in the order of
  ``(updatedAt, id)``: the order every gate reads from the same listing. If it now breaks the
  policy it is expired (``withdrawn``). Of writes that together break the policy the last one
  loses, whichever gate judged it; the one before is judged with everything before it too, so
  each silence left keeps the policy with the ones before it, as if one gate had judged them all.

A write listed with other content than the gate sent (replaced since by a later write, which is
looked at in its turn) or expired already needs nothing. One that no listing shows, or that
cannot be expired, is tried again until ``GIVE_UP_SECONDS``, then logged (``unconfirmed``);
the audit finds it. Every withdrawal is a line of the audit trail and a verdict in the metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote

import aiohttp

from oncall_policy.records import Record
from oncall_policy.silence import audit, labels
from oncall_policy.silence import rfc3339 as times
from oncall_policy.silence.evaluate import assess, evaluate
from oncall_policy.silence.http_errors import AlertmanagerError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, Final

    from oncall_policy.gate.history_cache import Entry, HistoryCache
    from oncall_policy.gate.upstreams import Upstreams
    from oncall_policy.silence.evaluate import Assessment, Silence
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules
    from oncall_policy.silence.verdict import Verdict

log = logging.getLogger("oncall_policy.gate")
AFTER_SECONDS = 1.0  # after Alertmanager took a write, for its peers' clocks and gossip
KEPT_JUDGEMENTS = 16  # young silences before a write judged for whether they are left (``_left``)
GIVE_UP_SECONDS = 60.0  # a write no listing shows, or that cannot be expired, is tried this long
# A silence come in that breaks the policy with those before it is left to the gate that wrote
# it for this long after it came in (that gate withdraws it ``AFTER_SECONDS`` after Alertmanager
# took it, once a listing shows it); live after that, no gate wrote it (amtool, an admin, around
# every gate), and it counts.
WITHDRAWAL_SECONDS = 10.0
_NEVER = datetime.max.replace(tzinfo=UTC)
# What a listing some peer did not answer settles. That a write stands (or is kept) it cannot
# say: a peer that took a write and kept it to itself (paused, cut off) before gossip carried
# it brings it back when it answers, so the write is looked at again until every peer has.
FINAL = frozenset({"withdrawn"})


class Watch(Record):
    """A write the gate created, to look at again: the body sent, the rules that accepted it,
    when it was judged and when Alertmanager took it (monotonic), and who wrote it, from where."""

    silence_id: str
    data: Mapping[str, Any]
    rules: Rules
    judged_at: float
    taken_at: float
    who: str
    remote: str | None


class Reports(Protocol):
    """Where the read-back's findings go (the audit trail and the metrics)."""

    def looked(self, result: str) -> None:
        """One write looked at again: ``stands`` (no silence taken before it came in after it
        was judged), ``kept`` (judged again and kept), ``withdrawn``, ``changed`` (expired or
        replaced since), or ``unconfirmed``."""

    def withdrawn(self, watch: Watch, request: SilenceRequest, verdict: Verdict, upstream: str) -> None:
        """``watch`` broke the policy with a silence taken before it, and was expired at ``upstream``."""

    def unconfirmed(self, watch: Watch, why: str) -> None:
        """``watch`` could not be looked at again, or not expired, for ``why``."""


class ReadBack:
    """The writes to look at again, and the task that looks (started with the first one)."""

    def __init__(
        self,
        cache: HistoryCache,
        upstreams: Upstreams,
        rules: Callable[[], Rules],
        reports: Reports,
        *,
        after: float = AFTER_SECONDS,
    ) -> None:
        self.cache: Final = cache
        self.upstreams: Final = upstreams
        self.after: Final = after
        self._rules = rules  # the policy in force
        self._reports = reports
        self._watches: dict[str, Watch] = {}
        self._due: dict[str, float] = {}  # id → when a listing asked after it may show it (monotonic)
        self._looked: dict[str, float] = {}  # id → when it was first looked at
        self._task: asyncio.Task[None] | None = None

    def watch(  # noqa: PLR0913, PLR0917 - a write, and what the audit trail says of it
        self,
        silence_id: str,
        data: Mapping[str, Any],
        rules: Rules,
        judged_at: float,
        who: str,
        remote: str | None,
    ) -> None:
        """Look again at the write ``data``, taken as ``silence_id`` just now."""
        taken_at = time.monotonic()
        self._watches[silence_id] = Watch(silence_id, data, rules, judged_at, taken_at, who, remote)
        self._due[silence_id] = taken_at + self.after
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._looking())

    async def close(self) -> None:
        """Stop looking (the gate is stopping): the writes not looked at yet are left to the audit."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _looking(self) -> None:
        while self._due:
            due = min(self._due.values())
            # A listing asked after ``due`` is what it takes. Writes coming in have the cache list
            # every three quarters of ``history_max_age`` anyway: it asks for one of its own only
            # when none came within another ``after`` (each costs Alertmanager, and the gate, a
            # reading of every silence: asked back to back, they cost a tenth of its writes).
            await asyncio.sleep(max(0.0, due + self.after - time.monotonic()))
            try:
                await self.cache.listed_after(due)
            except Exception as error:  # no listing (logged), looked at again later
                if not isinstance(error, AlertmanagerError):
                    log.exception("the silences could not be listed for the read-back")
                self._given_up(f"no listing to look at it in: {error}", listed=False)
                await asyncio.sleep(self.after)
                continue
            listed_at, whole_at = self.cache.refreshed_at or 0.0, self.cache.whole_at or 0.0
            for ident in [ident for ident, when in self._due.items() if when <= listed_at]:
                # The listing in hand is the last one, which every peer answered.
                whole = whole_at >= listed_at
                self._looked.setdefault(ident, time.monotonic())
                watch = self._watches[ident]
                try:
                    result = await self._looked_at(watch)
                except Exception:  # a fault of ours: logged and left to the audit, the others looked at
                    log.exception("silence %s could not be looked at again", ident)
                    self._done(watch)
                    self._reports.looked("unconfirmed")
                    self._reports.unconfirmed(watch, "a fault of the gate's (logged)")
                    continue
                if result in FINAL or (whole and result is not None):
                    self._done(watch)
                    self._reports.looked(result)
                elif ident in self._due:  # looked at again with a listing asked from now on
                    self._due[ident] = time.monotonic() + self.after
                await asyncio.sleep(0)  # others are served between them
            self._given_up("no listing of every peer shows it, or it could not be expired")

    def _done(self, watch: Watch) -> None:
        if self._watches.get(watch.silence_id) is not watch:
            return  # written again (updated in place) meanwhile: that write is looked at in its turn
        del self._watches[watch.silence_id], self._due[watch.silence_id]
        self._looked.pop(watch.silence_id, None)

    def _given_up(self, why: str, *, listed: bool = True) -> None:
        """Give up the writes looked at for ``GIVE_UP_SECONDS`` (``listed``: since their first
        look, so that a long pass over others does not give up one never looked at; else since
        they were taken: no listing could be had all that time)."""
        limit = time.monotonic() - GIVE_UP_SECONDS
        for watch in [
            w
            for w in self._watches.values()
            if (self._looked.get(w.silence_id, limit + 1) if listed else w.taken_at) < limit
        ]:
            self._done(watch)
            self._reports.looked("unconfirmed")
            self._reports.unconfirmed(watch, why)

    async def _looked_at(self, watch: Watch) -> str | None:
        """What became of ``watch`` (``Reports.looked``); None: to be looked at again later."""
        arrived = self.cache.arrived_since(watch.judged_at)
        if not arrived:
            return "stands"  # the cache held every silence listed since as it was judged with
        item = self.cache.listed(watch.silence_id)
        if item is None:
            return None  # not listed yet: the peer that took it may be down, or gossip slow
        listed = audit.read(item)
        if listed.state not in audit.LIVE or not _same(listed.request, audit.read(watch.data).request):
            return "changed"  # expired, or replaced by a later write (looked at in its turn)
        try:
            verdict = await self._judged(watch, listed.request, _updated(item.get("updatedAt")), arrived)
        except _UndecidedError:
            return None
        if verdict is None or verdict.accepted:
            return "kept" if verdict else "stands"
        return "withdrawn" if await self._expired(watch, listed.request, verdict) else None

    async def _judged(
        self, watch: Watch, request: SilenceRequest, updated: datetime, arrived: set[str]
    ) -> Verdict | None:
        """The write judged again with the silences Alertmanager took before it, once none of
        them is left to the gate that wrote it (``_left``); None when none of them came in after
        it was judged (its verdict stands). As a write is judged (``history_cache.judged_aside``):
        assessments and judgements in a thread, so that hard regexes do not hold the event loop,
        the history picked on the loop."""
        rules = watch.rules
        found = await asyncio.to_thread(assess, request, rules)
        before = self._before(request, found, (updated, watch.silence_id), watch.silence_id, rules)
        if not any(e.silence.silence_id in arrived for e in before):
            return None
        young = [e for e in before if self._young(e, arrived)][:KEPT_JUDGEMENTS]
        for entry in young:
            await self._left(entry, rules)
        return await self._verdict(request, found, [e.silence for e in before], rules)

    def _before(
        self,
        request: SilenceRequest,
        found: Assessment | None,
        place: tuple[datetime, str],
        ident: str,
        rules: Rules,
    ) -> list[Entry]:
        """The silences held that can share an instance with ``request`` (of id ``ident``) and
        that Alertmanager took before ``place`` (its time and id).

        Judged under the rules that accepted the write, whatever the policy now: a write is
        withdrawn for a silence before it, never for a change of policy. The cache's index is
        the policy in force; after a reload every silence held is taken instead (those that
        cannot share an instance change no verdict), rather than index them all again under the
        old rules. Giving up instead let a reload that changed nothing, in the second before the
        read-back, keep both halves of a chain written through two gates (red team)."""
        if rules is self._rules():
            entries, _ = self.cache.sharing(request, found, rules)
        else:
            entries = list(self.cache.entries.values()) if found is not None else []
        return [
            e
            for e in entries
            if e.item.get("id") != ident  # every version held of it
            and not e.silence.silence_id.startswith("reserved-")  # judged after it
            and (self._updated(e), e.silence.silence_id) < place
        ]

    def _young(self, entry: Entry, arrived: set[str]) -> bool:
        """Whether ``entry`` came in since the write was judged, is live, and came in less than
        ``WITHDRAWAL_SECONDS`` ago: a silence the gate that wrote it may yet withdraw."""
        ident = entry.silence.silence_id
        if ident not in arrived or entry.silence.state not in audit.LIVE:
            return False
        came = self.cache.arrived_at(ident)
        return came is not None and time.monotonic() - came < WITHDRAWAL_SECONDS

    async def _left(self, entry: Entry, rules: Rules) -> None:
        """``_UndecidedError`` when the young ``entry`` breaks the policy with the silences before
        it: the gate that wrote it withdraws it when it looks again, and the write is looked at
        again once it has (a silence about to be withdrawn withdraws nothing after it: red team,
        three writes through three gates). Every other silence before the write counts as it is:
        held when the write was judged, no longer live (its time as it ended), keeping the
        policy, or live ``WITHDRAWAL_SECONDS`` after it came in, though it breaks the policy: no
        gate withdraws a silence written around them all, and left out, one that broke the cap
        on its own let a write chained to it stand for good (red team). A silence before it that
        is itself young is among the write's own, looked at in its turn; at most
        ``KEPT_JUDGEMENTS`` are judged so for one write, every one past them counting (never
        fewer)."""
        ident = entry.silence.silence_id
        request = entry.silence.request
        found = await asyncio.to_thread(assess, request, rules)
        before = self._before(request, found, (self._updated(entry), ident), str(entry.item.get("id")), rules)
        verdict = await self._verdict(request, found, [e.silence for e in before], rules)
        if not verdict.accepted:
            raise _UndecidedError

    async def _verdict(
        self, request: SilenceRequest, found: Assessment | None, history: list[Silence], rules: Rules
    ) -> Verdict:
        known: dict[int, Assessment | None] = {id(request): found}

        def judgement() -> Verdict:
            with labels.judgement():
                return evaluate(request, rules, history, known)

        return await asyncio.to_thread(judgement)

    @staticmethod
    def _updated(entry: Entry) -> datetime:
        """When Alertmanager took ``entry``'s version, as listed (the gate's own record of a write
        not listed yet: about when it was taken, from the gate's clock)."""
        return _updated(entry.item.get("updatedAt"))

    async def _expired(self, watch: Watch, request: SilenceRequest, verdict: Verdict) -> bool:
        """Expire the withdrawn write on the first peer that takes the expiry (gossip tells the
        others); False when none does (tried again later)."""
        path = "/api/v2/silence/" + quote(watch.silence_id, safe="")
        upstreams = self.upstreams
        for base in upstreams.order():
            try:
                async with (
                    asyncio.timeout(upstreams.timeout),
                    upstreams.http.delete(upstreams.url(base, path), allow_redirects=False) as answer,
                ):
                    status = answer.status
            except (TimeoutError, aiohttp.ClientError):
                self.upstreams.mark_down(base)
                continue
            if status == 200:
                self.cache.ended(watch.silence_id, datetime.now(UTC), base)
                self._reports.withdrawn(watch, request, verdict, base)
                return True
        return False


class _UndecidedError(Exception):
    """A silence before the write breaks the policy, and the gate that wrote it may yet
    withdraw it: the write is looked at again later (``ReadBack._left``)."""


def _same(listed: SilenceRequest, sent: SilenceRequest) -> bool:
    """Whether the listed silence is the write sent (approvals read back from both comments, as
    the audit reads them). Alertmanager may move a start in the past to when it took it, and
    API v2 lists times to the millisecond (cut, not rounded); everything else it keeps."""
    return (
        listed.matchers == sent.matchers
        and _listed_end(listed.ends_at, sent.ends_at)
        and listed.comment == sent.comment
        and listed.author == sent.author
        and listed.approvers == sent.approvers
    )


def _listed_end(listed: datetime | None, sent: datetime | None) -> bool:
    """Whether ``listed`` is ``sent`` as API v2 lists it: cut to the millisecond, where ``sent``
    was read up to the next microsecond (``rfc3339.parse``'s ``end``)."""
    if listed is None or sent is None:
        return listed is sent
    return listed <= sent <= listed + timedelta(milliseconds=1)


def _updated(text: object) -> datetime:
    """An ``updatedAt``; one that cannot be read counts as the latest (never before)."""
    try:
        return times.parse(text) if isinstance(text, str) else _NEVER
    except ValueError:
        return _NEVER
