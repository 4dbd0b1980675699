"""Which requests write silences, whatever the spelling of their path.

Alertmanager routes on the decoded path, and its router sends a misspelt one (``//``, ``/./``, a
trailing slash, other letter case) on to the right route with a redirect that keeps the method
and body. So a path is classified as it could end: decoded, cleaned as Go's ``path.Clean``
cleans it, without a trailing slash, in lower case. ``/api/v2/%73ilences`` and
``/API/v2//silences/`` are both the silences route, and judged as such.
"""

from __future__ import annotations

from enum import Enum

from oncall_policy.silence.client import clean_path


class Kind(Enum):
    HEALTHY = "healthy"  # /-/healthy: answered by the gate
    READY = "ready"  # /-/ready: answered by the gate
    METRICS = "metrics"  # /metrics: the gate's own, answered by the gate
    CREATE = "create"  # POST /api/v2/silences: judged
    EXPIRE = "expire"  # DELETE /api/v2/silence/{id}: authenticated, then passed through
    V1_WRITE = "v1-write"  # POST /api/v1/silences, DELETE /api/v1/silence/{id}: refused
    ALERT_WRITE = "alert-write"  # POST /api/v{1,2}/alerts: only from the configured senders
    ADMIN = "admin"  # /-/reload, /debug/…: refused (they are Alertmanager's operator's, not users')
    OTHER = "other"  # passed through


SILENCES = "/api/v2/silences"


def cleaned(path: str) -> str:
    """``path`` (decoded) as Alertmanager's router may end up routing it: see the module docstring."""
    return clean_path(path).lower()


_ROUTES: dict[tuple[str, str], Kind] = {
    **{("/-/healthy", verb): Kind.HEALTHY for verb in ("GET", "HEAD")},
    **{("/-/ready", verb): Kind.READY for verb in ("GET", "HEAD")},
    **{("/metrics", verb): Kind.METRICS for verb in ("GET", "HEAD")},
    (SILENCES, "POST"): Kind.CREATE,
    ("/api/v1/silences", "POST"): Kind.V1_WRITE,
    ("/api/v1/alerts", "POST"): Kind.ALERT_WRITE,
    ("/api/v2/alerts", "POST"): Kind.ALERT_WRITE,
}


def classify(method: str, path: str) -> Kind:
    """What a request with ``method`` on the decoded ``path`` is to the gate."""
    clean, verb = cleaned(path), method.upper()
    if (clean, verb) in _ROUTES:
        return _ROUTES[clean, verb]
    if clean == "/-/reload" or clean.split("/")[1] == "debug":
        return Kind.ADMIN
    head, _, last = clean.rpartition("/")
    if verb == "DELETE" and last and head in ("/api/v2/silence", "/api/v1/silence"):
        return Kind.EXPIRE if head == "/api/v2/silence" else Kind.V1_WRITE
    return Kind.OTHER
