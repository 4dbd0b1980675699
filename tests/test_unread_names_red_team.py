"""Found by a red team: alertname regexes the judge does not compile (``silence.unread_names``)
whose answers differed from what a real Alertmanager 0.25 mutes, each turned into a chained
silence past the 4h cap of HighErrorRate (P2); and a class that made the splitter quadratic.
Fixed by reading a class item by item as Go's ``parseClass`` does, a ``:]`` found by bisection."""

from __future__ import annotations

import time

import pytest

from oncall_policy.cli import main
from oncall_policy.silence.unread_names import matches
from tests.conftest import CLIPPER
from tests.oracle import Muted, matcher
from tests.test_unread_names import _body

COMMENT = ["-c", "INC-1 investigating", "-a", "engineer-b@clipper.app"]
FILLER = "|".join(f"zz{i:05d}" for i in range(1400))  # > MAX_REGEX_LENGTH characters

# In a class, Go reads the upper end of a range as ONE character: in `[!-[:]` the `[` ends the
# range `!-[` and the `]` right after closes the class; `[:` there is no named class. The
# splitter (`_class_end`) takes `[:]|(?i)x:]` for a named class and so does not see the `|` nor
# the `(?i)` after it, which Go reads at depth 0: the flag reaches every alternative after it,
# and the plain `higherrorrate` is then compared with `==` by the judge, case-insensitively by Go.
HIDDEN_FLAG = "[!-[:]|(?i)x:]]|higherrorrate|" + FILLER
# The same inside a group the splitter thinks holds it all: Go reads `(a[!-[:])`, `(?i)` at depth 0.
HIDDEN_FLAG_GROUPED = "(a[!-[:])(?i)(:]]|x)|higherrorrate|" + FILLER


def _check(alertmanager, start: str) -> list[str]:
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    return [*argv, "alertname=HighErrorRate", f"--start={start}", "-d", "4h", *COMMENT]


@pytest.mark.parametrize(
    "pattern",
    [HIDDEN_FLAG, HIDDEN_FLAG_GROUPED],
    ids=["range-end-hides-flag", "range-end-hides-flag-grouped"],
)
def test_told_as_alertmanager_mutes(oracle, pattern):
    outcome = oracle.verdicts([matcher("alertname", "=~", pattern)], [{"alertname": "HighErrorRate"}])
    assert isinstance(outcome, Muted), outcome
    assert list(outcome.muted) == [True]  # what Alertmanager does
    assert matches(pattern, "HighErrorRate") in (None, True)


@pytest.mark.parametrize("pattern", [HIDDEN_FLAG], ids=["range-end-hides-flag"])
def test_a_chained_silence_past_the_cap_is_refused(alertmanager, capsys, pattern):
    """4h planted straight in Alertmanager, muting HighErrorRate, then 4h right after it: 8h."""
    alertmanager.post(_body(pattern, "2027-05-01T00:00:00Z", "2027-05-01T04:00:00Z"))
    assert main(_check(alertmanager, "2027-05-01T04:00:00Z")) == 1
    assert "over-cap-recreated" in capsys.readouterr().out


def test_a_long_class_of_ranges_ending_in_bracket_colon_is_read_in_linear_time(alertmanager, capsys):
    """`[!-[:!-[:…a]`: Go reads ranges `!-[` and `:` (linear; Alertmanager accepts it at once).
    The splitter looks for a named class's `:]` at every `[:` and scans to the end each time:
    quadratic, 100,000 characters took seconds for each `silence check` (and the gate)."""
    argv = _check(alertmanager, "2027-05-01T04:00:00Z")
    linear = "[" + "!-[a" * 25_000 + "a]|LowDiskSpace"  # same size, read at once: the baseline
    alertmanager.post(_body(linear, "2027-04-01T00:00:00Z", "2027-04-01T04:00:00Z"))
    main([a.replace("2027-05-01", "2027-04-01") for a in argv])
    quadratic = "[" + "!-[:" * 25_000 + "a]|LowDiskSpace"
    alertmanager.post(_body(quadratic, "2027-05-01T00:00:00Z", "2027-05-01T04:00:00Z"))
    started = time.perf_counter()
    main(argv)
    elapsed = time.perf_counter() - started
    capsys.readouterr()
    assert elapsed < 1.0, f"silence check took {elapsed:.1f}s"
