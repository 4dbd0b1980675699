"""The gate as an aiohttp application: every request classified (``paths``), then answered.

- ``POST /api/v2/silences`` (with or without ``id``): the author authenticated and a roster
  person, the body read within bounds, judged (``writes``) with the silences every peer lists as
  history, and forwarded as received when accepted. Writes are judged one at a time and
  forwarded side by side: each is judged with every write accepted before it, those still on
  their way to Alertmanager included (``HistoryCache.reserve``). Refused: 400 in Alertmanager's
  style, every violated rule and its fix in the text.
- ``DELETE /api/v2/silence/{id}``: the author authenticated and a roster person; passed through.
- API v1 silence writes: refused (use API v2 through the gate).
- ``/-/healthy``, ``/-/ready``: answered by the gate (ready: the policy is loaded and a peer is).
- ``/metrics``: the gate's own metrics (``metrics``), not Alertmanager's.
- Everything else: passed through, streamed (``relay``); open, or authenticated when the
  configuration says ``reads = "authenticated"``.

``Gate.rules`` is the policy in force; a reload (``reload``: SIGHUP, or the file changing)
swaps it, and a judgement under way keeps the rules it started with. Every verdict is a JSON
line of the audit trail (``auditlog``) and a count (``metrics``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import HttpVersion11, web

from oncall_policy.gate import answers, approvals, auditlog, bodies, paths, pending, relay, writes
from oncall_policy.gate import headers as fields
from oncall_policy.gate.config import GateConfig
from oncall_policy.gate.history_cache import HistoryCache, judged, judged_aside, listed_size
from oncall_policy.gate.identity import Authenticator, trusted_peer
from oncall_policy.gate.metrics import Metrics
from oncall_policy.gate.read_back import ReadBack, Watch
from oncall_policy.gate.reload import Reloader
from oncall_policy.gate.turns import Turns
from oncall_policy.gate.upstreams import CreateFailedError, Upstreams, session
from oncall_policy.gate.users import TooManyAttemptsError
from oncall_policy.matchers import Op
from oncall_policy.people import Person
from oncall_policy.records import Record
from oncall_policy.silence import api, report
from oncall_policy.silence.client import HistoryUnavailableError
from oncall_policy.silence.http_errors import AlertmanagerError, TimedOutError
from oncall_policy.silence.rules import Rules
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence
    from typing import Any, Final

    from oncall_policy.gate.proof import Signer
    from oncall_policy.gate.users import Verifier
    from oncall_policy.silence.evaluate import Silence
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.source import Loaded
    from oncall_policy.silence.verdict import Verdict

log = logging.getLogger("oncall_policy.gate")
SHUTDOWN_SECONDS = 5.0  # for answers still streaming when asked to stop
# Turns of the write lock that are no person's (no roster id has a NUL in it).
_APPROVALS, _EXPIRIES = "\x00approvals", "\x00expiries"


class Settings(Record):
    """What the gate serves with; ``policy``: the file ``rules`` came from, reloaded on SIGHUP and
    when it changes (polled every ``watch_interval`` seconds; 0: on SIGHUP only), or None;
    ``loaded``: how ``rules`` were loaded from it (the sha256 of its bytes, its parts), when known."""

    rules: Rules
    upstreams: tuple[str, ...]
    config: GateConfig
    verifier: Verifier | None
    policy: str | None = None
    watch_interval: float = 1.0
    loaded: Loaded | None = None


class Accepted(Record):
    """A write judged to keep the policy under ``rules`` at ``judged_at`` (monotonic), reserved
    in the history as ``token``; ``due``: judged with a listing asked before this moment, it
    stands once one asked after confirms it (``HistoryCache.confirmed``)."""

    silence: SilenceRequest
    verdict: Verdict
    token: str
    rules: Rules
    judged_at: float
    due: float | None = None


class Gate:
    def __init__(self, settings: Settings, upstreams: Upstreams, metrics: Metrics | None = None) -> None:
        self.rules = settings.rules
        self.policy_sha: str | None = None  # for the audit trail, when the policy came from a file
        self.metrics: Final = metrics or Metrics(settings.upstreams)
        self.config: Final = settings.config
        self.upstreams: Final = upstreams
        self.auth: Final = Authenticator(settings.config.auth, settings.verifier)
        upstream = settings.config.upstream
        self._upstream_fields: Final = (
            *(["X-Scope-OrgID"] if upstream.tenant is not None else []),
            *(["Authorization"] if upstream.bearer_token_file or upstream.basic_auth else []),
        )
        self._writes = Turns()  # one judged at a time, person by person
        self.bodies: Final = bodies.Budget(settings.config.limits.max_body)  # of the writes under way
        self.history: Final = HistoryCache(upstreams, settings.config.limits.history_max_age.total_seconds())
        # Each write created is looked at again once listed, with what other gates wrote meanwhile.
        after = self.config.limits.read_back_after.total_seconds()
        self.read_back: Final = ReadBack(self.history, upstreams, lambda: self.rules, self, after=after)
        self.approvals: approvals.ApprovalDesk | None = None  # set by ``with_approvals``

    # --- approvals (issue 13 item 3): the routes and the pending store's lifecycle ---

    def with_approvals(self, desk: pending.Desk, signer: Signer) -> None:
        """Hold silences that lack only approvals in ``desk`` and create them once approved."""
        assert self.config.approvals is not None  # noqa: S101 - the caller read it
        self.approvals = approvals.ApprovalDesk(
            desk=desk,
            signer=signer,
            config=self.config.approvals,
            upstreams=self.upstreams,
            rules=lambda: self.rules,
            person=self._person,
            alone=self._alone,
            judge=self._approval_judged,
            created=self._approved_created,
            perhaps=self._perhaps_taken,
            created_from=self.history.created_from,
        )

    @asynccontextmanager
    async def _alone(self) -> AsyncIterator[None]:
        """No other write judged and none on its way to Alertmanager while the block runs."""
        async with self._writes.turn(_APPROVALS):
            await self.history.settled()
            yield

    async def _approval_judged(
        self, data: Mapping[str, Any], author: Person, rules: Rules, approvers: tuple[str, ...], hint: str
    ) -> tuple[SilenceRequest, Verdict]:
        """An approved silence, judged again as a write is: with the history cache, fresh (a
        listing read off the event loop; ``AlertmanagerError`` when none can be had) and with
        the gate's own writes laid over it. A listing of its own, read on the loop, held every
        other client 1.5 s at 40,000 silences listed (red team)."""
        await self.history.fresh(rules)
        now = datetime.now(UTC)
        return await judged_aside(self.history, data, author, rules, (), now, hint, approvers=approvers)

    def _perhaps_taken(self, body: Mapping[str, Any] | None) -> list[Silence]:
        """The writes Alertmanager may or may not have taken, ``body`` (an approved silence sent
        without a clear answer) first added to them."""
        if body is not None:
            self.history.taken_perhaps(body, api.from_api(body))
        return self.history.perhaps_taken()

    def _approved_created(self, silence_id: str, body: Mapping[str, Any]) -> None:
        """An approved silence the gate created counts as history at once, as its other writes
        do, and is looked at again once listed, judged again whatever came in when (judged at
        0): approvals are few, and the moment it was judged is the approval desk's."""
        request = api.from_api(body)
        self.history.created(silence_id, body, request, datetime.now(UTC))
        self.read_back.watch(silence_id, body, self.rules, 0.0, request.author, None)

    # --- the read-back's findings (``read_back``) ---

    def looked(self, result: str) -> None:
        self.metrics.read_backs.labels(result).inc()

    def withdrawn(self, watch: Watch, request: SilenceRequest, verdict: Verdict, upstream: str) -> None:
        """A created write that breaks the policy with a silence Alertmanager took before it
        (another gate's) was expired."""
        broken = sorted({v.rule for v in verdict.violations})
        self.metrics.verdict("withdrawn", broken)
        entry = auditlog.Entry(
            watch.who,
            watch.remote,
            "withdrawn",
            request.matchers,
            rules=broken,
            applied=verdict.rules,
            silence_id=watch.silence_id,
            upstream=upstream,
            policy=self.policy_sha,
        )
        auditlog.record(entry)
        log.warning(
            "expired silence %s by %s: with a silence written before it elsewhere, it breaks %s",
            watch.silence_id,
            watch.who,
            ", ".join(broken),
        )

    def unconfirmed(self, watch: Watch, why: str) -> None:
        """A created write could not be looked at again (left to ``silence audit``)."""
        self.metrics.verdict("unconfirmed")
        entry = auditlog.Entry(
            watch.who,
            watch.remote,
            "unconfirmed",
            api.from_api(watch.data).matchers,
            silence_id=watch.silence_id,
            policy=self.policy_sha,
        )
        auditlog.record(entry)
        log.warning("silence %s was not looked at again after it was created: %s", watch.silence_id, why)

    async def _approvals(self, request: web.Request) -> web.StreamResponse:
        if self.approvals is None:
            return answers.error(404, "approvals are not configured on this gate ([approvals] in --config)")
        if request.method in ("GET", "HEAD") and request.path.rstrip("/") == approvals.PREFIX:
            refused = await self._refused(paths.Kind.OTHER, request)
            if refused is not None:
                return refused
        return await self.approvals.handle(request)

    # --- end approvals ---

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._handled(request)
        except TooManyAttemptsError:
            return _too_many_checks()

    async def expect(self, request: web.Request) -> web.StreamResponse | None:
        """``Expect: 100-continue`` (curl sends it with a body over 1 KiB). A request the gate
        refuses whatever its body holds (not authenticated, a body announced past the limit, an
        alert from a peer not allowed to send any) is refused now, so that its body is never
        sent; any other is told to continue, as aiohttp's own handler tells it. Before, the gate
        told everyone to continue, then refused them unread."""
        try:
            refused = await self._before_body(request)
        except TooManyAttemptsError:
            refused = _too_many_checks()
        if refused is not None:
            return refused
        if request.version != HttpVersion11:
            return None  # HTTP/1.0 knows no 100 Continue: the client sends its body anyway
        asked = request.headers.get("Expect", "")
        if asked.lower() != "100-continue":
            raise web.HTTPExpectationFailed(text=f"Unknown Expect: {asked}")
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # as aiohttp's handler: the answer's size starts after it
        return None

    async def _before_body(self, request: web.Request) -> web.Response | None:
        """The refusal a request gets whatever its body holds (None: its body decides)."""
        kind = paths.classify(request.method, request.path)
        approving = request.path == approvals.PREFIX or request.path.startswith(approvals.PREFIX + "/")
        if kind is not paths.Kind.CREATE and not approving:
            return await self._refused(kind, request)
        if await self._who(request) is None:
            return self._unauthenticated()
        limit = self.config.limits.max_body
        if kind is paths.Kind.CREATE and (request.content_length or 0) > limit:
            return _body_refused(bodies.too_large(limit))
        return None

    async def _handled(self, request: web.Request) -> web.StreamResponse:
        if request.path == approvals.PREFIX or request.path.startswith(approvals.PREFIX + "/"):
            return await self._approvals(request)
        kind = paths.classify(request.method, request.path)
        if kind is paths.Kind.CREATE:
            return await self._create(request)
        answered = await self._answered(kind) or await self._refused(kind, request)
        if answered is None and kind is not paths.Kind.ALERT_WRITE and request.body_exists:
            answered = await self._bodiless(request)
        response = answered or await relay.relay(request, self.upstreams, self._sent(request))
        if kind is paths.Kind.EXPIRE and response.status == 200:
            await self._expired(request)
        return response

    async def _bodiless(self, request: web.Request) -> web.Response | None:
        """The refusal of a body where Alertmanager reads none (None: it is empty). Passed on as
        it came, an announced body never sent held one of the connections to Alertmanager until
        its timeout (Go reads a body left unread before it answers): a few hundred such requests,
        from anyone, left none to judge writes or serve reads with (red team). Alertmanager reads
        a body only with a silence or alerts posted, which the gate reads whole or takes from
        its alert senders; a body elsewhere is no request of its API."""
        try:
            await bodies.read(
                request.content, request.content_length, 0, self.config.limits.body_timeout.total_seconds()
            )
        except bodies.BodyError as error:
            if error.status == 413:
                error = bodies.BodyError(
                    413, f"Alertmanager reads no request body with {request.method} {request.path}: send none"
                )
            return _body_refused(error)
        return None

    async def _expired(self, request: web.Request) -> None:
        """The history knows at once of a silence expired through the gate."""
        silence_id = request.path.rstrip("/").rpartition("/")[2]
        async with self._writes.turn(_EXPIRIES):
            self.history.ended(silence_id, datetime.now(UTC), self.upstreams.bases[0])

    async def _answered(self, kind: paths.Kind) -> web.Response | None:
        """The gate's own answer to ``kind`` (None: it is not the gate's to answer)."""
        if kind is paths.Kind.HEALTHY:
            return answers.text(200, "OK")
        if kind is paths.Kind.METRICS:
            return self.metrics.exposition()
        if kind is paths.Kind.READY:
            ready = await self.upstreams.ready()
            return (
                answers.text(200, "OK") if ready else answers.text(503, "no upstream Alertmanager is ready")
            )
        if kind is paths.Kind.ADMIN:
            return answers.error(
                403, "the oncall-policy gate does not pass on Alertmanager's /-/reload and /debug/ endpoints"
            )
        if kind is paths.Kind.V1_WRITE:
            return answers.v1_refused(
                "the oncall-policy gate refuses API v1 silence writes: use API v2 through the gate "
                "(POST /api/v2/silences, DELETE /api/v2/silence/{id}), as amtool and the web UI do"
            )
        return None

    async def _refused(self, kind: paths.Kind, request: web.Request) -> web.Response | None:
        """The answer to a request without the authentication it needs (None: it has it)."""
        if kind is paths.Kind.EXPIRE:
            found = await self._person(request)
            return None if isinstance(found, Person) else found
        if kind is paths.Kind.ALERT_WRITE and not trusted_peer(
            _peer(request), self.config.auth.alert_senders
        ):
            return answers.error(
                403,
                "the oncall-policy gate takes alerts only from the peers in auth.alert_senders: a "
                "posted alert can inhibit or resolve a real one; Prometheus posts them (to the gate "
                "from an alert sender, or straight to Alertmanager)",
            )
        if self.config.auth.reads == "authenticated" and await self._who(request) is None:
            return self._unauthenticated()
        return None

    async def _who(self, request: web.Request) -> str | None:
        return await self.auth.who(request.headers, _peer(request))

    async def _person(self, request: web.Request, rules: Rules | None = None) -> Person | web.Response:
        name = await self._who(request)
        if name is None:
            return self._unauthenticated()
        person = (rules or self.rules).roster.find(name)
        if person is None:
            return answers.error(
                403,
                f"{name} is authenticated but is not a person of the policy's roster; only roster "
                "people write silences through the gate",
            )
        return person

    def _unauthenticated(self) -> web.Response:
        challenge = self.auth.challenge
        how = {
            "basic": "give your roster email and password (amtool: --alertmanager.url=http://EMAIL:PASSWORD@HOST/)",
            "header": "come through the authenticating proxy in front of the gate",
        }.get(self.config.auth.mode, "the gate is configured to authenticate no one (see --config)")
        headers = {"WWW-Authenticate": challenge} if challenge else None
        return answers.error(401, f"authentication required: {how}", headers)

    def _sent(self, request: web.Request, dropped: Sequence[str] = ()) -> list[tuple[str, str]]:
        peer = _peer(request) or ""
        return fields.to_upstream(
            request.headers.items(),
            peer=peer,
            host=request.headers.get("Host"),
            trusted=trusted_peer(peer, self.config.auth.trusted_peers),
            # The gate's own (its authentication; the tenant and credentials it sends upstream).
            dropped=(*self.auth.forwarded_away(), *self._upstream_fields, *dropped),
        )

    async def _create(self, request: web.Request) -> web.StreamResponse:
        rules = self.rules  # the rules in force now judge this write, whatever a reload does meanwhile
        found = await self._person(request, rules)
        if not isinstance(found, Person):
            return found
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            return answers.error(
                415, f"the gate judges silences sent without Content-Encoding, not {encoding!r}"
            )
        try:
            with self.bodies.reserved(found.id, request.content_length):
                return await self._create_read(request, found, rules)
        except bodies.BodyError as error:
            return _body_refused(error)

    async def _create_read(self, request: web.Request, found: Person, rules: Rules) -> web.StreamResponse:
        """``_create`` once the write's body has room in the gate's budget."""
        limits = self.config.limits
        body = await bodies.read(
            request.content, request.content_length, limits.max_body, limits.body_timeout.total_seconds()
        )
        try:
            data = writes.decode(body)
        except writes.UnreadableError as error:
            return answers.refused(error.message, request.headers)
        async with self._writes.turn(found.id):
            judgement = await self._judged(request, data, found, rules, ahead=True)
        if isinstance(judgement, Accepted):
            judgement = await self._confirmed(request, data, found, judgement)
        if isinstance(judgement, web.Response):
            return judgement
        return await self._forwarded(request, body, data, found, judgement)

    async def _confirmed(
        self, request: web.Request, data: Mapping[str, Any], person: Person, accepted: Accepted
    ) -> web.Response | Accepted:
        """``accepted``, once a fresher listing confirms the verdict when it was judged with the
        listing in hand while that one was under way (``Accepted.due``); else judged again."""
        if accepted.due is None:
            return accepted
        stands = False
        try:
            stands = await self.history.confirmed(accepted.due, accepted.judged_at)
        finally:  # not confirmed, or cancelled (the gate stops): not forwarded, no longer history
            if not stands:
                self.history.settle(accepted.token, None, data, accepted.silence)
        if stands:
            return accepted
        async with self._writes.turn(person.id):
            return await self._judged(request, data, person, accepted.rules)

    async def _judged(  # noqa: PLR0911 - each answer where it is decided
        self,
        request: web.Request,
        data: Mapping[str, Any],
        person: Person,
        rules: Rules,
        *,
        ahead: bool = False,
    ) -> web.Response | Accepted:
        """The answer to a write the gate does not forward, or the accepted write, reserved in
        the history (``HistoryCache.reserve``) so that the writes judged after it count it while
        it is forwarded. Called holding the write lock. ``ahead``: an accepted write may be
        judged with the listing in hand while a fresher one is under way (``Accepted.due``)."""
        notes: tuple[str, ...] = ()
        history: HistoryCache | None = self.history
        due = None
        try:
            due = await self.history.fresh(rules, ahead=ahead)
        except AlertmanagerError as error:
            if rules.history.required:
                self._recorded(request, person, "unjudged", api.from_api(data), data)
                return _unjudged(error)
            history, notes = None, (f"judged without earlier silences ({error}); the policy allows it",)
        hint = approvals.HINT if self.approvals is not None else writes.APPROVALS_LATER
        # On the event loop: a judgement with the silences that share an instance takes about a
        # millisecond, less than handing it to a thread and back costs. One of regexes may take
        # its allowances' worth (tenths of a second): in a thread, the loop serving others.
        read = api.from_api(data)
        judge = judged_aside if _regexes(read) else _on_loop(judged)
        # Before the history is picked (in a thread, listings may come in meanwhile): a silence
        # taken in after this is one the read-back weighs against the write.
        judged_at = time.monotonic()
        silence, verdict = await judge(history, data, person, rules, notes, datetime.now(UTC), hint, read)
        if due is not None and not verdict.accepted:
            # Only an acceptance may wait for the fresher listing: any other answer is given
            # with it (a request held for approval, or refused, for what the listing shows).
            return await self._judged(request, data, person, rules)
        if not verdict.accepted and self.history.reserved:
            # Writes still on their way may be what this one is refused for, and some may yet be
            # refused by Alertmanager: judged again once they are settled. No other write is
            # judged meanwhile (the lock is held), so none is reserved and this wait ends.
            await self.history.settled()
            silence, verdict = await judge(history, data, person, rules, notes, datetime.now(UTC), hint, read)
        if (
            self.approvals is not None
            and writes.awaits_approval(verdict)
            and self.approvals.approvable(silence, verdict, rules)
        ):
            crowded = self._crowded(person, silence, rules, await self.approvals.held_bytes(person))
            if crowded is not None:
                self._recorded(request, person, "refused", silence, data)
                return crowded
            self._recorded(request, person, "pending", silence, data, verdict)
            return await self.approvals.hold(request, data, person, verdict)
        if not verdict.accepted:
            self._recorded(request, person, "refused", silence, data, verdict)
            return answers.refused(report.verdict_text(verdict, silence.matchers), request.headers)
        crowded = self._crowded(person, silence, rules, await self._held_bytes(person))
        if crowded is not None:
            self._recorded(request, person, "refused", silence, data)
            return crowded
        token = self.history.reserve(data, silence, datetime.now(UTC))
        return Accepted(silence, verdict, token, rules, judged_at, due)

    async def _held_bytes(self, person: Person) -> int:
        """What ``person``'s requests waiting for approval take of their share, for a write that
        needs no approval: they count there too (red team: counted only when one more was held,
        a person reached twice it). The pending store down (the desk logs it), a write that
        needs no approval is not refused for it: the share guards the listing's size, and an
        incident is no time to refuse every silence for a database."""
        if self.approvals is None:
            return 0
        try:
            return await self.approvals.held_bytes(person)
        except web.HTTPServiceUnavailable:
            return 0

    def _crowded(
        self, person: Person, silence: SilenceRequest, rules: Rules, held: int = 0
    ) -> web.Response | None:
        """429 when ``person``'s silences would take more of Alertmanager's listing than one
        person may (``limits.listed_per_person``): filled past ``max_listing``, the listing could
        not be read, and every write would be refused until Alertmanager forgets them. ``held``:
        what their requests waiting for approval would take once created."""
        limit = self.config.limits.listed_per_person
        used = self.history.listed_by(person, rules.roster) + held
        if used + listed_size(silence) <= limit:
            return None
        waiting = " and your requests waiting for approval" if held else ""
        return answers.error(
            429,
            f"your silences{waiting} take {used // 1024} KiB of Alertmanager's listing, expired ones "
            f"included (it lists them until its retention ends), and one person's may take "
            f"{limit // 1024} KiB (limits.listed_per_person): write shorter comments, or ask the "
            "gate's operator",
        )

    async def _forwarded(
        self, request: web.Request, body: bytes, data: Mapping[str, Any], person: Person, accepted: Accepted
    ) -> web.StreamResponse:
        """The accepted write, forwarded as received; its reservation settled by the answer."""
        silence, verdict, token = accepted.silence, accepted.verdict, accepted.token
        query = request.rel_url.raw_query_string
        try:
            answer = await self.upstreams.create(query, body, self._sent(request, ("Content-Length",)))
        except CreateFailedError as error:
            self.history.unsettled(token)  # a peer that timed out or failed may have taken it
            self._recorded(request, person, "not-created", silence, data, verdict)
            return answers.error(
                error.status, f"the silence keeps the policy, but no Alertmanager took it: {error}"
            )
        except BaseException:
            self.history.unsettled(token)
            raise
        created = _silence_id(answer.body) if answer.status == 200 else None
        self.history.settle(token, created, data, silence)
        if created:
            remote = _peer(request)
            self.read_back.watch(created, data, accepted.rules, accepted.judged_at, person.email, remote)
        decision = "accepted" if created else "not-created"
        self._recorded(request, person, decision, silence, data, verdict, created, answer.base)
        kept = [(name, value) for name, value in fields.from_upstream(answer.headers.items())]
        response = web.Response(status=answer.status, body=answer.body)
        for name, value in kept:
            if name.lower() != "content-length":
                response.headers.add(name, value)
        return response

    def _recorded(  # noqa: PLR0913, PLR0917 - everything one line of the audit trail says
        self,
        request: web.Request,
        person: Person,
        decision: str,
        silence: SilenceRequest,
        data: Mapping[str, Any],
        verdict: Verdict | None = None,
        silence_id: str | None = None,
        upstream: str | None = None,
    ) -> None:
        """One verdict, in the audit trail and the metrics."""
        broken = [v.rule for v in verdict.violations] if verdict and decision == "refused" else []
        self.metrics.verdict(decision, sorted(set(broken)))
        entry = auditlog.Entry(
            person.email,
            _peer(request),
            decision,
            silence.matchers,
            rules=broken,
            applied=verdict.rules if verdict else (),
            silence_id=silence_id,
            replaces=writes.replaced_id(data),
            upstream=upstream,
            policy=self.policy_sha,
        )
        auditlog.record(entry)


def _regexes(request: SilenceRequest) -> bool:
    """Whether the write has a regex matcher (or is no silence: judged aside, to be safe)."""
    return bool(request.problems) or any(m.op in (Op.REGEX, Op.NOT_REGEX) for m in request.matchers)


def _on_loop(
    judge: Callable[..., tuple[SilenceRequest, Verdict]],
) -> Callable[..., Awaitable[tuple[SilenceRequest, Verdict]]]:
    async def judged_here(*args: Any) -> tuple[SilenceRequest, Verdict]:
        return judge(*args)

    return judged_here


def _peer(request: web.Request) -> str | None:
    name = request.transport.get_extra_info("peername") if request.transport else None
    return name[0] if isinstance(name, tuple) and name and isinstance(name[0], str) else None


def _body_refused(error: bodies.BodyError) -> web.Response:
    response = answers.error(error.status, error.message)
    response.force_close()  # the rest of the body is not read: the connection cannot go on
    return response


def _unjudged(error: AlertmanagerError) -> web.Response:
    failures = error.failures if isinstance(error, HistoryUnavailableError) else (error,)
    status = 504 if all(isinstance(failure, TimedOutError) for failure in failures) else 502
    return answers.error(
        status,
        f"the silences already in Alertmanager cannot be read ({error}), so this silence cannot be "
        "judged with them; nothing was created (the policy requires history: silences.history.required)",
    )


def _silence_id(body: bytes) -> str | None:
    import json  # noqa: PLC0415

    try:
        found = json.loads(body)
    except ValueError:
        return None
    ident = found.get("silenceID") if isinstance(found, dict) else None
    return ident if isinstance(ident, str) and ident else None


def _too_many_checks() -> web.Response:
    return answers.error(
        429,
        "too many password checks under way (or wrong passwords from your address lately); "
        "try again in a moment",
        {"Retry-After": "1"},
    )


def application(gate: Gate) -> web.Application:
    app = web.Application(
        client_max_size=gate.config.limits.max_body, middlewares=[gate.metrics.middleware()]
    )
    app.router.add_route("*", "/{tail:.*}", gate.handle, expect_handler=gate.expect)
    return app


@asynccontextmanager
async def running(
    settings: Settings, host: str, port: int, *, hangup: bool = False
) -> AsyncIterator[tuple[str, int]]:
    """The gate serving on ``host:port`` (port 0: any free one), until the block ends; yields the
    address it listens on. ``hangup``: reload the policy on SIGHUP (main thread only).

    When the block ends the gate stops accepting connections, lets requests under way finish
    for up to ``SHUTDOWN_SECONDS`` (then cancels them), and closes its upstream connections."""
    metrics = Metrics(settings.upstreams)
    fields = settings.config.upstream_fields()
    async with (
        session([metrics.tracing()], fields) as http,
        session([metrics.tracing()], fields) as relayed,
    ):
        timeout = settings.config.limits.upstream_timeout.total_seconds()
        listing = settings.config.limits.max_listing
        upstreams = Upstreams(settings.upstreams, http, timeout, listing, relayed)
        gate = Gate(settings, upstreams, metrics)
        desk = _approvals_desk(gate)  # approvals (issue 13 item 3)
        runner = web.AppRunner(
            application(gate),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=SHUTDOWN_SECONDS,
            # aiohttp closes a connection whose next request head has not arrived by then
            # (counted from its opening, then from each answer): no header timeout of its own.
            keepalive_timeout=settings.config.limits.header_timeout.total_seconds(),
        )
        await runner.setup()
        async with reloading(gate, settings, hangup=hangup):
            sweeping = None if gate.approvals is None else asyncio.create_task(gate.approvals.sweep())
            try:
                site = web.TCPSite(runner, host, port, backlog=1024)
                await site.start()
                bound = runner.addresses[0]
                yield bound[0], bound[1]
            finally:
                if sweeping is not None:
                    sweeping.cancel()
                    await asyncio.gather(sweeping, return_exceptions=True)
                await runner.cleanup()
                await gate.read_back.close()
                await gate.history.close()
                if desk is not None:
                    await desk.close()


@asynccontextmanager
async def reloading(gate: Gate, settings: Settings, *, hangup: bool) -> AsyncIterator[None]:
    """``gate``'s policy reloaded from ``settings.policy`` while the block runs (none: as given)."""
    if settings.policy is None:
        yield
        return

    def apply(rules: Rules, sha256: str) -> None:
        gate.rules, gate.policy_sha = rules, sha256

    loaded = settings.loaded
    include = loaded.include if loaded is not None else ()
    reloader = Reloader(settings.policy, apply, gate.metrics, settings.watch_interval, include)
    gate.policy_sha = reloader.sha256
    loop = asyncio.get_running_loop()
    if loaded is not None and (loaded.sha256 != reloader.sha256 or loaded.include):
        # Changed since the rules were loaded (or, for a policy in parts, perhaps a part): the
        # watch, which started from the files as they are now, would never see it change, and
        # the gate would judge by the earlier version.
        gate.policy_sha = loaded.sha256
        reloader.trigger("the policy may have changed while the gate started")
    watching = loop.create_task(reloader.watch()) if settings.watch_interval > 0 else None
    if hangup:
        loop.add_signal_handler(signal.SIGHUP, reloader.trigger)
    try:
        yield
    finally:
        if hangup:
            loop.remove_signal_handler(signal.SIGHUP)
        if watching is not None:
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
        await reloader.close()


def _approvals_desk(gate: Gate) -> pending.Desk | None:
    """The pending store the gate's configuration names, opened and handed to ``gate`` (None:
    approvals are not configured, and a silence that needs one is refused)."""
    settings = gate.config.approvals
    if settings is None:
        return None
    from oncall_policy.gate import proof  # noqa: PLC0415 - cryptography only when approvals are on

    signer = proof.read(settings.key_file)
    desk = pending.Desk(pending.open_store(settings.database))
    gate.with_approvals(desk, signer)
    return desk
