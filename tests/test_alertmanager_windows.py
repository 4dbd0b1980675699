"""Recurring maintenance windows muted in Alertmanager itself, proved by delivery: a real
Alertmanager 0.25, its receivers pointed at a local sink, does not notify for an alert in the
window's scope during the window, and notifies for one outside it, on the same route."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.compile.alertmanager import config
from oncall_policy.compile.yamltext import render
from tests import http_servers
from tests.alertmanager_server import running
from tests.conftest import GLOBEX

pytestmark = pytest.mark.amtool


def _around_now() -> str:
    """Globex's policy with its weekly backup window moved to the hours around now (UTC)."""
    opens = datetime.now(UTC) - timedelta(hours=1)
    closes = opens + timedelta(hours=3)  # may run past midnight: an end before the start
    day = opens.strftime("%A").lower()
    return GLOBEX.read_text().replace(
        'recurring: {weekdays: [sunday], start: "01:00", end: "04:00"}',
        f'recurring: {{weekdays: [{day}], start: "{opens:%H:%M}", end: "{closes:%H:%M}"}}',
    )


def _to_sink(node: dict[str, Any], sink: str) -> dict[str, Any]:
    """The configuration with every receiver a webhook to the sink, and no waiting to group."""
    node = {**node}
    if "group_wait" in node or "routes" in node:
        node.update(group_wait="0s", group_interval="1s")
    if "routes" in node:
        node["routes"] = [_to_sink(child, sink) for child in node["routes"]]
    return node


def _delivered(
    data: dict[str, Any], alerts: list[dict[str, str]], binary: str, folder: Any
) -> tuple[list[str], list[str]]:
    """The alert names a real Alertmanager running ``data``, every receiver a webhook to a
    local sink, notifies for, of ``alerts`` posted now; and the sink's paths."""
    with http_servers.serve(lambda _handler, _body: (200, b"", {})) as (sink, log):
        data["route"] = _to_sink(data["route"], sink)
        data.pop("templates")
        data["receivers"] = [
            {"name": r["name"], "webhook_configs": [{"url": f"{sink}/{r['name']}", "send_resolved": False}]}
            for r in data["receivers"]
        ]
        with running(binary, folder / "am", config=render(data)) as server:
            server.post_alerts(alerts)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not log:
                time.sleep(0.2)
            time.sleep(2)  # time enough for a notification for a muted alert to arrive too
    names = [alert["labels"]["alertname"] for entry in log for alert in json.loads(entry["body"])["alerts"]]
    return names, [entry["path"] for entry in log]


IN_SCOPE = {"alertname": "BackupFailed", "squad": "core", "priority": "3", "database": "orders"}
OUTSIDE = {"alertname": "SearchLatencyHigh", "squad": "search", "priority": "3", "cluster": "a"}


def test_a_muted_window_silences_its_scope_and_nothing_else(alertmanager_binary, tmp_path):
    data = config(load_policy_text(_around_now(), str(GLOBEX)))
    assert data["time_intervals"][0]["name"] == "maintenance-weekly-backup"
    delivered, paths = _delivered(data, [IN_SCOPE, OUTSIDE], alertmanager_binary, tmp_path)
    assert "SearchLatencyHigh" in delivered
    assert "BackupFailed" not in delivered
    assert set(paths) == {"/slack-notices"}


def test_an_alert_in_two_windows_scopes_is_muted_in_either(alertmanager_binary, tmp_path):
    """Globex's weekly backup window (BackupFailed and NodeDiskFull) is declared first and is
    not open now; a second muted window over squad "core", open now, also covers BackupFailed.
    A route takes an alert to its first matching child only: the child of the first window
    alone took BackupFailed, so the second never muted it (red team)."""
    opens = datetime.now(UTC) - timedelta(hours=1)
    closes = opens + timedelta(hours=3)
    today = opens.strftime("%A").lower()
    other_day = (opens + timedelta(days=3)).strftime("%A").lower()
    second = f"""      - id: core-reindex
        description: The core squad's weekly reindex.
        change: CR-1800
        scope: {{matchers: ['squad="core"']}}
        approved_by: [hana]
        recurring: {{weekdays: [{today}], start: "{opens:%H:%M}", end: "{closes:%H:%M}"}}
        mute_in_alertmanager: true
"""
    text = GLOBEX.read_text().replace(
        'recurring: {weekdays: [sunday], start: "01:00", end: "04:00"}\n        mute_in_alertmanager: true\n',
        f'recurring: {{weekdays: [{other_day}], start: "01:00", end: "04:00"}}\n'
        f"        mute_in_alertmanager: true\n{second}",
    )
    assert "core-reindex" in text
    data = config(load_policy_text(text, str(GLOBEX)))
    assert [t["name"] for t in data["time_intervals"]] == [
        "maintenance-weekly-backup",
        "maintenance-core-reindex",
    ]
    delivered, _ = _delivered(data, [IN_SCOPE, OUTSIDE], alertmanager_binary, tmp_path)
    assert "SearchLatencyHigh" in delivered
    assert "BackupFailed" not in delivered


def test_windows_of_disjoint_scopes_stay_one_child_each():
    """Sets of windows are grown only from windows that may meet: forty windows scoped one per
    squad give forty children, not 2**40 sets; three over one alert give all seven sets, the
    largest first."""
    from types import SimpleNamespace  # noqa: PLC0415

    from oncall_policy.compile.am.windows import _overlaps  # noqa: PLC0415

    squads = [(SimpleNamespace(id=f"w{i}"), [f'squad="s{i}"']) for i in range(40)]
    assert [len(s) for s in _overlaps(squads)] == [1] * 40  # type: ignore[arg-type]
    three = [(SimpleNamespace(id=name), ['alertname="BackupFailed"']) for name in "abc"]
    sets = [[w.id for w, _ in s] for s in _overlaps(three)]  # type: ignore[arg-type]
    assert sets == [["a", "b", "c"], ["a", "b"], ["a", "c"], ["b", "c"], ["a"], ["b"], ["c"]]
