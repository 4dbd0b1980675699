"""Declared maintenance: which window a silence names, and whether it lies inside it.

A silence names a window with ``--maintenance ID`` (recorded in its comment) or by the window's
id in its comment. It is a maintenance silence only when it lies inside the window's time range
(one occurrence of a recurring window) and inside its scope: every alert it may mute — catalog
alerts with every value their carried labels may take, and alerts outside the catalog — is one
the window's selector selects. Anything else is a plain silence; a word like "maintenance" in a
comment relaxes nothing.
"""

from __future__ import annotations

from oncall_policy.datetimes import UTC, datetime, time, timedelta
from oncall_policy.silence import labels
from oncall_policy.silence.reach import catalog_names, group
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.reach import Reach
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import CatalogAlert, Recurrence, Rules, Selector, Window

    Groups = Mapping[str, tuple[Matcher, ...]]

# What may stand next to an id within one token: ``[A-Za-z0-9_.-]``.
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def named(request: SilenceRequest, rules: Rules) -> list[Window]:
    """The declared windows the silence names, in policy order."""
    if rules.maintenance is None:
        return []
    return [w for w in rules.maintenance.windows if w.id == request.window or mentions(request.comment, w.id)]


def mentions(comment: str, window_id: str) -> bool:
    """Whether the comment names the id as a whole token (``CHG-12`` is not ``CHG-123``): whether
    ``(?<![A-Za-z0-9_.-])ID(?![A-Za-z0-9_.-])`` is found in it, looked for by hand (``re``, with
    ``enum``, costs about 8 ms of ``silence check``'s start-up; ``tests/test_silence_text_scan.py``)."""
    if not isinstance(comment, str):  # as when it was searched with a regular expression
        raise TypeError(f"a comment must be a string, not {type(comment).__name__}")
    start = comment.find(window_id)
    while start >= 0:
        before = comment[start - 1] if start else ""
        after = comment[start + len(window_id) : start + len(window_id) + 1]
        if before not in _ID_CHARS and after not in _ID_CHARS:
            return True
        start = comment.find(window_id, start + 1)
    return False


def misfits(window: Window, request: SilenceRequest, groups: Groups, found: Reach, rules: Rules) -> list[str]:
    """Why the silence does not lie inside ``window`` (empty when it does)."""
    reasons = list(_outside_time(window, request))
    reasons += [f"{name} is outside its scope" for name in _outside_scope(window.scope, groups, found, rules)]
    return reasons


def span(window: Window, start: datetime) -> tuple[datetime, datetime] | None:
    """The window's time range (for a recurring one, the occurrence covering ``start``)."""
    if window.recurring is None:
        return (window.start, window.end) if window.start and window.end else None
    return _occurrence(window.recurring, start)


def _outside_time(window: Window, request: SilenceRequest) -> Iterator[str]:
    start, end = request.starts_at, request.ends_at
    if start is None or end is None:
        return
    found = span(window, start)
    if found is None or not (found[0] <= start and end <= found[1]):
        where = "no occurrence" if found is None else f"{_utc(found[0])} – {_utc(found[1])}"
        yield f"the silence ({_utc(start)} – {_utc(end)}) is not inside the window ({where})"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _occurrence(recurrence: Recurrence, start: datetime) -> tuple[datetime, datetime] | None:
    """The occurrence of a weekly window that contains ``start``, if any (local wall-clock times,
    so an occurrence keeps its local hours across daylight-saving changes)."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - only for recurring windows

    zone = ZoneInfo(recurrence.time_zone)
    local = start.astimezone(zone)
    opens, closes = time.fromisoformat(recurrence.start), time.fromisoformat(recurrence.end)
    for back in (0, 1):  # an occurrence that began yesterday may still be running
        day = local.date() - timedelta(days=back)
        if day.isoweekday() not in recurrence.weekdays:
            continue
        begin = datetime.combine(day, opens, zone)
        finish = datetime.combine(day + timedelta(days=1 if closes <= opens else 0), closes, zone)
        if begin <= start < finish:
            return begin.astimezone(UTC), finish.astimezone(UTC)
    return None


def _outside_scope(scope: Selector, groups: Groups, found: Reach, rules: Rules) -> Iterator[str]:
    for alert in found.alerts:
        if not _alert_inside(alert, scope, groups, rules):
            yield alert.name
    if found.unknown is not None and not _unknown_inside(scope, groups, rules):
        yield "an alert outside the catalog"


def _alert_inside(alert: CatalogAlert, scope: Selector, groups: Groups, rules: Rules) -> bool:
    severity = alert.pinned.get(rules.severity_label, "")
    if scope.severity_values and severity not in scope.severity_values:
        return False
    for name, wanted in group(scope.matchers).items():
        if name in alert.carried:
            inside = labels.within(groups.get(name, ()), wanted, alert.carried[name])
        else:
            inside = labels.admits(wanted, alert.pinned.get(name, ""))
        if inside is not True:  # UNDECIDED: cannot show it is inside, so it is not relaxed
            return False
    return True


def _unknown_inside(scope: Selector, groups: Groups, rules: Rules) -> bool:
    wanted = group(scope.matchers)
    if scope.severity_values and not _severity_within(groups.get(rules.severity_label, ()), scope):
        return False
    for name, matchers in wanted.items():
        excluded = catalog_names(rules) if name == "alertname" else None
        if labels.within(groups.get(name, ()), matchers, excluded=excluded) is not True:
            return False
    return True


def _severity_within(matchers: tuple[Matcher, ...], scope: Selector) -> bool:
    from oncall_policy.matching.language import Language  # noqa: PLC0415

    if labels.too_long(matchers) or not labels.affordable(matchers):
        return False  # not analysed (labels.MAX_ANALYSED, or past the allowance): not shown inside
    inside = labels.conjunction(matchers).is_subset(Language.of_strings(scope.severity_values))
    return inside is True
