"""The gate's own metrics, served at ``/metrics`` by the gate (never Alertmanager's, proxied).

Each gate has a registry of its own (``prometheus_client.CollectorRegistry``), so that several
gates in one process (the tests) never share a count. What is counted:

- ``oncall_policy_gate_requests_total{method,route,status}``: every answered request, by method
  (the usual ones, else ``other``), route class (``paths.Kind``: ``create``, ``expire``, ``other``…)
  and status code; ``oncall_policy_gate_requests_in_flight``: those being answered now;
- ``oncall_policy_gate_silence_verdicts_total{decision}`` (``accepted``, ``refused``,
  ``not-created``, ``unjudged``) and ``oncall_policy_gate_silence_violations_total{rule}``: each
  rule a refused silence broke;
- ``oncall_policy_gate_upstream_request_duration_seconds{upstream}``: from sending a request to
  an Alertmanager to its answer's header (aiohttp's client tracing), failures included;
- the policy in force: ``oncall_policy_gate_policy_last_reload_success_timestamp_seconds``,
  ``oncall_policy_gate_policy_last_reload_successful`` (0 or 1),
  ``oncall_policy_gate_policy_reloads_total{result}`` and
  ``oncall_policy_gate_policy_info{sha256}`` (1 for the policy in force);
- history: ``oncall_policy_gate_history_refreshes_total{result}`` and
  ``oncall_policy_gate_history_silences`` (the silences the gate holds as history).
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from yarl import URL

from oncall_policy.gate import paths
from oncall_policy.silence.http_errors import redacted
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aiohttp.typedefs import Handler, Middleware

METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"))
# Upstream latency: a loopback Alertmanager answers in a fraction of a millisecond, a listing
# of thousands of silences in tens; the timeout is seconds.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PREFIX = "oncall_policy_gate_"


class Metrics:
    def __init__(self, upstreams: Sequence[str] = ()) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._upstreams = {_origin(URL(base)): redacted(base) for base in upstreams}
        self.requests = Counter(
            _PREFIX + "requests", "Requests answered.", ("method", "route", "status"), registry=self.registry
        )
        self.in_flight = Gauge(
            _PREFIX + "requests_in_flight", "Requests being answered now.", registry=self.registry
        )
        self.verdicts = Counter(
            _PREFIX + "silence_verdicts", "Silence writes judged, by decision.", ("decision",),
            registry=self.registry,
        )  # fmt: skip
        self.violations = Counter(
            _PREFIX + "silence_violations", "Rules broken by refused silence writes.", ("rule",),
            registry=self.registry,
        )  # fmt: skip
        self.upstream_latency = Histogram(
            _PREFIX + "upstream_request_duration_seconds",
            "Time from sending a request to an Alertmanager to its answer's header.",
            ("upstream",),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.reload_success_time = Gauge(
            _PREFIX + "policy_last_reload_success_timestamp_seconds",
            "When the policy in force was loaded (Unix time).",
            registry=self.registry,
        )
        self.reload_ok = Gauge(
            _PREFIX + "policy_last_reload_successful",
            "Whether the last attempt to (re)load the policy succeeded (1) or kept the old one (0).",
            registry=self.registry,
        )
        self.reloads = Counter(
            _PREFIX + "policy_reloads", "Attempts to reload the policy, by result.", ("result",),
            registry=self.registry,
        )  # fmt: skip
        self.policy = Gauge(
            _PREFIX + "policy_info", "The policy in force (1), by the sha256 of its file.", ("sha256",),
            registry=self.registry,
        )  # fmt: skip
        self.history_refreshes = Counter(
            _PREFIX + "history_refreshes", "Readings of the upstream silences, by result.", ("result",),
            registry=self.registry,
        )  # fmt: skip
        self.read_backs = Counter(
            _PREFIX + "read_backs",
            "Created silences looked at again once listed (read_back), by what became of them.",
            ("result",),
            registry=self.registry,
        )
        self.history_silences = Gauge(
            _PREFIX + "history_silences", "Silences the gate holds as history.", registry=self.registry
        )

    def loaded(self, sha256: str, previous: str | None) -> None:
        """A policy (the file's ``sha256``) is now in force."""
        if previous is not None and previous != sha256:
            self.policy.remove(previous)
        self.policy.labels(sha256).set(1)
        self.reload_success_time.set(time.time())
        self.reload_ok.set(1)

    def verdict(self, decision: str, rules: Sequence[str] = ()) -> None:
        self.verdicts.labels(decision).inc()
        for rule in rules:
            self.violations.labels(rule).inc()

    def exposition(self) -> web.Response:
        response = web.Response(body=generate_latest(self.registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    def middleware(self) -> Middleware:
        """An aiohttp middleware that counts every answer (an error escaping the handler: 500)."""

        @web.middleware
        async def counted(request: web.Request, handler: Handler) -> web.StreamResponse:
            method = request.method if request.method in METHODS else "other"
            route = paths.classify(request.method, request.path).value
            status = 500
            self.in_flight.inc()
            try:
                response = await handler(request)
                status = response.status
            except web.HTTPException as error:
                status = error.status
                raise
            finally:
                self.in_flight.dec()
                self.requests.labels(method, route, str(status)).inc()
            return response

        return counted

    def tracing(self) -> aiohttp.TraceConfig:
        """Client tracing that times every request to an upstream, by upstream."""
        trace = aiohttp.TraceConfig()

        async def start(_: aiohttp.ClientSession, context: SimpleNamespace, __: object) -> None:
            context.started = time.perf_counter()

        async def end(_: aiohttp.ClientSession, context: SimpleNamespace, sent: object) -> None:
            url = getattr(sent, "url", None)
            upstream = self._upstreams.get(_origin(url), "other") if isinstance(url, URL) else "other"
            self.upstream_latency.labels(upstream).observe(time.perf_counter() - context.started)

        trace.on_request_start.append(start)
        trace.on_request_end.append(end)
        trace.on_request_exception.append(end)
        return trace


def _origin(url: URL) -> tuple[str, str | None, int | None]:
    """Scheme, host and port of ``url``, credentials and path left out: read from the URL the
    request was sent to as it is (printing and parsing it again cost every write 2% of the gate's
    time)."""
    return url.scheme, url.host, url.port
