"""A YAML merge key (plain ``<<``) is refused where it stands, in a policy and in a silence request
file: YAML 1.1 readers merge the mapping it names, YAML 1.2 readers keep a key ``<<``. Read as a
key, a request file with ``<<: {isEqual: false}`` under its matcher was judged as
``alertname="HighMemoryUsage"`` and accepted, while every tool that turns it into JSON applies
the merge: Alertmanager 0.25 then mutes every other alert, P1 and security ones included (red
team)."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from ruamel.yaml import YAML

from oncall_policy.cli import main
from oncall_policy.load import positional
from tests.conftest import CLIPPER


def _at(offset: timedelta) -> str:
    return (datetime.now(UTC).replace(microsecond=0) + offset).isoformat().replace("+00:00", "Z")


REQUEST = (
    "matchers:\n"
    "  - name: alertname\n"
    "    value: HighMemoryUsage\n"
    "    isRegex: false\n"
    "    <<: {{isEqual: false}}\n"
    'startsAt: "{start}"\n'
    'endsAt: "{end}"\n'
    "createdBy: engineer-a@clipper.app\n"
    "comment: Deployment in progress\n"
)


@pytest.mark.amtool
def test_a_request_file_with_a_merge_key_is_refused_at_it(alertmanager, tmp_path, capsys):
    path = tmp_path / "silence.yaml"
    path.write_text(REQUEST.format(start=_at(timedelta(seconds=-1)), end=_at(timedelta(hours=1))))
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(path)]) == 1
    said = capsys.readouterr().out
    assert f"{path}:5:5:" in said, said
    assert "(merge-key)" in said, said
    # What a YAML tool makes of the file (ruamel.yaml applies the merge), posted to Alertmanager.
    body = YAML(typ="safe").load(io.StringIO(path.read_text()))
    assert body["matchers"][0]["isEqual"] is False
    silence = alertmanager.post(json.loads(json.dumps(body, default=str)))
    alertmanager.post_alerts([{"alertname": "ServiceDown", "severity": "critical", "team": "platform"}])
    with urllib.request.urlopen(f"{alertmanager.url}/api/v2/alerts", timeout=5) as response:  # noqa: S310
        alerts = json.loads(response.read())
    muted = [a["labels"]["alertname"] for a in alerts if silence in a["status"]["silencedBy"]]
    assert muted == ["ServiceDown"]  # what accepting the file would have let through


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n", True),
        ("thing: {<<: {x: 1}, y: 2}\n", True),
        ('thing:\n  "<<": 1\n', False),  # quoted: a key like any other
        ("thing:\n  '<<': 1\n", False),
        ("thing: a << b\n", False),  # in a value
    ],
)
def test_only_a_plain_merge_key_is_refused_by_both_readers(text, refused):
    for document in (positional.read(text, "p.yaml"), positional._read_with(text, "p.yaml", pure=True)):
        rules = [problem.rule for problem in document.problems]
        assert (positional.MERGE_KEY.id in rules) is refused, (text, rules)


def test_a_policy_with_a_merge_key_is_refused(tmp_path, capsys):
    text = CLIPPER.read_text()
    at = text.index("\nalerts:\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text[:at] + "\nx-common: &common {team: platform}\n" + text[at:].replace(
        "    labels: {", "    labels: {<<: *common, ", 1
    ))  # fmt: skip
    assert main(["check", str(policy)]) == 1
    assert "(merge-key)" in capsys.readouterr().out
