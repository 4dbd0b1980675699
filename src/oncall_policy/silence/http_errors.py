"""Why talking to an Alertmanager failed, as data: ``reason`` in one word and the URL asked."""

from __future__ import annotations

from oncall_policy.errors import OncallPolicyError


class AlertmanagerError(OncallPolicyError):
    """The Alertmanager could not be asked, or did not answer as it should. ``reason`` says why in
    one word (``unreachable``, ``timeout``, ``http-status``, ``bad-json``, ``too-large``,
    ``not-sent``)."""

    reason = "error"

    def __init__(self, url: str, detail: str) -> None:
        shown = redacted(url)
        super().__init__(f"{shown}: {detail}")
        self.url = shown
        self.detail = detail


def redacted(url: str) -> str:
    """``url`` with the password of ``user:password@`` written ``xxxxx``, as Go's
    ``URL.Redacted`` writes it in amtool's errors: an error is printed, logged, pasted."""
    scheme, separator, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    if not (separator and at and ":" in userinfo):
        return url
    return f"{scheme}://{userinfo.partition(':')[0]}:xxxxx@{host}{rest[end:]}"


class UnreachableError(AlertmanagerError):
    """No connection: refused, unknown host, TLS failure, a proxy that failed."""

    reason = "unreachable"


class AnswerLostError(AlertmanagerError):
    """Reached, but its answer was lost (the connection dropped, or the answer was too long to
    read): whatever was asked may have been done, as after a timeout."""

    reason = "answer-lost"


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


class TooLargeError(BadResponseError):
    """An answer larger than ``limit`` bytes (``size``: the length it announced, if it did), so
    not read: one over the limit is refused before it can take the memory it would need."""

    reason = "too-large"

    def __init__(
        self, url: str, limit: int, size: int | None = None, setting: str = "--max-response-size="
    ) -> None:
        """``setting``: what raises the limit, as the reader is told to write it (empty: none)."""
        from oncall_policy.silence.sizes import format_size  # noqa: PLC0415 - only when refusing

        said = "is larger" if size is None else f"is {format_size(size)}, larger"
        wanted = max(limit * 2, 1 << max(size or 0, 1).bit_length())
        raised = f"{setting}{format_size(wanted, as_argument=True)}"
        hint = f"; give {raised} (or more) to read it" if setting else ""
        super().__init__(url, f"the answer {said} than the limit of {format_size(limit)}{hint}")
        self.limit = limit
        self.size = size


class NotSentError(AlertmanagerError):
    """The request could not be made here: a secret file unreadable, a proxy not supported."""

    reason = "not-sent"
