"""Audit: every active or pending silence an Alertmanager lists, judged against the policy.

Approvals are read back from each comment (``comment``), the author is ``createdBy``. Every
listed silence, expired ones included, is history for every other (``evaluate.judge``), so a
re-created or extended silence is judged by the whole stretch it continues, on each alert —
except a silence that breaks the policy by itself: it is flagged, and the silences it happens to
overlap are not blamed for the time it covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from oncall_policy.silence import api, gojson, labels
from oncall_policy.silence import comment as comments
from oncall_policy.silence.evaluate import Assessment, Silence, assess, standalone, with_history
from oncall_policy.silence.http_errors import BadResponseError
from oncall_policy.silence.request import SilenceRequest
from oncall_policy.silence.rules import Rules
from oncall_policy.silence.verdict import Verdict

LIVE = ("active", "pending")


class Finding(NamedTuple):
    silence_id: str
    state: str
    request: SilenceRequest
    verdict: Verdict


def audit(listed: Sequence[Mapping[str, Any]], rules: Rules) -> list[Finding]:
    """A finding for every live silence, violators and compliant alike, in listing order."""
    silences = [read(item) for item in listed]
    with labels.judgement(len(silences)):  # one allowance for every step below
        assessed = assess_all(silences, rules)
        alone = judge_alone(silences, rules, assessed)
        return findings(silences, alone, history_of(silences, alone), rules, assessed)


def judge_listed(silences: Sequence[Silence], rules: Rules) -> list[Verdict]:
    """A verdict for each live silence among ``silences`` (all the Alertmanager lists), with the
    ones that keep the policy by themselves as history."""
    with labels.judgement(len(silences)):
        assessed = assess_all(silences, rules)
        alone = judge_alone(silences, rules, assessed)
        return [f.verdict for f in findings(silences, alone, history_of(silences, alone), rules, assessed)]


# The audit in steps, so that parts of a listing can be judged apart (``audit_parts``).


def assess_all(silences: Sequence[Silence], rules: Rules) -> dict[int, Assessment | None]:
    """Each silence's assessment, by ``id`` of its request (each in an allowance of its own)."""
    return {id(s.request): assess(s.request, rules) for s in silences}


def judge_alone(
    silences: Sequence[Silence], rules: Rules, assessed: dict[int, Assessment | None]
) -> list[Verdict]:
    """Each silence's verdict by itself (together within the allowance of judging them)."""
    with labels.judgement(len(silences)):
        return [standalone(s.request, rules, assessed[id(s.request)]) for s in silences]


def history_of(silences: Sequence[Silence], kept: Sequence[Verdict | int]) -> list[Silence]:
    """The silences that keep the policy by themselves (``kept``: each one's verdict, or 1 if it
    keeps it and 0 if not): every other silence's history."""
    return [s for s, keeps in zip(silences, kept, strict=True) if _keeps(keeps)]


def _keeps(kept: Verdict | int) -> bool:
    return bool(kept) if isinstance(kept, int) else kept.accepted


def findings(
    silences: Sequence[Silence],
    alone: Sequence[Verdict],
    history: Sequence[Silence],
    rules: Rules,
    assessed: dict[int, Assessment | None],
) -> list[Finding]:
    """The findings on the live ones among ``silences`` (``alone``: their verdicts by
    themselves), judged with ``history``."""
    live = [(s, v) for s, v in zip(silences, alone, strict=True) if s.state in LIVE]
    # with_history asks within the allowance of judging the live ones (labels.judgement).
    verdicts = with_history([s for s, _ in live], [v for _, v in live], history, rules, assessed)
    return [Finding(s.silence_id, s.state, s.request, v) for (s, _), v in zip(live, verdicts, strict=True)]


def read(item: Mapping[str, Any]) -> Silence:
    """A listed (gettable) silence, with the approvals its comment records."""
    text = item.get("comment")
    approvers: tuple[str, ...] = ()
    if type(text) is str and comments.has_approvals(text):  # one not a string is refused as it is
        text, approvers = comments.read(text)
        item = {**item, "comment": text}
    status = item.get("status")
    state = listed_state(status) if isinstance(status, Mapping) else ""
    ident = item.get("id")
    return Silence(ident if type(ident) is str else "", str(state), api.from_api(item, approvers))


def listed_state(status: Mapping[str, Any]) -> object:
    """The state as Go reads the listing (amtool does): a key that case-folds to ``state``
    counts, the last one wins. A server that wrote ``"State"`` no longer hides a live silence."""
    if "state" in status and len(status) == 1:
        return status["state"]  # as Alertmanager writes it
    pairs = status.pairs if isinstance(status, gojson.Object) else status.items()
    found: object = ""
    for key, value in pairs:
        if gojson.field_of(key, ("state",)) == "state":
            found = value
    return found


def read_history(listed: Sequence[Mapping[str, Any]], url: str) -> list[Silence]:
    """The listed silences, as the history a new silence is judged with; ``BadResponseError``
    (for ``url``) when one has a start or an end that cannot be read (absent, not RFC 3339, or
    outside years 1-9999 in UTC, which Alertmanager cannot store either): where it lies in time
    is unknown, so the time silences cover together cannot be counted, and a caller that needs
    history refuses (fail closed). The audit judges such a silence instead, as breaking the
    policy."""
    silences = [read(item) for item in listed]
    for silence in silences:
        if silence.request.starts_at is None or silence.request.ends_at is None:
            why = next((v.message for v in silence.request.problems if _about_times(v.where)), "no times")
            name = silence.silence_id or "without an id"
            raise BadResponseError(url, f"the listed silence {name} cannot be placed in time: {why}")
    return silences


def _about_times(where: tuple[str | int, ...]) -> bool:
    return bool(where) and where[0] in ("startsAt", "endsAt")
