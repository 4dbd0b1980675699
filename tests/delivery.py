# ruff: noqa: S310 - every URL here is http://127.0.0.1:<port> built by the test helpers
"""Delivery through a real Alertmanager: the generated configuration of an example, loaded as it
is, with PagerDuty and Slack pointed at a local sink that records every request.

What is changed in the committed ``generated/alertmanager.yml`` for the test, and only this
(``for_delivery``):

- the secrets directory: each PagerDuty routing-key file holds the receiver's name (so an event
  says which receiver sent it) and each Slack webhook file the sink's URL ``/slack/<receiver>``;
- ``global.pagerduty_url``: the sink's ``/pagerduty`` (Alertmanager's default is PagerDuty's);
- the documented test override of timing: every ``group_wait`` and ``group_interval`` is 1s, so
  a group is sent a second after its first alert and again a second after it changes. The
  ``repeat_interval`` stays, so nothing is sent twice within the test.

Alerts are posted with the labels ``oncall-policy test --format json`` routes them by, a distinct
value for each label they carry (``<alert>-<label>``: no two catalog alerts are "equal" for an
inhibition by accident) and the annotations their rules give them (``rules`` checks them).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oncall_policy.checks.checked import load_policy_bytes
from oncall_policy.load.yamldata import parse
from oncall_policy.meaning import facts
from oncall_policy.model import Alert, Policy
from oncall_policy.verify.rule_files import catalog_annotations
from tests.alertmanager_server import Server, running
from tests.http_servers import Log, serve

TIMING = re.compile(r"^(\s*)(group_wait|group_interval): \S+$", re.MULTILINE)
EXTERNAL_URL = "http://alertmanager.test"
QUIET = 2.5  # seconds without a new request after which a delivery is taken as complete
PATIENCE = 30.0


@dataclass
class Delivery:
    """A running Alertmanager with the example's configuration, and what reached the sink."""

    policy: Policy
    server: Server
    log: Log
    matrix: list[dict[str, Any]]
    seen: int = field(default=0)

    def post(self, alerts: list[dict[str, Any]]) -> None:
        request = urllib.request.Request(
            f"{self.server.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    def alerts(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.server.url}/api/v2/alerts", timeout=5) as response:
            return json.loads(response.read())

    def settle(self, at_least: int = 1) -> list[tuple[str, dict[str, Any]]]:
        """The requests that arrive from now on: at least ``at_least``, then none for QUIET s."""
        start = self.seen
        deadline = time.monotonic() + PATIENCE
        last, changed = len(self.log), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if len(self.log) != last:
                last, changed = len(self.log), time.monotonic()
            elif last - start >= at_least and time.monotonic() - changed >= QUIET:
                break
        self.seen = len(self.log)
        return [(entry["path"], json.loads(entry["body"])) for entry in self.log[start : self.seen]]


def for_delivery(config: str, directory: str, secrets: Path, sink: str) -> str:
    """The generated configuration, redirected to the sink and timed for a test (module doc)."""
    redirected = config.replace(f"'{directory.rstrip('/')}/", f"'{secrets}/")
    data = parse(redirected)
    for receiver in data["receivers"]:
        for pagerduty in receiver.get("pagerduty_configs", ()):
            _write(Path(pagerduty["routing_key_file"]), receiver["name"])
        for slack in receiver.get("slack_configs", ()):
            _write(Path(slack["api_url_file"]), f"{sink}/slack/{receiver['name']}")
    timed = TIMING.sub(r"\1\2: 1s", redirected)
    return f"global:\n  pagerduty_url: {sink}/pagerduty\n{timed}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def posted(policy: Policy, alert: Alert, labels: Mapping[str, str], **extra: str) -> dict[str, Any]:
    """A catalog alert as Prometheus posts it: ``labels``, a value for each label it carries, and
    its rule's annotations."""
    carried = {
        name: (values[0] if values else f"{alert.name}-{name}") for name, values in alert.carried.items()
    }
    every = {**carried, **labels, **extra}
    annotations = {
        "summary": f"{alert.name} fired",
        "runbook_url": facts.runbook_url(policy, alert),
        **catalog_annotations(policy, alert),
    }
    return {
        "labels": every,
        "annotations": annotations,
        "generatorURL": "http://prometheus.example/graph",
    }


def routing_matrix(policy_path: Path) -> list[dict[str, Any]]:
    """What ``oncall-policy test --format json`` says of every catalog alert."""
    done = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "test", "--policy", str(policy_path), "--format", "json"],
        capture_output=True,
        check=True,
        text=True,
    )
    return json.loads(done.stdout)


@contextmanager
def delivering(binary: str, policy_path: Path, workdir: Path) -> Iterator[Delivery]:
    """A real Alertmanager running the committed generated configuration of ``policy_path``."""
    policy = load_policy_bytes(policy_path.read_bytes(), str(policy_path))
    generated = policy_path.parent / "generated"
    config = (generated / "alertmanager.yml").read_text(encoding="utf-8")
    am = workdir / "am"
    am.mkdir(parents=True, exist_ok=True)
    (am / "alertmanager.tmpl").write_text(
        (generated / "alertmanager.tmpl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with serve(lambda _handler, _body: (200, b'{"status": "success"}', {})) as (sink, log):
        text = for_delivery(config, policy.secrets.directory, workdir / "secrets", sink)
        with running(binary, am, config=text, flags=[f"--web.external-url={EXTERNAL_URL}"]) as server:
            yield Delivery(policy, server, log, routing_matrix(policy_path))


def received_by(path: str, body: Mapping[str, Any]) -> tuple[str, str]:
    """(receiver, alertname) of one request to the sink."""
    if path == "/pagerduty":
        return body["routing_key"], body["payload"]["class"]
    receiver = path.removeprefix("/slack/")
    title = body["attachments"][0]["title"]
    return receiver, title.split("] ")[2].split(" ")[0].rstrip(":")


Requests = list[tuple[str, dict[str, Any]]]


@dataclass
class Story:
    """What reached the sink in each act of ``play``, and the alerts' states at the end."""

    catalog: Requests
    incidents: Requests
    resolved: Requests
    states: dict[str, dict[str, Any]]


# Clipper's incidents: a service down (which inhibits its own error rate), two disks filling on
# two hosts (two incidents, not one), and a silenced Redis.
INCIDENTS = {
    "ServiceDown": ({"service": "checkout"},),
    "HighErrorRate": ({"service": "checkout"},),
    "LowDiskSpace": ({"instance": "db-1:9100"}, {"instance": "web-7:9100"}),
    "RedisDown": ({"instance": "cache-silenced:9121"},),
}
SILENCED = {"alertname": "RedisDown", "instance": "cache-silenced:9121"}
RESOLVED = {"alertname": "LowDiskSpace", "instance": "web-7:9100"}


def play(delivery: Delivery, incidents: Mapping[str, tuple[dict[str, str], ...]] = INCIDENTS) -> Story:
    """Every catalog alert fires; then ``incidents``, the first a little before the others (a cause
    fires before its symptoms, which an inhibition mutes once it holds), one silenced beforehand;
    then one disk's alert resolves (not the cause: its symptoms would then be sent)."""
    policy = delivery.policy
    catalog = {alert.name: alert for alert in policy.alerts}
    rows = {row["alert"]: row for row in delivery.matrix}
    delivery.post([posted(policy, catalog[row["alert"]], row["labels"]) for row in delivery.matrix])
    first = delivery.settle()
    if not incidents:
        return Story(first, [], [], {})
    delivery.server.post(_silence(SILENCED))
    fired = [
        posted(policy, catalog[name], rows[name]["labels"], **extra)
        for name, labels in incidents.items()
        for extra in labels
    ]
    delivery.post(fired[:1])
    time.sleep(0.5)
    delivery.post(fired[1:])
    second = delivery.settle()
    states = {_key(alert["labels"]): alert["status"] for alert in delivery.alerts()}
    resolved = next(alert for alert in fired if RESOLVED.items() <= alert["labels"].items())
    ended = {**resolved, "endsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    delivery.post([ended])
    return Story(first, second, delivery.settle(), states)


def _silence(labels: Mapping[str, str]) -> dict[str, Any]:
    now = time.time()
    return {
        "matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True} for k, v in labels.items()],
        "startsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 60)),
        "endsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 3600)),
        "createdBy": "engineer-a@clipper.app",
        "comment": "known issue being worked on (delivery test)",
    }


def _key(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def golden(requests: Requests) -> str:
    """Requests as a golden file holds them: in a stable order, as indented JSON."""
    ordered = sorted(requests, key=lambda request: json.dumps(request, sort_keys=True))
    shown = [{"path": path, "body": body} for path, body in ordered]
    return json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
