"""An earlier silence oncall-policy does not assess still counts as history, as muting everything.

Red team: a silence Alertmanager holds (created past the judge: its UI, curl) with
alertname="HighErrorRate" and 64 ``x!="vN"`` matchers mutes HighErrorRate (the real Alertmanager
lists it in the alert's ``silencedBy``) from 00:00 to 04:00. Having more matchers than the judge
assesses it got no assessment, and the history dropped it without a word: a 4 h silence chained
right after it was accepted, 8 h of one P2 alert whose cap is 4 h. Now such a silence is judged
as history by the part of its matchers the judge can assess (``evaluate._narrowed``: fewer
matchers mute at least as much), ``alertname`` and ``=`` first, and the verdict says the time
counted may be over-estimated. So it still counts on the alert it mutes, and blocks no silence
of another alert (taken to mute everything, one stray silence of three days refused every
silence of every alert for three days).
"""

from __future__ import annotations

from oncall_policy.cli import main
from tests.conftest import CLIPPER

COMMENT = ["-c", "INC-1234 investigating", "-a", "engineer-b@clipper.app"]


def unassessed(alertmanager, start: str, end: str, alert: str = "HighErrorRate") -> None:
    """An earlier silence of 65 matchers, ``alertname="alert"`` among them (last: the judge
    keeps it first)."""
    matchers: list[dict[str, object]] = []
    matchers += [{"name": "x", "value": f"v{i}", "isRegex": False, "isEqual": False} for i in range(64)]
    matchers.append({"name": "alertname", "value": alert, "isRegex": False})
    alertmanager.post(
        {
            "matchers": matchers,
            "startsAt": start,
            "endsAt": end,
            "createdBy": "engineer-a@clipper.app",
            "comment": "INC-1234 investigating",
        }
    )


def test_an_earlier_silence_of_many_matchers_still_counts_as_history(alertmanager, capsys):
    unassessed(alertmanager, "2027-05-01T00:00:00Z", "2027-05-01T04:00:00Z")
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    chained = [*argv, "alertname=HighErrorRate", "--start=2027-05-01T04:00:00Z", "-d", "4h", *COMMENT]
    assert main(chained) == 1
    out = capsys.readouterr().out
    assert "over-cap-recreated" in out
    assert "covers 8h in one stretch" in out
    assert "may be over-estimated" in out

    # Apart from it in time (past the chain gap), it takes nothing from a silence's cap.
    apart = [*argv, "alertname=HighErrorRate", "--start=2027-05-01T12:00:00Z", "-d", "4h", *COMMENT]
    assert main(apart) == 0, capsys.readouterr().out


def test_an_unassessed_silence_of_another_alert_takes_nothing_from_this_ones_cap(alertmanager, capsys):
    unassessed(alertmanager, "2027-05-01T00:00:00Z", "2027-05-04T00:00:00Z", alert="LowDiskSpace")
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    argv += ["alertname=HighErrorRate", "--start=2027-05-01T04:00:00Z", "-d", "4h", *COMMENT]
    assert main(argv) == 0, capsys.readouterr().out
