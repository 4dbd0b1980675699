"""A real Alertmanager 0.25 as the oracle for what a silence mutes.

``Oracle.verdicts(matchers, alerts)`` answers, from the server itself, which of ``alerts`` one
silence with ``matchers`` would mute: it posts the alerts (one batch, tagged with the reserved
label ``oracle_batch``), creates the silence, reads ``status.silencedBy`` of the batch from
``GET /api/v2/alerts`` (computed at query time) and expires the silence. The answer is one of

- ``Muted``: the silence was accepted; one boolean per alert, in order;
- ``Refused``: the server refused the silence (HTTP status and its exact message);
- ``Poisoned``: the server accepted the silence, but it breaks silencing as a whole. Alertmanager
  validates a regex by compiling the bare value, then matches with ``^(?:value)$``; when only the
  anchored form fails to compile (``\\Qabc``), every silence query fails and *no* silence mutes
  anything until that silence is gone. Detected by a canary (below) and explained by the log.

Isolation and speed, measured against thousands of batches (``bench/oracle.py``):

- Every ``GET /api/v2/alerts`` computes the status of *every* unresolved alert in the server, each
  a scan of every silence, before it applies the filter. So each batch's alerts are resolved with
  the next ``POST`` (no extra request) and the silence is expired at once; the server runs with
  short garbage-collection intervals so that resolved alerts and expired silences do not pile up.
- Only this batch's alerts are read (``filter=oracle_batch="N"``), and an alert counts as muted
  only when *this* silence's id is in its ``silencedBy``.
- Canary: one silence ``oracle_canary="1"`` lives as long as the oracle, and every batch carries an
  alert ``{oracle_canary="1"}``, new to the server, so its status is a full silence query. It is
  muted unless silencing is broken; then the server log's ``Querying silences failed`` line since
  the batch was posted gives ``Poisoned`` its error (no such line: ``OracleError``). The log alone
  would not do: a flush in the background can log a failure of the previous batch's poison late.

Label names beginning ``oracle_`` are reserved (``ValueError`` if an alert or matcher uses one).
Alerts are posted as given: an empty value is dropped by the server (it equals a missing label),
alerts whose labels then coincide are one alert there. Strings must be valid Unicode (no lone
surrogates): Go would replace them, and the oracle would answer about other text.
Not thread-safe: one oracle, one caller.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypedDict

from tests.alertmanager_server import Server, running

PREFIX = "oracle_"
BATCH = "oracle_batch"
CANARY = "oracle_canary"
PROBE = "oracle_probe"
FAR = "2099-01-01T00:00:00Z"
#: Resolved alerts and expired silences are dropped within seconds (defaults: 30 min and 120 h).
FLAGS = ("--alerts.gc-interval=2s", "--data.retention=1ms", "--data.maintenance-interval=200ms")
#: No receiver integrations, so nothing is sent. A flush every 50 ms drops resolved alerts from the
#: aggregation group before the alert GC forgets them: a flush after that GC would mark them again,
#: and those marks would never be deleted (0.25 leaks one per alert: 80% of alerts at 5 s, 2% here).
CONFIG = "route:\n  receiver: none\n  group_wait: 0s\n  group_interval: 50ms\nreceivers:\n  - name: none\n"
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
QUERY_FAILED = 'msg="Querying silences failed, alerts might not get silenced correctly"'
REGEX_FRAME = re.compile(r'silence invalid: invalid label matcher 0: invalid regular expression "')
OPERATORS = {"=": (False, True), "!=": (False, False), "=~": (True, True), "!~": (True, False)}


class OracleError(RuntimeError):
    """The server or this harness misbehaved: not a verdict about the silence."""


class ApiMatcher(TypedDict):
    """A matcher as API v2 takes it."""

    name: str
    value: str
    isRegex: bool
    isEqual: bool


@dataclass(frozen=True)
class Muted:
    """The silence was accepted; ``muted[i]`` says whether it mutes ``alerts[i]``."""

    muted: tuple[bool, ...]


@dataclass(frozen=True)
class Refused:
    """The server refused the silence: HTTP status and its message, exactly."""

    status: int
    message: str


@dataclass(frozen=True)
class Poisoned:
    """Accepted, but while it is active no silence mutes anything. ``error`` is the server's
    (e.g. ``error parsing regexp: missing closing ): `^(?:\\Qabc)$```)."""

    error: str


Outcome = Muted | Refused | Poisoned


def matcher(name: str, op: Literal["=", "!=", "=~", "!~"], value: str) -> ApiMatcher:
    """``matcher("service", "=~", "api|web")``: the API v2 form of ``service=~"api|web"``."""
    is_regex, is_equal = OPERATORS[op]
    return {"name": name, "value": value, "isRegex": is_regex, "isEqual": is_equal}


class Oracle:
    """One running Alertmanager, asked one silence at a time (see the module docstring)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.batches = 0
        self._client = _Client(server.url)
        self._resolve: list[dict[str, Any]] = []
        created = self._create([matcher(CANARY, "=", "1")])
        if not isinstance(created, str):
            raise OracleError(f"canary silence refused: {created}")
        self._canary = created

    def verdicts(self, matchers: Sequence[ApiMatcher], alerts: Sequence[Mapping[str, str]]) -> Outcome:
        """Which of ``alerts`` (label sets) one silence with ``matchers`` mutes, as the server says."""
        _check_reserved([m["name"] for m in matchers], alerts)
        self.batches += 1
        batch = str(self.batches)
        self._post_alerts([*alerts, {CANARY: "1"}], batch)
        mark = self.server.log.stat().st_size
        created = self._create(matchers)
        if not isinstance(created, str):
            return created
        try:
            silenced_by = self._silenced_by(batch)
        finally:
            self._expire(created)
        if self._canary in _silenced(silenced_by, {CANARY: "1"}):
            return Muted(tuple(created in _silenced(silenced_by, labels) for labels in alerts))
        failure = self._query_failure(mark)
        if failure is None:
            raise OracleError("the canary alert is not muted, yet no failed silence query is logged")
        return Poisoned(failure)

    def regex_accepted(self, value: str) -> str | None:
        """None when Alertmanager accepts ``value`` as a silence regex, else Go's error text
        (``error parsing regexp: …``), taken out of the server's message (whose frame is checked).
        Accepted is not the same as harmless: see ``Poisoned``."""
        created = self._create([matcher(PROBE, "=~", value), matcher(PROBE, "=", "-")])
        if isinstance(created, str):
            self._expire(created)
            return None
        frame = REGEX_FRAME.match(created.message)
        if created.status != 400 or frame is None:
            raise OracleError(f"unexpected refusal of {value!r}: {created}")
        quoted, end = go_unquote(created.message, frame.end() - 1)
        if quoted != value or created.message[end : end + 2] != ": ":
            raise OracleError(f"refusal does not quote {value!r}: {created.message!r}")
        return created.message[end + 2 :]

    def close(self) -> None:
        """Resolve the last batch and close the connection (the server keeps running)."""
        if self._resolve:
            self._send("POST", "/api/v2/alerts", self._resolve)
            self._resolve = []
        self._client.close()

    def _post_alerts(self, alerts: Sequence[Mapping[str, str]], batch: str) -> None:
        start = datetime.now(UTC) - timedelta(minutes=1)
        posted = [{"labels": {**labels, BATCH: batch}, "startsAt": _stamp(start)} for labels in alerts]
        body = [*self._resolve, *({**alert, "endsAt": FAR} for alert in posted)]
        self._send("POST", "/api/v2/alerts", body)
        self._resolve = [{**alert, "endsAt": _stamp(start + timedelta(seconds=1))} for alert in posted]

    def _create(self, matchers: Sequence[ApiMatcher]) -> str | Refused:
        start = datetime.now(UTC) - timedelta(minutes=1)  # the server starts it now
        body = {"matchers": matchers, "startsAt": _stamp(start), "endsAt": FAR, "createdBy": "oracle"}
        status, payload = self._client.request("POST", "/api/v2/silences", {**body, "comment": ""})
        if status == 200:
            return str(payload["silenceID"])
        message = payload["message"] if isinstance(payload, dict) else payload
        return Refused(status, str(message))

    def _silenced_by(self, batch: str) -> dict[frozenset[tuple[str, str]], list[str]]:
        query = urllib.parse.urlencode({"filter": f'{BATCH}="{batch}"'})
        found = self._send("GET", f"/api/v2/alerts?{query}")
        return {_key(a["labels"]): a["status"]["silencedBy"] for a in found}

    def _expire(self, silence: str) -> None:
        self._send("DELETE", f"/api/v2/silence/{silence}")

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        status, payload = self._client.request(method, path, body)
        if status != 200:
            raise OracleError(f"{method} {path}: HTTP {status}: {payload!r}")
        return payload

    def _query_failure(self, mark: int) -> str | None:
        """The error of the first failed silence query logged since ``mark``, if any."""
        with self.server.log.open("rb") as log:
            log.seek(mark)
            text = log.read().decode("utf-8", "replace")
        for line in text.splitlines():
            if QUERY_FAILED in line and ' err="' in line:
                return go_unquote(line, line.index(' err="') + 5)[0]
        return None


class _Client:
    """One keep-alive HTTP connection, reopened once if the server closed it."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlsplit(url)
        self._connection = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=10)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                self._connection.request(method, path, body=data, headers=headers)
                response = self._connection.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError):  # a stale keep-alive: not sent
                self._connection.close()
                if attempt == 2:
                    raise
            else:
                return response.status, json.loads(raw) if raw.strip() else None
        raise AssertionError  # unreachable

    def close(self) -> None:
        self._connection.close()


def go_unquote(text: str, start: int) -> tuple[str, int]:
    """The Go-quoted string (``strconv.Quote``, logfmt) at ``text[start] == '"'`` and the index
    after its closing quote."""
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
    widths = {"x": 2, "u": 4, "U": 8}
    out: list[str] = []
    index = start + 1
    while text[index] != '"':
        char = text[index]
        if char == "\\":
            escape = text[index + 1]
            width = widths.get(escape, 0)
            out.append(
                chr(int(text[index + 2 : index + 2 + width], 16)) if width else simple.get(escape, escape)
            )
            index += 2 + width
        else:
            out.append(char)
            index += 1
    return "".join(out), index + 1


def _check_reserved(names: Sequence[str], alerts: Sequence[Mapping[str, str]]) -> None:
    for name in [*names, *(name for labels in alerts for name in labels)]:
        if name.startswith(PREFIX):
            raise ValueError(f"label names beginning {PREFIX!r} are reserved for the oracle: {name!r}")
    for labels in alerts:
        for name in labels:
            if not LABEL_NAME.fullmatch(name):
                raise ValueError(f"invalid alert label name {name!r}")


def _silenced(
    silenced_by: dict[frozenset[tuple[str, str]], list[str]], labels: Mapping[str, str]
) -> list[str]:
    found = silenced_by.get(_key(labels))
    if found is None:
        raise OracleError(f"the server did not return the alert {dict(labels)!r}")
    return found


def _key(labels: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """An alert's identity on the server: its non-empty labels, the batch label aside."""
    return frozenset((name, value) for name, value in labels.items() if value and name != BATCH)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextmanager
def running_oracle(binary: str, workdir: Path, flags: Sequence[str] = FLAGS) -> Iterator[Oracle]:
    """An oracle on a server of its own, started with the oracle's config and ``flags``."""
    with running(binary, workdir, config=CONFIG, flags=flags) as server:
        oracle = Oracle(server)
        try:
            yield oracle
        finally:
            oracle.close()
