"""The evaluator: silences against the policy's silence rules → a ``Verdict`` each.

One function, ``judge``, serves ``silence check|add``, request files and the audit, so that what
one accepts the others accept. For each silence: its shape (``shape``); what it reaches and which
rules apply to each reached alert (``reach``); whether it lies inside a declared maintenance
window it names (``maintenance``), which lifts the caps of rules relaxed by maintenance to the
window's length and lets the window's approvers stand for their roles; the smallest cap and
every required role over the reached alerts; approvals (``approvals``); and, per alert, the time
covered together with every other silence on that alert (``history``). Every violation is
reported, not just the first.
"""

from __future__ import annotations

from oncall_policy import rulebook
from oncall_policy.datetimes import timedelta
from oncall_policy.durations import format_duration
from oncall_policy.matchers import Matcher, Op, only_value
from oncall_policy.records import Record
from oncall_policy.silence import approvals, labels, maintenance, reach, shape, whose
from oncall_policy.silence.request import BAD_MATCHER
from oncall_policy.silence.verdict import Verdict, Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Final

    from oncall_policy.silence.reach import Reach
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rule, Rules, Window

REACHES_NOTHING = rulebook.Rule(
    "reaches-nothing",
    rulebook.SILENCE,
    "a silence reaches some alert. Matchers that no alert the policy knows satisfies (catalog alerts "
    "have only the labels they pin or carry) would mute nothing, which is most likely a mistake.",
)
MUTES_EVERYTHING = rulebook.Rule(
    "mutes-everything",
    rulebook.SILENCE,
    "a silence does not reach every catalog alert. No approval allows muting everything.",
)
OVER_CAP = rulebook.Rule(
    "over-cap",
    rulebook.SILENCE,
    "a silence lasts no longer than the rules of the alerts it reaches allow. The smallest cap among "
    "them applies; a declared maintenance window it lies inside lifts the cap of the rules "
    "maintenance relaxes.",
)
_UNREAD = "reach, cap and approvals not judged: the matchers cannot be read, or are too complex to judge"


class Silence(Record):
    """A silence to judge, or one that counts as history: Alertmanager's id and state (empty for
    one not created yet) and the request it describes."""

    silence_id: str
    state: str
    request: SilenceRequest


class Limit(Record):
    """What applies to one reached alert: the cap, the rule that sets it, and each required role
    with the rules that require it."""

    cap: timedelta
    capped_by: str
    roles: dict[str, tuple[str, ...]]


class Kind:
    """A token for a kind of assessment (one reach, window and window length): assessments of
    one kind have the same limits, and what follows from them is remembered by it (hashed and
    compared by identity, where the tuple it stands for would be hashed whole each time)."""

    __slots__ = ()


class Assessment(Record):
    """A silence's reach, the window it lies in (if any) and the limit on each alert it reaches;
    ``key`` is its kind (None: none known)."""

    reach: Reach
    window: Window | None
    misfits: tuple[str, ...]
    limits: dict[str, Limit]
    key: Kind | None = None


def evaluate(
    request: SilenceRequest,
    rules: Rules,
    earlier: Iterable[Silence] = (),
    assessed: dict[int, Assessment | None] | None = None,
) -> Verdict:
    """Judge one silence not created yet, with the silences already there as history
    (``assessed``: assessments the caller has already, by ``id`` of the request; it gets this
    silence's too)."""
    known = {} if assessed is None else assessed
    with labels.judgement():
        verdict = standalone(request, rules, _assessed(request, rules, known))
        return with_history([Silence("", "", request)], [verdict], earlier, rules, known)[0]


def judge(silences: Sequence[Silence], earlier: Iterable[Silence], rules: Rules) -> list[Verdict]:
    """A verdict for each of ``silences``, each judged with ``earlier`` (which may include it,
    by id) as its history."""
    with labels.judgement(len(silences)):
        return with_history(silences, [standalone(s.request, rules) for s in silences], earlier, rules)


def standalone(request: SilenceRequest, rules: Rules, found: Assessment | None = None) -> Verdict:
    """The verdict on a silence by itself, as if no other silence existed (``found``: its
    assessment, when the caller has it already)."""
    with labels.judgement():
        return _verdict(request, found or assess(request, rules), rules)


def with_history(
    silences: Sequence[Silence],
    verdicts: Sequence[Verdict],
    earlier: Iterable[Silence],
    rules: Rules,
    assessed: dict[int, Assessment | None] | None = None,
) -> list[Verdict]:
    """``verdicts`` (each silence's by itself) with what the time covered together with the
    ``earlier`` silences adds, alert by alert and, within an alert, instance by instance.
    ``assessed``: assessments the caller has already, by ``id`` of the request."""
    known = {} if assessed is None else assessed
    listed = {s.silence_id: s for s in earlier if s.silence_id}
    with labels.judgement(len(silences)):
        named = [(_ident(s, i), s, _assessed(s.request, rules, known)) for i, s in enumerate(silences)]
        if not listed:
            # No other silence: each covers its own time only (``silence check`` offline, a
            # request file alone), and the history modules need not even be loaded.
            return [
                _alone(verdict, silence, found)
                for (_, silence, found), verdict in zip(named, verdicts, strict=True)
            ]
        from oncall_policy.silence import together  # noqa: PLC0415 - only with history

        listed_found = {ident: _assessed(s.request, rules, known) for ident, s in listed.items()}
        narrowed = {
            ident: _unread_alertnames(listed[ident].request)
            for ident, found in listed_found.items()
            if found is None
        }
        for ident in narrowed:
            listed[ident] = listed[ident].replace(request=_narrowed(listed[ident].request))
            listed_found[ident] = _assessed(listed[ident].request, rules, known)
        return together.judged(named, verdicts, listed, listed_found, rules, narrowed=narrowed)


def _narrowed(request: SilenceRequest) -> SilenceRequest:
    """An earlier silence the judge does not assess (more matchers than it judges, a regex too
    complex), as the part of its matchers it can: a silence mutes an alert only when all its
    matchers match, so fewer of them mute at least as much, and their reach over-approximates its
    own (red team: dropped from history instead, a 65-matcher silence let a chained one through).
    ``alertname`` and ``=`` matchers are kept first: they narrow the most."""
    usable = sorted(
        (m for m in request.matchers if m.too_complex is None),
        key=lambda m: (m.name != "alertname", m.op is not Op.EQUAL),
    )
    return request.replace(matchers=tuple(usable[: shape.MAX_MATCHERS]), problems=())


def _unread_alertnames(request: SilenceRequest) -> tuple[Matcher, ...]:
    """The regexes on ``alertname`` the judge does not compile, which ``_narrowed`` leaves out:
    the alerts they may admit are asked name by name (``together``, ``unread_names``)."""
    return tuple(m for m in request.matchers if m.too_complex is not None and m.name == "alertname")


def _alone(verdict: Verdict, silence: Silence, found: Assessment | None) -> Verdict:
    """``verdict`` with the time its silence covers by itself (``together.judged`` with no other
    silence gives the same: a stretch of one silence fits its cap, checked already)."""
    start, end = silence.request.starts_at, silence.request.ends_at
    if found is None or not found.limits or start is None or end is None or end <= start:
        return verdict
    return verdict.with_history((), end - start)


def _assessed(
    request: SilenceRequest, rules: Rules, known: dict[int, Assessment | None]
) -> Assessment | None:
    found = known.get(id(request), _UNKNOWN)
    if found is _UNKNOWN:
        found = known[id(request)] = assess(request, rules)
    return found  # type: ignore[return-value]


_UNKNOWN = object()


def _ident(silence: Silence, index: int) -> str:
    return silence.silence_id or f"(new silence {index + 1})"


def assess(request: SilenceRequest, rules: Rules) -> Assessment | None:
    """Reach, window and limits of a silence (None when its matchers cannot be read).

    Worked out within an allowance of its own (``labels.assessment``), so that a silence's
    assessment is the same wherever it is asked — by ``add`` and ``check-files`` for the
    silence they judge and for every earlier one, by the audit and the gate for a listed one —
    whatever else was asked before it; and so it is remembered even when the allowance cut a
    question short (reach then says what it took as reached)."""
    if (request.problems and any(v.rule == BAD_MATCHER.id for v in request.problems)) or not request.matchers:
        return None
    if len(request.matchers) > shape.MAX_MATCHERS or any(m.too_complex for m in request.matchers):
        return None  # refused by its shape; reach would take longer than anyone waits
    return labels.remembered(rules, _memo_key(request, rules), lambda: _apart(request, rules), pure=True)


def team_of(request: SilenceRequest, rules: Rules) -> str | None:
    """The team whose alerts are all the silence may mute (``whose``; None: no one team's)."""
    found = assess(request, rules)
    if found is None or found.reach.nothing:
        return None
    with labels.judgement():
        return whose.team(request.matchers, found.reach, rules)


def _apart(request: SilenceRequest, rules: Rules) -> Assessment:
    with labels.assessment():
        return _assess(request, rules)


def _memo_key(request: SilenceRequest, rules: Rules) -> tuple[object, ...]:
    """What an assessment depends on. Naming no window, a silence is assessed by its matchers
    alone, once per matcher set (an audit meets the same ones many times); naming windows, by
    them and its times as well (what maintenance.misfits and the limits read of it)."""
    named = maintenance.named(request, rules)
    memo: tuple[object, ...] = ("assessment", request.matchers)
    if request.window is not None or named:
        memo = (
            *memo,
            tuple(window.id for window in named),
            request.window,
            request.starts_at,
            request.ends_at,
        )
    return memo


def _assess(request: SilenceRequest, rules: Rules) -> Assessment:
    found = reach.reach(request.matchers, rules)
    window, misfits = _window(request, found, rules)
    memo = ("limits", found.key, window.id if window else None, _length(window, request))
    known: tuple[Kind, dict[str, Limit]] | None = rules.remembered(memo)  # type: ignore[assignment]
    if known is None:
        limits = {n: _limit(found.rules[n], window, request, rules) for n in found.names}
        known = rules.remember(memo, (Kind(), limits))
    return Assessment(found, window, misfits, known[1], known[0])


def _window(request: SilenceRequest, found: Reach, rules: Rules) -> tuple[Window | None, tuple[str, ...]]:
    """The first named window the silence lies inside, and why the others do not apply."""
    misfits: list[str] = []
    groups = reach.group(request.matchers)
    for window in maintenance.named(request, rules):
        why = maintenance.misfits(window, request, groups, found, rules)
        if not why:
            return window, tuple(misfits)
        misfits.append(f"window {window.id} does not apply: {'; '.join(why)}")
    if request.window and not any(w.id == request.window for w in maintenance.named(request, rules)):
        misfits.append(f"no maintenance window {request.window!r} is declared in the policy")
    return None, tuple(misfits)


def _length(window: Window | None, request: SilenceRequest) -> timedelta | None:
    if window is None or request.starts_at is None:
        return None
    found = maintenance.span(window, request.starts_at)
    return None if found is None else found[1] - found[0]


def _limit(applying: tuple[Rule, ...], window: Window | None, request: SilenceRequest, rules: Rules) -> Limit:
    """The smallest cap and the union of required roles among ``applying``; inside a window,
    rules relaxed by maintenance allow the window's length and need no role its approvers hold."""
    length = _length(window, request) or timedelta(0)
    standing = _window_roles(window, rules)
    caps: list[tuple[timedelta, str]] = []
    roles: dict[str, tuple[str, ...]] = {}
    for rule in applying:
        relaxed = window is not None and rule.relaxed_by_maintenance
        cap = max(rule.cap, length) if relaxed else rule.cap
        caps.append((cap, f"{rule.id} (maintenance window {window.id})" if relaxed and window else rule.id))
        for role in rule.approvals:
            if not (relaxed and role in standing):
                roles[role] = (*roles.get(role, ()), rule.id)
    cap, capped_by = min(caps, key=lambda pair: pair[0])
    return Limit(cap, capped_by, roles)


def _window_roles(window: Window | None, rules: Rules) -> frozenset[str]:
    if window is None:
        return frozenset()
    people = (rules.roster.find(person_id) for person_id in window.approved_by)
    # An approver's team roles stand for a window whose scope is their team's alone, as `check`
    # holds them (checks/maintenance_windows.py): a window over other teams' alerts needs theirs.
    team = only_value([m for m in window.scope.matchers if m.name == rules.team_label]) or None
    return frozenset(role for person in people if person for role in person.roles_for(team))


def _verdict(request: SilenceRequest, found: Assessment | None, rules: Rules) -> Verdict:
    if found is None or found.reach.nothing:
        return _unjudged(request, found, rules)
    untimed = _untimed(request, found, rules)
    duration = request.duration
    violations = [*untimed.shape, *shape.check_times(request), *untimed.reach]
    if duration is not None and duration > untimed.cap:
        violations.append(_over_cap(duration, untimed.cap, untimed.capped_by, found.misfits, rules))
    violations += untimed.approval.violations
    return Verdict(
        violations=tuple(violations),
        alerts=untimed.alerts,
        unknown=untimed.unknown,
        rules=untimed.rules,
        window=found.window.id if found.window else None,
        duration=duration,
        cap=untimed.cap,
        roles=tuple(untimed.roles),
        approvals=untimed.approval.approvals,
        notes=(*untimed.notes, *_narrower(untimed.unknown, violations, found)),
    )


def _unjudged(request: SilenceRequest, found: Assessment | None, rules: Rules) -> Verdict:
    """The verdict on a silence whose matchers cannot be read, or reach nothing: its shape."""
    names_window = found is not None and bool(maintenance.named(request, rules))
    violations = list(shape.check(request, rules, names_window=names_window))
    if found is None:
        return Verdict(tuple(violations), duration=request.duration, notes=(_UNREAD,))
    violations += _reach_violations(found.reach, rules)
    return Verdict(tuple(violations), duration=request.duration, notes=found.misfits)


class _Untimed:
    """What a silence's verdict holds but what its times decide (its length, and its window's
    fit, which its assessment has): the same for every silence of the same assessment, matchers,
    comment, window named, author, approvers and problems."""

    __slots__ = (
        "alerts",
        "approval",
        "cap",
        "capped_by",
        "notes",
        "reach",
        "roles",
        "rules",
        "shape",
        "unknown",
    )

    def __init__(self, request: SilenceRequest, found: Assessment, rules: Rules) -> None:
        names_window = bool(maintenance.named(request, rules))
        self.shape: Final = tuple(shape.check_untimed(request, rules, names_window=names_window))
        self.reach: Final = tuple(_reach_violations(found.reach, rules))
        cap, capped_by, roles = _overall(found, rules)
        self.cap: Final = cap
        self.capped_by: Final = capped_by
        self.roles: Final = roles
        team = whose.team(request.matchers, found.reach, rules) if roles else None
        self.approval: Final = _approvals(request, roles, rules, team)
        self.unknown: Final = _unknown_example(request, found.reach, rules)
        self.alerts: Final = tuple(alert.name for alert in found.reach.alerts)
        self.rules: Final = _rule_ids(found, rules)
        self.notes: Final = (
            *found.misfits,
            *_assumed(request, found.reach),
            *_undecided(found.reach),
            *self.approval.notes,
        )


def _untimed(request: SilenceRequest, found: Assessment, rules: Rules) -> _Untimed:
    """The untimed part of the silence's verdict, worked out once for silences alike in all it
    depends on (an audit meets the same matchers, comment and author many times)."""
    if found.key is None:
        return _Untimed(request, found, rules)
    memo = (
        "untimed",
        found.key,
        found.misfits,
        request.matchers,
        request.problems,
        request.comment,
        request.window,
        request.author,
        request.approvers,
    )
    return labels.remembered(rules, memo, lambda: _Untimed(request, found, rules))


def _narrower(
    unknown: dict[str, str] | None, violations: list[Violation], found: Assessment
) -> tuple[str, ...]:
    """Why a silence aimed at catalog alerts gets a stricter rule: it reaches unknown ones too."""
    strict = any(v.rule in (OVER_CAP.id, approvals.MISSING_APPROVAL.id) for v in violations)
    if unknown is None or not strict or not found.reach.alerts:
        return ()
    shown = ",".join(f'{name}="{value}"' for name, value in sorted(unknown.items()))
    note = (
        f"it also reaches alerts outside the catalog, such as {{{shown}}}, which any rule may cover; "
        'name the alerts exactly (alertname="…") to be judged by their own rules'
    )
    return (note,)


def _assumed(request: SilenceRequest, found: Reach) -> tuple[str, ...]:
    if not found.assumed:
        return ()
    named = sorted({m.name for m in request.matchers} - {"alertname"})
    one = len(found.assumed) == 1
    note = (
        f"in the catalog {', '.join(found.assumed)} {'has' if one else 'have'} no "
        f"{' or '.join(named)} label, so this would mute nothing; it is judged as if "
        f"{'it does' if one else 'they do'} (add the label to `carries` if so)"
    )
    return (note,)


def _unknown_example(request: SilenceRequest, found: Reach, rules: Rules) -> dict[str, str] | None:
    if found.unknown is None:
        return None
    example = reach.examples(request.matchers, found, rules)[1]
    return found.unknown.labels if example is None else example.labels


def _reach_violations(found: Reach, rules: Rules) -> list[Violation]:
    if found.nothing:
        return [
            Violation(
                REACHES_NOTHING.id,
                "no alert the policy knows has labels these matchers accept (catalog alerts have only "
                "the labels they pin or carry), so this silence would mute nothing",
                "check the label names and values against the catalog (`oncall-policy test` lists them), "
                "or add the label to the alert's `carries` in the policy",
                ("matchers",),
            )
        ]
    if len(rules.alerts) > 1 and len(found.alerts) == len(rules.alerts):
        return [
            Violation(
                MUTES_EVERYTHING.id,
                f"the matchers reach every one of the {len(rules.alerts)} catalog alerts; no approval "
                "allows muting everything",
                'narrow it to the alerts you mean: alertname="…" and a service, instance or team',
                ("matchers",),
            )
        ]
    return []


def _overall(found: Assessment, rules: Rules) -> tuple[timedelta, str, dict[str, tuple[str, ...]]]:
    """The smallest cap over the reached alerts and every role any of them requires (worked out
    once per kind of assessment: its limits are the same)."""
    memo = ("overall", found.key)
    known = rules.remembered(memo) if found.key is not None else None
    if known is None:
        known = _tightest(found)
        if found.key is not None:
            rules.remember(memo, known)
    return known  # type: ignore[return-value]


def _tightest(found: Assessment) -> tuple[timedelta, str, dict[str, tuple[str, ...]]]:
    limits = list(found.limits.values())
    tightest = min(limits, key=lambda limit: limit.cap)
    roles: dict[str, tuple[str, ...]] = {}
    for limit in limits:
        for role, rule_ids in limit.roles.items():
            roles[role] = tuple(dict.fromkeys((*roles.get(role, ()), *rule_ids)))
    return tightest.cap, tightest.capped_by, roles


def _over_cap(
    duration: timedelta, cap: timedelta, capped_by: str, misfits: tuple[str, ...], rules: Rules
) -> Violation:
    """The violation of a silence longer than its cap (made once per length, cap and rule)."""
    memo = ("over-cap", duration, cap, capped_by, misfits)
    found = rules.remembered(memo)
    if found is None:
        found = rules.remember(memo, _longer_than_cap(duration, cap, capped_by, misfits))
    return found  # type: ignore[return-value]


def _longer_than_cap(
    duration: timedelta, cap: timedelta, capped_by: str, misfits: tuple[str, ...]
) -> Violation:
    shown = format_duration(cap)
    hint = f"shorten it: -d {shown} or less (silence again later if still needed, with a reason)"
    if misfits:
        hint += "; a declared maintenance window would allow longer: " + "; ".join(misfits)
    return Violation(
        OVER_CAP.id,
        f"the silence lasts {format_duration(duration)}; rule {capped_by} allows at most {shown}",
        hint,
        ("endsAt",),
    )


def _rule_ids(found: Assessment, rules: Rules) -> tuple[str, ...]:
    """The rules that apply to any reached alert, in policy order (once per kind of assessment)."""
    memo = ("rule ids", found.key)
    known = rules.remembered(memo) if found.key is not None else None
    if known is None:
        applying = {rule.id for applied in found.reach.rules.values() for rule in applied}
        known = tuple(rule.id for rule in rules.rules if rule.id in applying)
        if found.key is not None:
            rules.remember(memo, known)
    return known  # type: ignore[return-value]


def _approvals(
    request: SilenceRequest, roles: dict[str, tuple[str, ...]], rules: Rules, team: str | None
) -> approvals.Outcome:
    """``approvals.check`` of the silence, once per approvers, author, required roles and the
    team whose alerts it mutes (``whose``)."""
    memo = ("approvals", request.approvers, request.author, tuple(roles.items()), team)
    found = rules.remembered(memo)
    if found is None:
        roster = rules.roster
        outcome = approvals.check(request.approvers, request.author, roles, roster, team, rules.team_label)
        found = rules.remember(memo, outcome)
    return found  # type: ignore[return-value]


def _undecided(found: Reach) -> tuple[str, ...]:
    if not found.undecided:
        return ()
    return (
        "not decided exactly, so taken as reached: "
        + ", ".join(found.undecided)
        + " (the matchers are too complex to analyse within the work allowed)",
    )
