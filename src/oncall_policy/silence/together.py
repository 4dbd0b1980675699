"""Silences judged together with the ones already there: the time they cover per alert and,
within an alert, per instance (``instances``), in stretches (``history``).

``evaluate.with_history`` comes here only when there are earlier silences; alone, a silence
covers its own time, and ``silence check`` without a server loads none of this.
"""

from __future__ import annotations

from oncall_policy import rulebook
from oncall_policy.datetimes import timedelta
from oncall_policy.durations import format_duration
from oncall_policy.silence import history, instances, reach
from oncall_policy.silence.verdict import Verdict, Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.evaluate import Assessment, Silence
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import CatalogAlert, Rules

    Facets = dict[tuple[tuple[int, ...], str], instances.Facet]

OVER_CAP_RECREATED = rulebook.Rule(
    "over-cap-recreated",
    rulebook.SILENCE,
    "silences muting the same alert stay within its cap together. Re-created, extended or chained "
    "silences count as one stretch of time per alert instance, whatever their matchers' spelling.",
)


def judged(  # noqa: PLR0913 - the silences judged, the listed ones, and how they were read
    named: Sequence[tuple[str, Silence, Assessment | None]],
    verdicts: Sequence[Verdict],
    listed: dict[str, Silence],
    listed_found: dict[str, Assessment | None],
    rules: Rules,
    *,
    narrowed: Mapping[str, tuple[Matcher, ...]] | None = None,
) -> list[Verdict]:
    """Each of ``verdicts`` (of the silences ``named``: id, silence, assessment) with what the
    time covered together with the ``listed`` silences (assessed: ``listed_found``) adds.
    ``narrowed``: the listed silences judged by part of their matchers (``evaluate._narrowed``),
    whose reach is over-approximated, each with the regexes on ``alertname`` left out."""
    wanted = {name for _, _, found in named if found for name in found.limits}
    reached = {
        ident: _reached(listed_found[ident], wanted, dropped) for ident, dropped in (narrowed or {}).items()
    }
    facets: Facets = {}  # see _facet
    shared = _shared(listed, listed_found, wanted, rules, facets, reached)
    # The alerts whose history is counted over-approximately: an earlier silence on them whose
    # reach was not decided exactly, or instances not told apart.
    guessed = {name for name, on_alert in shared.items() if on_alert.undecided}
    guessed |= {
        name for found in listed_found.values() if found and found.reach.undecided for name in found.limits
    }
    for names in reached.values():
        guessed |= names
    judged = []
    for (ident, silence, found), verdict in zip(named, verdicts, strict=True):
        counted = _with_stretches(verdict, ident, silence, found, shared, rules, facets)
        if found is not None and guessed & set(found.limits):
            counted = counted.replace(notes=(*counted.notes, HISTORY_UNDECIDED))
        judged.append(counted)
    return judged


HISTORY_UNDECIDED = (
    "the time counted with earlier silences may be over-estimated: their matchers are too complex "
    "to analyse within the work allowed, so each is taken to mute whatever it may"
)


def _shared(  # noqa: PLR0913, PLR0917 - the listed silences, how they were read, and what is wanted
    listed: dict[str, Silence],
    listed_found: dict[str, Assessment | None],
    wanted: set[str],
    rules: Rules,
    facets: Facets,
    reached: Mapping[str, set[str]],
) -> dict[str, instances.Shared]:
    """For each alert a judged silence reaches, every listed silence on it, by facet
    (``reached``: the alerts a narrowed one may mute)."""
    entries: dict[str, list[tuple[instances.Facet, history.Span]]] = {name: [] for name in wanted}
    for ident, silence in listed.items():
        found = listed_found[ident]
        if found is None:  # no matcher assessed: it may mute any instance of any alert it may reach
            for name, span in _unassessed_spans(ident, silence, reached.get(ident, wanted)).items():
                entries[name].append((_ANY_INSTANCE, span))
            continue
        may = reached.get(ident)
        for name, span in _span_of(ident, silence, found).items():
            if name in entries and (may is None or name in may):
                entries[name].append((_facet(silence.request, name, rules, facets), span))
    gap = rules.history.chain_gap
    return {name: instances.Shared(found, _domains(name, rules), gap) for name, found in entries.items()}


def _facet(
    request: SilenceRequest,
    alert: str,
    rules: Rules,
    known: dict[tuple[tuple[int, ...], str], instances.Facet],
) -> instances.Facet:
    """What the silence says about the labels that vary for ``alert``. ``known``: the facets
    worked out already, by the identities of the matchers (silences re-created with the same
    matchers share them; the requests judged together keep their matchers alive, so no identity
    is reused meanwhile) and the alert."""
    key = (tuple(map(id, request.matchers)), alert)
    found = known.get(key)
    if found is None:
        groups = reach.group(request.matchers)
        varying = reach.varying(_catalog_alert(alert, rules), groups)
        found = known[key] = instances.Facet(
            {name: given for name, given in groups.items() if name in varying}
        )
    return found


def _catalog_alert(name: str, rules: Rules) -> CatalogAlert | None:
    by_name: dict[str, CatalogAlert] | None = rules.remembered("alerts by name")  # type: ignore[assignment]
    if by_name is None:
        by_name = rules.remember("alerts by name", {a.name: a for a in rules.alerts})
    return by_name.get(name)  # None: the unknown bucket


def _domains(alert: str, rules: Rules) -> dict[str, instances.Domain]:
    if alert == reach.UNKNOWN_ALERTS:
        return {"alertname": instances.Domain(excluded=reach.catalog_names(rules))}
    carried = next(a.carried for a in rules.alerts if a.name == alert)
    return {name: instances.Domain(values) for name, values in carried.items()}


# An earlier silence oncall-policy cannot assess even by part of its matchers (none it can
# read: ``evaluate._narrowed``) still mutes what Alertmanager makes of it. Its reach is unknown,
# so it is taken to mute every instance of every alert judged, for its whole interval; its own
# cap, unknown too, never tightens a stretch (the cap of the silence judged applies).
_ANY_INSTANCE = instances.Facet({})


def _reached(found: Assessment | None, wanted: set[str], dropped: tuple[Matcher, ...]) -> set[str]:
    """The alerts a narrowed silence may mute: those its assessment reaches (or, with none,
    every alert judged) that each regex on ``alertname`` left out of it may admit, asked name
    by name (``unread_names``); the bucket of unknown alerts always."""
    names = wanted if found is None else set(found.limits)
    if not dropped:
        return names
    from oncall_policy.silence import unread_names  # noqa: PLC0415 - only for unread regexes

    return {
        name
        for name in names
        if name == reach.UNKNOWN_ALERTS or all(unread_names.may_admit(m, name) for m in dropped)
    }


_NO_CAP = timedelta.max


def _unassessed_spans(ident: str, silence: Silence, wanted: set[str]) -> dict[str, history.Span]:
    start, end = silence.request.starts_at, silence.request.ends_at
    if start is None or end is None or end <= start:
        return {}
    return {name: history.Span(ident, start, end, _NO_CAP) for name in wanted}


def _span_of(ident: str, silence: Silence, found: Assessment | None) -> dict[str, history.Span]:
    """The silence's interval and cap on each alert it reaches (none when it has no times)."""
    start, end = silence.request.starts_at, silence.request.ends_at
    if found is None or start is None or end is None or end <= start:
        return {}
    return {name: history.Span(ident, start, end, limit.cap) for name, limit in found.limits.items()}


def _with_stretches(  # noqa: PLR0913, PLR0917 - a verdict, its silence, and what it is judged with
    verdict: Verdict,
    ident: str,
    silence: Silence,
    found: Assessment | None,
    shared: dict[str, instances.Shared],
    rules: Rules,
    facets: dict[tuple[tuple[int, ...], str], instances.Facet],
) -> Verdict:
    """``verdict`` with a violation for each alert on which the silence's stretch (with every
    other silence muting the same instances) covers more than its smallest cap allows."""
    spans = _span_of(ident, silence, found)
    if not spans:
        return verdict
    violations: list[Violation] = []
    longest = timedelta(0)
    for name, span in spans.items():
        facet = _facet(silence.request, name, rules, facets)
        for stretch, cell in _stretches(span, facet, shared[name], rules):
            longest = max(longest, stretch.covered)
            if len(stretch.members) > 1 and not history.allowed(stretch, rules.history.replace_grace):
                violations.append(_over_stretch(name + _where(cell), ident, stretch))
                break
    return verdict.with_history(tuple(violations), longest)


def _stretches(
    span: history.Span, facet: instances.Facet, shared: instances.Shared, rules: Rules
) -> Iterator[tuple[history.Stretch, instances.Cell | None]]:
    """The stretch ``span`` makes on each cell of the instances it mutes, and the cell (None:
    every instance it mutes, when the cells would be too many)."""
    found = shared.timelines(facet)
    if found is None:
        for stretch in history.stretches([*shared.sharing(facet), span], rules.history.chain_gap):
            if span in stretch.members:
                yield stretch, None
        return
    for cell, timeline in found:
        yield timeline.containing(span), cell


def _where(cell: instances.Cell | None) -> str:
    """The cell in words, for a message: `` (service="api")``."""
    if cell is None:
        return ""
    named = [f'{name}="{value}"' for name, value in cell.items() if isinstance(value, str)]
    return f" ({', '.join(named)})" if named else ""


def _over_stretch(name: str, ident: str, stretch: history.Stretch) -> Violation:
    others = ", ".join(i for i in stretch.ids() if i != ident)
    return Violation(
        OVER_CAP_RECREATED.id,
        f"on {name}, with silences {others} it covers {format_duration(stretch.covered)} in one "
        f"stretch; the smallest cap among them allows {format_duration(stretch.cap)}",
        "re-creating, extending or chaining silences does not reset the cap; let the earlier ones "
        "lapse, or declare a maintenance window",
        ("endsAt",),
    )
