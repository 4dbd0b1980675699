r"""The audit trail: one JSON line per silence write the gate judged, on its own logger.

The logger is ``oncall_policy.gate.audit``; its records' message is the whole JSON object, so
that a handler writing ``%(message)s`` gives one line per verdict (``cli/gate`` attaches one;
the gate's other logs stay human-readable). A line::

    {"time": "2026-03-02T09:15:04.123Z", "event": "silence-verdict", "who": "engineer-a@clipper.app",
     "remote": "10.0.0.7", "decision": "refused", "silence_id": null, "replaces": null,
     "matchers": ["alertname=\\"ServiceDown\\""], "rules": ["over-cap"], "applied": ["p1-critical"],
     "upstream": null, "policy": "3f2a…"}

``decision`` is ``accepted`` (created upstream: ``silence_id`` and ``upstream`` say where),
``refused`` (``rules``: every rule it broke), ``not-created`` (judged compliant, no upstream took
it), ``unjudged`` (history could not be read: nothing was created), ``withdrawn`` (created, then
expired by the read-back: ``rules`` it breaks with a silence taken before it) or
``unconfirmed`` (not looked at again: ``read_back``). ``applied`` are the policy's silence rules
for what it reaches; ``replaces`` the silence an update names.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from oncall_policy.printable import printable
from oncall_policy.records import Record
from oncall_policy.silence.http_errors import redacted
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from dataclasses import KW_ONLY

    from oncall_policy.matchers import Matcher

LOGGER = "oncall_policy.gate.audit"
log = logging.getLogger(LOGGER)


class Entry(Record):
    """What one line records (see the module docstring)."""

    who: str
    remote: str | None
    decision: str
    matchers: Sequence[Matcher]
    _: KW_ONLY
    rules: Sequence[str] = ()
    applied: Sequence[str] = ()
    silence_id: str | None = None
    replaces: str | None = None
    upstream: str | None = None
    policy: str | None = None


def line(entry: Entry, now: datetime | None = None) -> str:
    """``entry`` as one JSON line (no newline); text from the request is made printable."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    data = {
        "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": "silence-verdict",
        "who": entry.who,
        "remote": entry.remote,
        "decision": entry.decision,
        "silence_id": _shown(entry.silence_id),
        "replaces": _shown(entry.replaces),
        "matchers": [printable(f"{m.name}{m.op.value}{json.dumps(m.value)}") for m in entry.matchers],
        "rules": sorted(set(entry.rules)),
        "applied": list(entry.applied),
        "upstream": redacted(entry.upstream) if entry.upstream else None,
        "policy": entry.policy,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def record(entry: Entry) -> None:
    log.info("%s", line(entry))


def _shown(text: str | None) -> str | None:
    return None if text is None else printable(text)
