"""Approvals as actions: a silence that lacks only an approval is held, and created when approved.

- A silence write whose one remaining problem is ``missing-approval`` is not created: it becomes
  a pending request (``pending``), answered with Alertmanager's 400 (the only error whose text
  amtool and the web UI print; a 2xx would make amtool print a silence id that does not exist)
  saying who may approve it and how.
- ``GET /-/approvals``: the pending requests as JSON (``oncall-policy silence pending``).
- ``GET /-/approvals/{id}``: a page with an Approve button (a form carrying a token).
- ``POST /-/approvals/{id}``: an approval, authenticated as silence writes are, by a roster
  person who holds a role the request waits for and is not its author (compared as people).
  As JSON (the CLI: ``Content-Type: application/json``), or as the page's form with its token;
  a form whose ``Origin`` is not the gate's, or without a valid token, is refused (CSRF).
  When every required role has approved, the silence is judged again, with the history of
  now and the approvers as approvers, and created upstream with the approvals and the gate's
  signature recorded in its comment (``proof``); refused then, the request is dropped.
- A request every role has approved whose creation made nothing (no Alertmanager could be
  listed or reached: ``approved``), or whose creation began and never ended (its gate stopped
  half-way, its claim ended: ``pending_rows.LEASE_SECONDS``), is created by the sweep each gate
  runs (``resume_due``), or at once when a holder of a role it requires pushes it; unless
  Alertmanager holds the silence already, which then closes it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import uuid
from html import escape
from urllib.parse import parse_qs

from aiohttp import web

from oncall_policy.gate import answers, bodies, writes
from oncall_policy.gate import approve_page as pages
from oncall_policy.gate.pending import Desk, Request, now
from oncall_policy.gate.pending_rows import LEASE_SECONDS
from oncall_policy.gate.upstreams import CreateFailedError
from oncall_policy.people import Person
from oncall_policy.silence import api, evaluate, report
from oncall_policy.silence import comment as comments
from oncall_policy.silence.http_errors import AlertmanagerError, UnreachableError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from contextlib import AbstractAsyncContextManager
    from typing import Any, Final

    from oncall_policy.gate.config import Approvals
    from oncall_policy.gate.proof import Signer
    from oncall_policy.gate.upstreams import Upstreams
    from oncall_policy.silence.evaluate import Silence
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules
    from oncall_policy.silence.verdict import Verdict

    # An approved silence judged again: (body, author, rules, approvers, hint) → (read, verdict).
    Judge = Callable[
        [Mapping[str, Any], Person, Rules, tuple[str, ...], str], Awaitable[tuple[SilenceRequest, Verdict]]
    ]

PREFIX = "/-/approvals"
_PATH = re.compile(r"^/-/approvals(?:/(?P<id>[A-Za-z0-9-]{1,64}))?/?$")
MAX_FORM = 4096
# The pending requests one listing shows, oldest first: each is made into JSON on the event loop,
# and 20,000 held every other client 0.8 s (red team; their bytes are bounded per person).
MAX_LISTED = 200
# ... and of one author's, so that one person's requests hide no one else's (red team: 200 of
# one engineer's, re-held before they expire, kept every other request off the list).
MAX_LISTED_EACH = 20
SWEEP_SECONDS = 60.0  # how often each gate looks for requests to create (``resume_due``)
log = logging.getLogger(__name__)
HINT = (
    "once the other problems are fixed, the gate holds the silence until someone who holds the "
    "role approves it (oncall-policy silence approve); a claim in the request approves nothing"
)


class ApprovalDesk:
    """The gate's approvals; ``rules`` and ``person`` are the gate's, asked at each use."""

    def __init__(  # noqa: PLR0913 - what approving needs of the gate
        self,
        *,
        desk: Desk,
        signer: Signer,
        config: Approvals,
        upstreams: Upstreams,
        rules: Callable[[], Rules],
        person: Callable[[web.Request], Awaitable[Person | web.Response]],
        alone: Callable[[], AbstractAsyncContextManager[None]],
        judge: Judge,
        created: Callable[[str, Mapping[str, Any]], None],
        perhaps: Callable[[Mapping[str, Any] | None], list[Silence]],
        created_from: Callable[[Mapping[str, Any]], str | None],
    ) -> None:
        self.desk: Final = desk
        self.signer: Final = signer
        self.config: Final = config
        self.upstreams: Final = upstreams
        self._rules = rules
        self._person = person
        self._alone = alone  # no other write judged, none on its way to Alertmanager
        self._judge = judge  # as the gate judges a write: with its history of the silences
        self._created = created  # the gate's history learns of it before it lets other writes go
        # The gate's writes Alertmanager may or may not have taken (given a body: one more).
        self._perhaps = perhaps
        self._created_from = created_from  # the silence held that a request's approval created
        # Longer than any creation the timeouts allow: the history's listing and the creation,
        # each from every peer in turn, waited for again and again (``pending_rows.LEASE_SECONDS``).
        self.lease: Final = max(LEASE_SECONDS, 4 * upstreams.timeout * (len(upstreams.bases) + 2))

    def gate_url(self, request: web.Request) -> str:
        return (self.config.url or as_requested(request)).rstrip("/")

    def approve_url(self, request: web.Request, request_id: str) -> str:
        return f"{self.gate_url(request)}{PREFIX}/{request_id}"

    async def hold(
        self, request: web.Request, data: Mapping[str, Any], person: Person, verdict: Verdict
    ) -> web.Response:
        """The answer to a silence that lacks only approvals: a pending request, made."""
        silence = api.from_api(data)
        body = api.to_api(silence)
        if (replaced := writes.replaced_id(data)) is not None:
            body["id"] = replaced
        created = now()
        held = Request(
            str(uuid.uuid4()),
            body,
            person.email,
            dict.fromkeys(verdict.roles, verdict.rules),
            (),
            created=created,
            expires=created + self.config.expire_after.total_seconds(),
        )
        await self.desk.run(self.desk.store.add, held)
        rules = self._rules()
        text = pages.pending_text(
            held,
            rules.roster,
            self._team(held, rules),
            self.gate_url(request),
            self.approve_url(request, held.id),
        )
        return answers.refused(text, request.headers)

    def approvable(self, silence: SilenceRequest, verdict: Verdict, rules: Rules) -> bool:
        """Whether someone other than its author may approve each role the silence waits for:
        held otherwise, it would wait for no one (a team's role counts on its team's alerts alone,
        and a silence over two teams' alerts is refused with the verdict's hint instead)."""
        roster = rules.roster
        author = roster.find(silence.author)
        team = evaluate.team_of(silence, rules)
        covered = {role for approval in verdict.approvals for role in approval.roles}
        return all(
            any(person != author for person in roster.holders(role, team))
            for role in verdict.roles
            if role not in covered
        )

    async def held_bytes(self, person: Person) -> int:
        """About how many bytes of Alertmanager's listing ``person``'s requests waiting for
        approval would take once created (``listed_size``): they count in the share one person
        may take, or one person could hold requests without end, and every listing of them
        (``GET /-/approvals``) would stall the gate (red team: 400 of 1 MB held in 38 s). Summed
        in the database: read back and sized here, 20,000 small ones held the event loop 0.5 s."""
        return await self.desk.run(self.desk.store.held_size, person.email, now())

    async def handle(self, request: web.Request) -> web.StreamResponse:
        found = _PATH.match(request.path)
        if found is None:
            return answers.error(404, "no such approval request")
        request_id = found["id"]
        if request_id is None:
            if request.method not in ("GET", "HEAD"):
                return answers.error(405, "GET the list of pending requests")
            return await self._listing(request)
        if request.method in ("GET", "HEAD"):
            return await self._page(request, request_id)
        if request.method == "POST":
            return await self._approve(request, request_id)
        return answers.error(405, "GET the page of a pending request, or POST an approval")

    async def _listing(self, request: web.Request) -> web.Response:
        person = await self._person(request)  # what is asked, by whom: for roster people only
        if not isinstance(person, Person):
            return person
        found = await self.desk.run(self.desk.store.listing, now(), MAX_LISTED, MAX_LISTED_EACH)
        rules = self._rules()
        data = [
            pages.as_json(r, rules.roster, self._team(r, rules), self.approve_url(request, r.id))
            for r in found
        ]
        return web.Response(body=answers.go_json(data).encode(), content_type=answers.JSON)

    async def _page(self, request: web.Request, request_id: str) -> web.Response:
        person = await self._person(request)
        if not isinstance(person, Person):
            return person
        held = await self.desk.run(self.desk.store.get, request_id, now())
        if held is None:
            return _gone(request_id, html=True)
        form = pages.token(self.signer.secret, held.id, person.id)
        rules = self._rules()
        html = pages.approve_page(held, rules.roster, self._team(held, rules), form)
        return web.Response(text=html, content_type="text/html", headers={"X-Frame-Options": "DENY"})

    async def _approve(self, request: web.Request, request_id: str) -> web.Response:  # noqa: PLR0911
        person = await self._person(request)
        if not isinstance(person, Person):
            return person
        html = request.content_type == "application/x-www-form-urlencoded"
        forged = await self._forged(request, request_id, person, html=html)
        if forged is not None:
            return answers.error(403, forged)
        store = self.desk.store
        held = await self.desk.run(store.get, request_id, now())
        if held is None:
            return _gone(request_id, html=html)
        refused = self._refusal(held, person)
        if refused is not None:
            return answers.error(403, refused)
        if held.state == "creating" and not held.due(now()):
            return _answer({"id": held.id, "status": "creating"}, html)  # by a gate, right now
        roles = tuple(sorted(self._counted(held, person) & set(held.waiting_for)))
        held = await self.desk.run(store.approve, request_id, person.email, roles, now())
        if held is None:
            return _gone(request_id, html=html)
        if held.waiting_for:
            return _answer({"id": held.id, "status": "pending", "waitingFor": list(held.waiting_for)}, html)
        claimed = await self.desk.run(store.claim, request_id, now(), self.lease)
        if claimed is None:
            return _answer({"id": held.id, "status": "creating"}, html)
        return await self._create(claimed, html=html)

    async def sweep(self, every: float = SWEEP_SECONDS) -> None:
        """``resume_due`` every ``every`` seconds, until cancelled (the gate stops)."""
        while True:
            try:
                await self.resume_due()
            except web.HTTPException:  # the store failed: the desk logged why
                pass
            except Exception:  # a bug: said, and the next sweep tries again
                log.exception("creating the approved requests that are due failed")
            await asyncio.sleep(every)

    async def resume_due(self) -> list[str]:
        """Claim each request due to be created (``Request.due``: approved and given back, or
        claimed by a gate whose claim ended) and create it, or close it if Alertmanager holds its
        silence already; the ids of those tried. Each outcome is logged: no one waits for an
        answer (red team: an approved request given back was never created, and expired)."""
        resumed = []
        for due in await self.desk.run(self.desk.store.due, now()):
            claimed = await self.desk.run(self.desk.store.claim, due.id, now(), self.lease)
            if claimed is None:
                continue  # another gate took it, or it expired
            answer = await self._create(claimed, html=False)
            resumed.append(claimed.id)
            log.warning("request %s, %s and due: %s", claimed.id, due.state, answer.text)
        return resumed

    async def _forged(
        self, request: web.Request, request_id: str, person: Person, *, html: bool
    ) -> str | None:
        """Why a POST may come from another site (None: it cannot)."""
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") not in (self.gate_url(request), as_requested(request)):
            return f"an approval from another site ({origin}) is refused"
        if not html:
            if request.content_type != "application/json":
                return (
                    "approve with Content-Type: application/json (oncall-policy silence approve) "
                    "or with the approve page's form"
                )
            return None
        try:
            body = await bodies.read(request.content, request.content_length, MAX_FORM, 10.0)
        except bodies.BodyError as error:
            return error.message
        given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0]
        expected = pages.token(self.signer.secret, request_id, person.id)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return "the form's token is missing or not yours: open the approve page and press Approve"
        return None

    def _team(self, held: Request, rules: Rules) -> str | None:
        """The team whose alerts are all the held silence mutes (None: no one team's)."""
        return evaluate.team_of(api.from_api(held.silence), rules)

    def _counted(self, held: Request, person: Person) -> frozenset[str]:
        """The roles of ``person`` that count on the held silence (a team's roles on its alerts alone)."""
        if not person.team_roles:
            return person.roles
        return person.roles_for(self._team(held, self._rules()))

    def _refusal(self, held: Request, person: Person) -> str | None:
        rules = self._rules()
        roster = rules.roster
        author = roster.find(held.author)
        if author is not None and author.id == person.id:
            return f"{person.email} asked for this silence and cannot approve it; ask someone else"
        if any(email == person.email for email, _ in held.approvals):
            return None  # approved already: said again, it changes nothing
        # Every role approved it (it is to be created): any holder of one may push it; no
        # approval is added (red team: only its first approver could, the others were refused).
        needed = held.waiting_for or tuple(held.required)
        if not self._counted(held, person) & set(needed):
            who = (
                ", ".join(pages.may_approve(held, roster, self._team(held, rules)))
                or "no one else in the roster"
            )
            if person.team_roles & set(needed):
                return (
                    f"{person.email} is {' and '.join(sorted(person.team_roles & set(needed)))} of team "
                    f"{person.team} only, and this silence may mute alerts that are not team "
                    f"{person.team}'s; ask {who}"
                )
            return (
                f"{person.email} holds none of the roles this request waits for "
                f"({', '.join(needed)}); ask {who}"
            )
        return None

    async def _create(self, held: Request, *, html: bool) -> web.Response:
        """The approved silence (``held``, claimed), judged again with what Alertmanager holds
        now, and created. Approvals take their turn one at a time, however long the queue: the
        claim is taken again once this one's turn has come (``renew``), so that its lease counts
        the creation alone. Another gate may have claimed it meanwhile, its lease having run
        out while it waited (red team: twenty approved at once, the later ones made twice)."""
        store = self.desk.store
        claim = _Claim(held)
        try:
            async with self._alone():
                if not await self._renewed(claim):
                    return _answer({"id": held.id, "status": "creating"}, html)
                answer = await self._judged_and_created(claim, html=html)
        except BaseException:
            await self.desk.run(store.release, claim.held, now())  # only while the claim is still this one
            raise
        if isinstance(answer, web.Response):
            return answer
        await self.desk.run(store.finish, held.id)
        return _answer({"id": held.id, "status": "created", "silenceID": answer}, html)

    async def _renewed(self, claim: _Claim) -> bool:
        """Whether the claim is still this gate's, taken again for its lease from now."""
        renewed = await self.desk.run(self.desk.store.renew, claim.held, now(), self.lease)
        if renewed is None:
            return False
        claim.held = renewed
        return True

    async def _judged_and_created(  # noqa: PLR0911 - each way a creation can end
        self, claim: _Claim, *, html: bool
    ) -> web.Response | str:
        held = claim.held
        rules = self._rules()
        author = rules.roster.find(held.author)
        if author is None:
            await self.desk.run(self.desk.store.finish, held.id)
            return answers.error(409, f"{held.author} is no longer in the roster; the request is dropped")
        approvers = tuple(email for email, _ in held.approvals)
        try:
            silence, verdict = await self._judge(held.silence, author, rules, approvers, HINT)
        except AlertmanagerError as error:
            await self.desk.run(self.desk.store.release, held, now())
            return answers.error(502, f"the silences in Alertmanager cannot be read ({error}); try again")
        # A creation begun before (by a gate lost half-way, or one whose listing failed since)
        # may have been taken: the listing just read holds it then, and it is not made twice.
        if (taken := self._created_from(held.silence)) is not None:
            return taken
        if not verdict.accepted:
            return await self._not_accepted(held, silence, verdict, html=html)
        assert silence.starts_at is not None  # noqa: S101 - accepted: it has times
        assert silence.ends_at is not None  # noqa: S101
        entries = comments.entries(verdict.approvals)
        text = silence.comment
        proof = self.signer.sign(
            silence.matchers, silence.starts_at, silence.ends_at, silence.author, text, entries
        )
        body = {**held.silence, "comment": comments.proven(text, verdict.approvals, proof)}
        # Judging may take long (a listing to wait for, a new policy's silences to assess): the
        # claim is taken again before the silence is sent, and nothing is sent if it is gone.
        if not await self._renewed(claim):
            return _answer({"id": held.id, "status": "creating"}, html)
        held = claim.held
        try:
            answer = await self.upstreams.create(
                "", json.dumps(body).encode(), [("Content-Type", "application/json")]
            )
        except CreateFailedError as error:
            return await self._not_created(held, body, error)
        if answer.status != 200:
            await self.desk.run(self.desk.store.finish, held.id)
            said = answer.body[:2000].decode("utf-8", "replace")
            return answers.error(
                409, f"approved, but Alertmanager refused the silence ({answer.status}): {said}"
            )
        silence_id = str(json.loads(answer.body).get("silenceID", ""))
        self._created(silence_id, body)
        return silence_id

    async def _not_accepted(
        self, held: Request, silence: SilenceRequest, verdict: Verdict, *, html: bool
    ) -> web.Response:
        """The answer when the approved silence, judged again now, is refused. If approvals
        are all it lacks, the policy in force asks roles no approval given covers now (reloaded
        since it was held: a new role, or one moved to someone else): it waits for them, rather
        than be dropped for what no one could yet give (red team). Otherwise it is dropped."""
        required = dict.fromkeys(verdict.roles, verdict.rules)
        # The approvals given, as the policy in force counts them: a role moved to someone else
        # since is covered no more (red team: left recorded as covered, nothing was waited for,
        # and the request was dropped though the role's new holder could approve it).
        given = tuple((approval.email, approval.roles) for approval in verdict.approvals)
        covered = {role for _, roles in given for role in roles}
        waiting = [role for role in required if role not in covered]
        if writes.awaits_approval(verdict) and waiting:
            await self.desk.run(self.desk.store.requires, held, required, given)
            return _answer({"id": held.id, "status": "pending", "waitingFor": waiting}, html)
        await self.desk.run(self.desk.store.finish, held.id)
        text = report.verdict_text(verdict, silence.matchers)
        return answers.error(
            409, f"judged again now, the silence breaks the policy; the request is dropped.\n{text}"
        )

    async def _not_created(
        self, held: Request, body: Mapping[str, Any], error: CreateFailedError
    ) -> web.Response:
        if all(isinstance(failure, UnreachableError) for failure in error.failures):
            await self.desk.run(self.desk.store.release, held, now())  # no peer got it: tried again
            return answers.error(error.status, f"approved, but no Alertmanager took the silence: {error}")
        # A peer may have taken it (no answer in time, or a 5xx): it counts as history, and the
        # request is closed, so that it is never created twice.
        self._perhaps(body)
        await self.desk.run(self.desk.store.finish, held.id)
        return answers.error(
            error.status,
            f"approved, but Alertmanager gave no clear answer ({error}); the silence may have been "
            "created: look with amtool silence query before asking again; the request is closed",
        )


class _Claim:
    """The claim on a request this gate creates, as last taken (``renew``)."""

    __slots__ = ("held",)

    def __init__(self, held: Request) -> None:
        self.held = held


def _answer(data: dict[str, Any], html: bool) -> web.Response:
    if not html:
        return web.Response(body=answers.go_json(data).encode(), content_type=answers.JSON)
    said = {
        "pending": f"Approved. The silence still waits for {', '.join(data.get('waitingFor', []))}.",
        "creating": "Approved; the silence is being created.",
        "created": f"Approved. The silence is created: {data.get('silenceID')}.",
    }[data["status"]]
    return web.Response(
        text=pages.page("Silence approval", f"<p>{escape(said)}</p>"), content_type="text/html"
    )


def _gone(request_id: str, *, html: bool) -> web.Response:
    message = f"no pending request {request_id}: it was never made, has expired, or is created already"
    if html:
        return web.Response(
            status=404,
            text=pages.page("Not found", f"<p>{escape(message)}</p>"),
            content_type="text/html",
        )
    return answers.error(404, message)


# A Host header as a client may send it: a name, an IPv4 address or a bracketed IPv6 one, and a port.
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


def as_requested(request: web.Request) -> str:
    """The gate's base URL as this request reached it: its ``Host``, when that is a host (and
    port) at all; otherwise the address the connection came in on. Set ``approvals.url`` so
    that approve links never depend on what a client sent."""
    host = request.headers.get("Host", "")
    if not _HOST.fullmatch(host):
        local = request.transport.get_extra_info("sockname") if request.transport else None
        address, port = (local[0], local[1]) if isinstance(local, tuple) else ("localhost", 80)
        host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return f"{request.scheme}://{host}"
