"""maintenance-windows: each declared window is well formed and approved as the policy asks. It
names its approvers from the roster, selects known severities, has a time range that ends after
it starts and is no longer than ``silences.maintenance.max_duration``, and, when longer than
``approval_beyond``, is approved by people who together hold every role in ``approvals``.
Window ids are unique."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from oncall_policy.checks.rule_context import Context
from oncall_policy.durations import format_duration
from oncall_policy.leaks.redact import shown
from oncall_policy.matchers import only_value
from oncall_policy.model import Person, Policy
from oncall_policy.model.silences import Maintenance, Recurrence, Window
from oncall_policy.problems import Finding, Location
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("maintenance-windows", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    maintenance = context.policy.silences.maintenance
    if maintenance is None:
        return
    seen: dict[str, int] = {}
    for i, window in enumerate(maintenance.windows):
        here: Location = ("silences", "maintenance", "windows", i)
        if window.id in seen:
            yield Finding(
                (*here, "id"),
                f"window id {shown(window.id)} is already used by window {seen[window.id]}",
                RULE.id,
            )
        seen.setdefault(window.id, i)
        yield from _window(context.policy, maintenance, window, here)


def _window(policy: Policy, maintenance: Maintenance, window: Window, here: Location) -> Iterator[Finding]:
    people = {p.id: p for p in policy.people}
    for j, person in enumerate(window.approved_by):
        if person not in people:
            yield Finding((*here, "approved_by", j), f"no person {shown(person)} in the roster", RULE.id)
    severities = {s.id for s in policy.severities}
    for j, severity in enumerate(window.scope.severities):
        if severity not in severities:
            yield Finding((*here, "scope", "severities", j), f"no severity {shown(severity)}", RULE.id)
    length, clocks = _length(window)
    if length <= timedelta(0):
        yield Finding(here, "the window ends before it starts (or lasts no time)", RULE.id)
        return
    if length > maintenance.max_duration:
        yield Finding(
            here,
            f"the window lasts {clocks or format_duration(length)}; maintenance windows may last at most "
            f"{format_duration(maintenance.max_duration)}",
            RULE.id,
        )
    if length > maintenance.approval_beyond:
        held, elsewhere = _held(policy, window, people)
        if missing := [role for role in maintenance.approvals if role not in held]:
            needed = " + ".join(_names(maintenance.approvals))
            why = "".join(
                f"; {shown(person.id)} is {shown(role, quote=False)} of team {shown(person.team)} only, "
                "and the window's scope is not that team's alone"
                for person, role in elsewhere
                if role in missing
            )
            yield Finding(
                (*here, "approved_by"),
                f"a window longer than {format_duration(maintenance.approval_beyond)} needs approval by "
                f"{needed}; no approver holds {', '.join(_names(missing))}{why}"
                + (f"; the window lasts {clocks}" if clocks else ""),
                RULE.id,
            )


def _held(
    policy: Policy, window: Window, people: dict[str, Person]
) -> tuple[set[str], list[tuple[Person, str]]]:
    """The roles the window's approvers hold on its scope, and the team roles that do not count
    there. A role parts may give (``granted_in_parts``), held by a person of a team, is that
    team's: it counts for a window whose scope pins the team label to the team (as the silence
    judge counts it: ``evaluate._window_roles``)."""
    granted = {role.id for role in policy.roles if role.granted_in_parts}
    label = policy.organisation.team_label
    team = only_value([m for m in window.scope.matchers if m.name == label]) or None
    held: set[str] = set()
    elsewhere: list[tuple[Person, str]] = []
    for person in (people[p] for p in window.approved_by if p in people):
        for role in person.roles:
            if role in granted and person.team is not None and person.team != team:
                elsewhere.append((person, role))
            else:
                held.add(role)
    return held, elsewhere


def _names(names: Iterable[str]) -> Iterator[str]:
    return (shown(name, quote=False) for name in names)


def _length(window: Window) -> tuple[timedelta, str]:
    """The window's length in real time, as the silence judge measures an occurrence, and words
    for when that is longer than its hours say. A recurring one's is its longest occurrence in
    the next two years (every change the zone's rules make): on the night the clocks go back it
    lasts an hour more than its hours say, and the judge allows all of it. One that mutes in
    Alertmanager (``mute_in_alertmanager``) mutes for as long as occurrences touch: no history
    joins them, as it joins silences, so its length is its longest stretch of them."""
    zone = ZoneInfo(window.time_zone)
    if window.recurring is None:
        if window.start is None or window.end is None:
            return timedelta(0), ""
        starts, ends = window.start.replace(tzinfo=zone), window.end.replace(tzinfo=zone)
        return ends.astimezone(UTC) - starts.astimezone(UTC), ""
    opens, closes = window.recurring.start, window.recurring.end
    past_midnight = timedelta(days=1 if closes <= opens else 0)
    by_clock = datetime.combine(date.min + past_midnight, closes) - datetime.combine(date.min, opens)
    occurrences = _occurrences(window.recurring, zone)
    if window.mute_in_alertmanager:
        stretch, first, to_the_end = _longest_stretch(_occurrences(window.recurring, zone, wall_clock=True))
        if stretch > by_clock:
            return stretch, (
                f"{format_duration(by_clock)} each time, but its occurrences touch and Alertmanager "
                f"mutes without a break for {format_duration(stretch)}{' or more' if to_the_end else ''} "
                f"from {first.isoformat()}"
            )
    longest, night = max(
        ((ends - begins, day) for day, begins, ends in occurrences), default=(by_clock, None)
    )
    if night is None or longest <= by_clock:
        return by_clock, ""
    return longest, (
        f"{format_duration(by_clock)} by the clock but {format_duration(longest)} in real time on "
        f"{night.isoformat()}, when {window.time_zone}'s clocks go back"
    )


def _occurrences(
    recurring: Recurrence, zone: ZoneInfo, *, wall_clock: bool = False
) -> list[tuple[date, datetime, datetime]]:
    """Each occurrence in the next two years: its local day, and when it begins and ends in UTC,
    read as the judge reads them (``silence.maintenance``: a local time the clocks skip or
    repeat in its first reading). ``wall_clock``: as Alertmanager's time intervals mute, by
    the local minute, so a time the clocks skip begins or ends where they skip it; read here
    as its earlier reading for a start and its later one for an end, never shorter."""
    opens, closes = recurring.start, recurring.end
    past_midnight = timedelta(days=1 if closes <= opens else 0)
    weekdays = {day.iso for day in recurring.weekdays}
    today = datetime.now(UTC).date()
    found = []
    for ahead in range(_AHEAD_DAYS):
        day = today + timedelta(days=ahead)
        if day.isoweekday() in weekdays:
            begins = _instants(day, opens, zone)
            ends = _instants(day + past_midnight, closes, zone)
            found.append((day, min(begins), max(ends)) if wall_clock else (day, begins[0], ends[0]))
    return found


def _instants(day: date, moment: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local ``moment`` of ``day`` in UTC, in its first and second readings (the same but
    where the clocks skip or repeat it)."""
    first = datetime.combine(day, moment, zone)
    return first.astimezone(UTC), first.replace(fold=1).astimezone(UTC)


def _longest_stretch(occurrences: list[tuple[date, datetime, datetime]]) -> tuple[timedelta, date, bool]:
    """The longest time occurrences that touch or overlap cover without a break, the day it
    begins, and whether it runs to the last occurrence looked at (it may go on)."""
    best: tuple[timedelta, date, bool] = (timedelta(0), date.min, False)
    start_day, start, end = date.min, datetime.min.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)
    for index, (day, begins, ends) in enumerate(occurrences):
        if begins > end:
            start_day, start = day, begins
        end = max(end, ends)
        if end - start > best[0]:
            best = (end - start, start_day, index == len(occurrences) - 1)
    return best


_AHEAD_DAYS = 2 * 366
