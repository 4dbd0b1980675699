"""`oncall-policy silence add` and `audit` against a real Alertmanager (and amtool)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.cli import main
from tests.alertmanager_server import running
from tests.conftest import CLIPPER

pytestmark = pytest.mark.amtool

AUTHOR = ["--author", "engineer-a@clipper.app"]
MANAGER = ["--approved-by", "manager-x@clipper.app"]


def add(url: str, *argv: str) -> int:
    return main(["silence", "add", "--policy", str(CLIPPER), f"--alertmanager.url={url}", *argv])


def audit(url: str, *argv: str) -> int:
    return main(["silence", "audit", "--policy", str(CLIPPER), "--alertmanager.url", url, *argv])


def alertmanager_expire(url: str, silence_id: str) -> None:
    from oncall_policy.silence import client  # noqa: PLC0415

    client.expire(url, silence_id)


def at(offset: timedelta) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + offset
    return moment.isoformat().replace("+00:00", "Z")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_accepted_silence_is_created_exactly(alertmanager, capsys):
    start, end = at(timedelta(hours=1)), at(timedelta(hours=1, minutes=45))
    argv = ['service=~"api|web"', "alertname=ServiceDown", f"--start={start}", f"--end={end}"]
    assert add(alertmanager.url, *argv, "-c", "INC-7 investigating", *AUTHOR, *MANAGER) == 0
    out = capsys.readouterr().out.strip()
    [silence] = alertmanager.silences()
    assert out == silence["id"]
    assert {(m["name"], m["value"], m["isRegex"], m["isEqual"]) for m in silence["matchers"]} == {
        ("service", "api|web", True, True),
        ("alertname", "ServiceDown", False, True),
    }
    assert (parse(silence["startsAt"]), parse(silence["endsAt"])) == (parse(start), parse(end))
    assert silence["createdBy"] == "engineer-a@clipper.app"
    assert silence["comment"] == "INC-7 investigating [approved-by: manager-x@clipper.app (manager)]"
    assert silence["status"]["state"] == "pending"


def test_default_duration_is_one_hour_from_now(alertmanager, capsys):
    assert add(alertmanager.url, "alertname=HighErrorRate", "-c", "deployment", *AUTHOR) == 0
    [silence] = alertmanager.silences()
    length = parse(silence["endsAt"]) - parse(silence["startsAt"])
    assert timedelta(minutes=59) < length <= timedelta(hours=1)
    assert capsys.readouterr().out.strip() == silence["id"]


@pytest.mark.parametrize(
    "argv",
    [
        ["alertname=ServiceDown", "-d", "2h", "-c", "INC-7", *AUTHOR, *MANAGER],
        ["bad-label=x", "-c", "deployment", *AUTHOR],
        ['alertname=~".+"', "-d", "10m", "-c", "deployment", *AUTHOR],
    ],
    ids=["over-cap", "first-arg-unparsable", "match-everything"],
)
def test_rejected_silence_creates_nothing(alertmanager, capsys, argv):
    assert add(alertmanager.url, *argv) == 1
    assert alertmanager.silences() == []
    assert "REJECTED" in capsys.readouterr().out


def test_recreated_silence_counts_against_one_cap(alertmanager, capsys):
    first = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False, "isEqual": True}],
        "startsAt": at(timedelta(0)),
        "endsAt": at(timedelta(hours=3)),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment",
    }
    alertmanager.post(first)
    start = at(timedelta(hours=3))
    argv = ["alertname=HighErrorRate", f"--start={start}", "-d", "2h", "-c", "deployment", *AUTHOR]
    assert add(alertmanager.url, *argv) == 1
    assert "over-cap-recreated" in capsys.readouterr().out
    assert len(alertmanager.silences()) == 1


def test_recreating_with_another_spelling_still_counts(alertmanager, capsys):
    """History is per alert, not per matcher set: three spellings of HighErrorRate chain."""
    base = ["-c", "deployment", *AUTHOR]
    assert add(alertmanager.url, "alertname=HighErrorRate", "-d", "2h", *base) == 0
    first = alertmanager.silences()[0]
    start = first["endsAt"].replace("+00:00", "Z")
    assert add(alertmanager.url, 'alertname=~"HighErrorRate"', f"--start={start}", "-d", "2h", *base) == 0
    later = at(timedelta(hours=4))
    argv = ['alertname="HighErrorRate"', "team=platform", f"--start={later}", "-d", "1h", *base]
    assert add(alertmanager.url, *argv) == 1
    assert "over-cap-recreated" in capsys.readouterr().out
    assert len(alertmanager.silences()) == 2


def test_replacing_a_silence_after_a_typo_is_accepted(alertmanager, capsys):
    base = ["alertname=HighErrorRate", "-d", "4h", *AUTHOR]
    assert add(alertmanager.url, *base, "-c", "deplyoment") == 1  # no valid reason: refused anyway
    assert add(alertmanager.url, *base, "-c", "deployment, typo") == 0
    typo = capsys.readouterr().out.strip().splitlines()[-1]
    alertmanager_expire(alertmanager.url, typo)
    assert add(alertmanager.url, *base, "-c", "deployment") == 0
    assert len(alertmanager.silences()) == 2


def test_add_without_amtool_is_a_clear_error(alertmanager, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "")
    assert add(alertmanager.url, "alertname=HighErrorRate", "-d", "2h", "-c", "deployment", *AUTHOR) == 1
    assert (
        "oncall-policy: error: `amtool` not found; install prometheus-alertmanager" in capsys.readouterr().err
    )
    assert alertmanager.silences() == []


def test_add_uses_amtools_configuration_as_amtool_does(alertmanager, capsys, tmp_path, monkeypatch):
    """Without flags, the author and the Alertmanager come from amtool's configuration file: the
    re-creation cap is judged against the Alertmanager the real amtool then creates the silence in."""
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / ".config" / "prometheus" / "amtool.yml"
    config.parent.mkdir(parents=True)
    config.write_text(f"alertmanager.url: {alertmanager.url}\nauthor: engineer-a@clipper.app\n")
    argv = [
        "silence",
        "add",
        "--policy",
        str(CLIPPER),
        "alertname=HighErrorRate",
        "-d",
        "2h",
        "-c",
        "deployment",
    ]

    assert main(argv) == 0
    [silence] = alertmanager.silences()
    assert silence["createdBy"] == "engineer-a@clipper.app"
    assert capsys.readouterr().out.strip() == silence["id"]

    start = silence["endsAt"].replace("+00:00", "Z")
    assert main([*argv, f"--start={start}", "-d", "3h"]) == 1  # with the first, 5 h over a 4 h cap
    assert "over-cap-recreated" in capsys.readouterr().out
    assert len(alertmanager.silences()) == 1


def test_audit_finds_a_silence_made_behind_its_back(alertmanager, capsys):
    good = alertmanager.post(
        {
            "matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": False}],
            "startsAt": at(timedelta(0)),
            "endsAt": at(timedelta(minutes=30)),
            "createdBy": "engineer-a@clipper.app",
            "comment": "INC-1 [approved-by: manager-x@clipper.app (manager)]",
        }
    )
    bad = alertmanager.post(
        {
            "matchers": [{"name": "alertname", "value": ".+", "isRegex": True}],
            "startsAt": at(timedelta(0)),
            "endsAt": at(timedelta(days=30)),
            "createdBy": "",
            "comment": "too many alerts",
        }
    )
    assert audit(alertmanager.url, "--format", "json") == 1
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[good]["accepted"]
    assert not rows[bad]["accepted"]
    assert {"mutes-everything", "missing-author", "over-cap"} <= {v["rule"] for v in rows[bad]["violations"]}
    assert audit(alertmanager.url, "--expire") == 1
    assert f"expired {bad}" in capsys.readouterr().err
    states = {s["id"]: s["status"]["state"] for s in alertmanager.silences()}
    assert states == {good: "active", bad: "expired"}
    assert audit(alertmanager.url) == 0


def test_silences_added_on_one_peer_are_audited_on_the_other(alertmanager_binary, amtool, tmp_path, capsys):
    with running(alertmanager_binary, tmp_path / "a", cluster=True) as first:
        assert first.cluster_address is not None
        with running(alertmanager_binary, tmp_path / "b", peers=[first.cluster_address]) as second:
            assert add(first.url, "alertname=HighErrorRate", "-d", "2h", "-c", "deployment", *AUTHOR) == 0
            good = capsys.readouterr().out.strip()
            bad = first.post(
                {
                    "matchers": [{"name": "alertname", "value": "High.*", "isRegex": True}],
                    "startsAt": at(timedelta(0)),
                    "endsAt": at(timedelta(hours=8)),
                    "createdBy": "engineer-a@clipper.app",
                    "comment": "too many alerts",
                }
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(second.silences()) < 2:
                time.sleep(0.2)
            assert audit(second.url, "--format", "json") == 1
            rows = {row["id"]: row["accepted"] for row in json.loads(capsys.readouterr().out)}
            assert rows == {good: True, bad: False}


def test_add_behind_basic_auth_refuses_without_credentials_and_works_with_them(
    alertmanager, tmp_path, capsys
):
    """History that cannot be read (401) refuses the silence; amtool's http config lets both the
    history and the creation through."""
    from tests import http_servers  # noqa: PLC0415 - a test helper module

    basic = "Basic YWxpY2U6czNjcmV0"  # alice:s3cret
    config = tmp_path / "conf" / "http.yml"
    config.parent.mkdir()
    config.write_text("basic_auth:\n  username: alice\n  password: s3cret\n")
    argv = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", *AUTHOR]
    with http_servers.reverse_proxy(alertmanager.url, basic) as (url, _):
        assert add(url, *argv) == 1
        out = capsys.readouterr().out
        assert "x history-unreadable:" in out
        assert "401" in out
        assert alertmanager.silences() == []
        assert add(url, *argv, f"--http.config.file={config}") == 0
    [created] = alertmanager.silences()
    assert capsys.readouterr().out.strip() == created["id"]


def test_history_counts_on_every_peer_given(alertmanager_binary, amtool, tmp_path, capsys):
    """Two independent Alertmanagers (not gossiping): a silence on the second still counts when
    the second is given as a peer."""
    with (
        running(alertmanager_binary, tmp_path / "a") as first,
        running(alertmanager_binary, tmp_path / "b") as second,
    ):
        assert add(second.url, "alertname=HighErrorRate", "-d", "3h", "-c", "deployment", *AUTHOR) == 0
        capsys.readouterr()
        argv = [
            "alertname=HighErrorRate",
            f"--start={at(timedelta(hours=3))}",
            "-d",
            "2h",
            "-c",
            "deployment",
            *AUTHOR,
        ]
        assert add(first.url, *argv) == 0  # the first knows nothing of the second's silence
        capsys.readouterr()
        again = [*argv[:1], f"--start={at(timedelta(hours=3))}", "-d", "2h", "-c", "deployment", *AUTHOR]
        assert add(first.url, *again, f"--peer={second.url}") == 1
        assert "over-cap-recreated" in capsys.readouterr().out


def test_audit_says_it_could_not_audit(capsys):
    assert audit("http://127.0.0.1:9") == 4
    assert "cannot audit:" in capsys.readouterr().err


def test_check_files_counts_the_silences_already_there(alertmanager, tmp_path, capsys):
    approved = "INC-1 [approved-by: manager-x@clipper.app (manager)]"
    alertmanager.post(
        {
            "matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": False}],
            "startsAt": at(timedelta(0)),
            "endsAt": at(timedelta(hours=1)),
            "createdBy": "engineer-a@clipper.app",
            "comment": approved,
        }
    )
    request = tmp_path / "next-hour.json"
    request.write_text(
        json.dumps(
            {
                "matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": False}],
                "startsAt": at(timedelta(hours=1)),
                "endsAt": at(timedelta(hours=2)),
                "createdBy": "engineer-a@clipper.app",
                "comment": "INC-1",
                "approvedBy": ["manager-x@clipper.app"],
            }
        )
    )
    files = ["silence", "check-files", "--policy", str(CLIPPER), str(request)]
    assert main(files) == 0  # alone, an approved hour is fine
    assert "judged without earlier silences" in capsys.readouterr().err
    assert main([*files, "--alertmanager.url", alertmanager.url]) == 1
    assert "(over-cap-recreated)" in capsys.readouterr().out
    assert main([*files, "--alertmanager.url", "http://127.0.0.1:9"]) == 1
    assert "(history-unreadable)" in capsys.readouterr().out


def test_silences_added_at_the_same_time_cannot_chain_past_the_cap(alertmanager, capsys):
    """Three adds started together each read the history before the others exist; reading it
    back after creating catches the race, and what is left keeps the policy."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    base = ["alertname=HighMemoryUsage", "service=api", "-c", "deployment", *AUTHOR]
    starts = [at(timedelta(hours=4 * i)) for i in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda start: add(alertmanager.url, *base, f"--start={start}", "-d", "4h"), starts))
    capsys.readouterr()
    live = [s for s in alertmanager.silences() if s["status"]["state"] != "expired"]
    assert 1 <= len(live) <= 2  # back to back, three would make 12 h of a 4 h cap
    assert audit(alertmanager.url) == 0  # what is left never chains past the cap
