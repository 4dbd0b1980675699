"""A small Alertmanager API v2 client for silences: stdlib ``urllib`` and JSON."""

from __future__ import annotations

import json

from oncall_policy import TYPE_CHECKING
from oncall_policy.errors import OncallPolicyError

if TYPE_CHECKING:
    from typing import Any

DEFAULT_URL = "http://localhost:9093/"


class AlertmanagerError(OncallPolicyError):
    """The Alertmanager could not be reached or refused a request."""


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + "/api/v2/" + path


def _request(method: str, url: str, body: Any = None, timeout: float = 10.0) -> Any:
    import urllib.error  # noqa: PLC0415 - urllib.request costs 50 ms: only when talking to one
    import urllib.parse  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise AlertmanagerError(f"not an http(s) URL: {url}")
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace").strip()
        raise AlertmanagerError(f"{method} {url}: HTTP {error.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AlertmanagerError(f"cannot reach the Alertmanager at {url}: {reason}") from None
    return json.loads(raw) if raw.strip() else None


def silences(base: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Every silence the Alertmanager lists (active, pending and expired not yet collected)."""
    found = _request("GET", _url(base, "silences"), timeout=timeout)
    if not isinstance(found, list):
        raise AlertmanagerError(f"GET {_url(base, 'silences')}: expected a list of silences")
    return [item for item in found if isinstance(item, dict)]


def create(base: str, silence: dict[str, Any], timeout: float = 10.0) -> str:
    created = _request("POST", _url(base, "silences"), silence, timeout=timeout)
    return str(created["silenceID"])


def expire(base: str, silence_id: str, timeout: float = 10.0) -> None:
    import urllib.parse  # noqa: PLC0415

    quoted = urllib.parse.quote(silence_id, safe="")
    _request("DELETE", _url(base, f"silence/{quoted}"), timeout=timeout)
