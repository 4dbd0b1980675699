"""Notification timing of a route, derived from a severity's service levels.

=================  ==================================================  ========================
Alertmanager       derived from                                        Clipper P1 / P2 / P3
=================  ==================================================  ========================
``group_wait``     response time / 30, between 10s and 5m              30s / 2m / 5m
``group_interval`` response time / 3, between 1m and 1h                5m / 20m / 1h
``repeat_interval`` resolution target, between group_interval and 5d   1h / 4h / 1d
=================  ==================================================  ========================

The first notification waits a small fraction of the response time, so that related alerts
arrive together while most of the time to respond is left. A still-firing alert is re-sent once
its resolution target has passed (the 5-day cap stays under Alertmanager's default 120h data
retention, beyond which it warns). A route that admits several severities (or any) is timed by
the most urgent of them: the shortest response time, then the first id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple

from oncall_policy.durations import format_duration
from oncall_policy.model import Severity

_SECOND = timedelta(seconds=1)


class Timing(NamedTuple):
    group_wait: timedelta
    group_interval: timedelta
    repeat_interval: timedelta

    def fields(self) -> dict[str, str]:
        """The route fields, as Alertmanager durations."""
        return {
            "group_wait": format_duration(self.group_wait),
            "group_interval": format_duration(self.group_interval),
            "repeat_interval": format_duration(self.repeat_interval),
        }


def _clamp(value: timedelta, low: timedelta, high: timedelta) -> timedelta:
    whole = timedelta(seconds=int(value / _SECOND))
    return max(low, min(high, whole))


def of(severity: Severity) -> Timing:
    group_interval = _clamp(severity.response_time / 3, timedelta(minutes=1), timedelta(hours=1))
    return Timing(
        group_wait=_clamp(severity.response_time / 30, timedelta(seconds=10), timedelta(minutes=5)),
        group_interval=group_interval,
        repeat_interval=_clamp(severity.resolution_target, group_interval, timedelta(days=5)),
    )


def most_urgent(severities: Iterable[Severity]) -> Severity:
    return min(severities, key=lambda s: (s.response_time, s.id))
