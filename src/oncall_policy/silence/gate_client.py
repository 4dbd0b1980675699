"""Asking the gate about approvals (``silence approve``, ``silence pending``): stdlib ``http.client``.

Basic authentication when a name is given. A gate in header mode believes only its
authenticating proxy: give the proxy's URL as ``--gate`` and let it authenticate the request
(for oauth2-proxy, a bearer token or a session cookie it accepts), or run the CLI on a host the
proxy trusts. Errors are Alertmanager-style ``{"code", "message"}`` bodies: their message is the
error's text.
"""

from __future__ import annotations

import base64
import json

from oncall_policy.errors import OncallPolicyError
from oncall_policy.static import TYPE_CHECKING
from oncall_policy.version import __version__

if TYPE_CHECKING:
    from typing import Any

MAX_ANSWER = 16 * 1024 * 1024


class GateError(OncallPolicyError):
    """The gate could not be asked, or said no: the text says which and why."""


def ask(  # noqa: PLR0913 - one request
    gate: str,
    method: str,
    path: str,
    *,
    user: str | None = None,
    password: str = "",
    timeout: float = 30.0,
) -> Any:
    """The JSON the gate answers ``method path`` with; ``GateError`` for anything else."""
    import http.client  # noqa: PLC0415 - only these actions talk to a gate
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(gate)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GateError(f"--gate {gate!r} is not an http(s)://HOST[:PORT] URL")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    headers = {"User-Agent": f"oncall-policy/{__version__}", "Accept": "application/json"}
    body = b"{}" if method == "POST" else None
    if body is not None:
        headers["Content-Type"] = "application/json"
    if user is not None:
        pair = f"{user}:{password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    url = parts.path.rstrip("/") + path
    try:
        connection.request(method, url, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read(MAX_ANSWER + 1)
    except (OSError, http.client.HTTPException) as error:
        raise GateError(f"cannot reach the gate at {gate}: {error}") from None
    finally:
        connection.close()
    return _read(response.status, data, gate)


def _read(status: int, data: bytes, gate: str) -> Any:
    try:
        found = json.loads(data) if len(data) <= MAX_ANSWER else None
    except ValueError:
        found = None
    if status == 200 and found is not None:
        return found
    message = found.get("message") if isinstance(found, dict) else None
    if not isinstance(message, str):
        message = f"HTTP {status}: {data[:500].decode('utf-8', 'replace')}"
    if status == 401:
        message += " (give --user and --password-file, or go through the authenticating proxy)"
    raise GateError(f"the gate at {gate} says: {message}")
