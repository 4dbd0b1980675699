"""Why talking to an Alertmanager failed, as data: ``reason`` in one word and the URL asked."""

from __future__ import annotations

from oncall_policy.errors import OncallPolicyError


class AlertmanagerError(OncallPolicyError):
    """The Alertmanager could not be asked, or did not answer as it should. ``reason`` says why in
    one word (``unreachable``, ``timeout``, ``http-status``, ``bad-json``, ``not-sent``)."""

    reason = "error"

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.detail = detail


class UnreachableError(AlertmanagerError):
    """No connection: refused, unknown host, TLS failure, a proxy that failed."""

    reason = "unreachable"


class TimedOutError(AlertmanagerError):
    """No complete answer within the timeout."""

    reason = "timeout"


class HttpStatusError(AlertmanagerError):
    """An answer, but not the expected status; ``body`` is what came with it."""

    reason = "http-status"

    def __init__(self, url: str, status: int, body: str) -> None:
        super().__init__(url, f"HTTP {status}: {body.strip()[:2000]}")
        self.status = status
        self.body = body


class BadResponseError(AlertmanagerError):
    """An answer that is not the JSON expected."""

    reason = "bad-json"


class NotSentError(AlertmanagerError):
    """The request could not be made here: a secret file unreadable, a proxy not supported."""

    reason = "not-sent"
