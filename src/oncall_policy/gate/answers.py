r"""The gate's own answers, written as Alertmanager 0.25 writes its errors, so clients show them.

Measured on the real server: a refused ``POST /api/v2/silences`` is ``400`` with
``Content-Type: application/json`` and the message as one JSON string and a newline
(``"Failed to create silence: end time can't be in the past"\n``) — amtool prints it after
``[POST /silences][400] postSilencesBadRequest``, line breaks kept. Other API errors are
``{"code":N,"message":"…"}`` without a newline (amtool shows only the status of those); API v1's
are ``{"status":"error","errorType":"bad_data","error":"…"}``. The 0.25 web UI shows the
``"error"`` field of an error body and, for any other body, only the status ("400 Bad Request"):
so a refusal asked for by a browser's script gets ``{"error":"…"}`` (see ``refused``). Go writes
the text unescaped but for ``"``, ``\``, controls and U+2028/U+2029; so does ``go_json``. Every
text is made printable first (``printable``): what a silence said cannot act on the terminal
amtool prints it to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from oncall_policy.printable import printable_lines

JSON = "application/json"


def go_json(value: Any) -> str:
    """``value`` as Go's JSON encoder (HTML escaping off, as go-swagger sets it) writes it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def refused(text: str, asked: Mapping[str, str]) -> web.Response:
    """A refused silence write, as ``postSilencesBadRequest``: amtool shows ``text``. A request
    (``asked``: its header fields) made by a browser's script carries ``Sec-Fetch-Mode``, which
    browsers set on every request, scripts cannot set, and other clients do not send; it gets
    ``{"error":text}``, the field the web UI (Elm's ``Utils.Api.errorToString``) shows."""
    message = printable_lines(text.rstrip("\n"))
    body = go_json({"error": message}) if "Sec-Fetch-Mode" in asked else go_json(message) + "\n"
    return web.Response(status=400, body=body.encode(), content_type=JSON)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = go_json({"code": status, "message": printable_lines(message)}).encode()
    return web.Response(status=status, body=body, content_type=JSON, headers=headers)


def v1_refused(message: str) -> web.Response:
    body = {"status": "error", "errorType": "bad_data", "error": printable_lines(message)}
    return web.Response(status=400, body=go_json(body).encode(), content_type=JSON)


def text(status: int, message: str) -> web.Response:
    """A plain answer such as ``/-/healthy``'s ``OK``."""
    return web.Response(status=status, text=message, content_type="text/plain", charset="utf-8")
