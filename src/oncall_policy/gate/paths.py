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
    OTHER = "other"  # passed through


SILENCES = "/api/v2/silences"


def cleaned(path: str) -> str:
    """``path`` (decoded) as Alertmanager's router may end up routing it: see the module docstring."""
    return clean_path(path).lower()


def classify(method: str, path: str) -> Kind:
    """What a request with ``method`` on the decoded ``path`` is to the gate."""
    clean, verb = cleaned(path), method.upper()
    if clean in ("/-/healthy", "/-/ready") and verb in ("GET", "HEAD"):
        return Kind.HEALTHY if clean == "/-/healthy" else Kind.READY
    if clean == "/metrics" and verb in ("GET", "HEAD"):
        return Kind.METRICS
    if clean == SILENCES and verb == "POST":
        return Kind.CREATE
    if clean == "/api/v1/silences" and verb == "POST":
        return Kind.V1_WRITE
    head, _, last = clean.rpartition("/")
    if verb == "DELETE" and last and head in ("/api/v2/silence", "/api/v1/silence"):
        return Kind.EXPIRE if head == "/api/v2/silence" else Kind.V1_WRITE
    return Kind.OTHER
