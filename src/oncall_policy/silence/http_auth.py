"""The ``Authorization`` header amtool sends with an HTTP configuration, its secret files read as
amtool reads them: at each request, trimmed as Go's ``strings.TrimSpace`` trims (``http_config``
says what was measured)."""

from __future__ import annotations

from oncall_policy.regular_files import SMALL_FILE, read_regular
from oncall_policy.silence.http_config import HttpConfig, HttpConfigError, trim_space


def secret_file(path: str, what: str) -> str:
    """A secret file's content, trimmed, read as Go reads it (relative to the working directory);
    raise ``HttpConfigError`` with amtool's message when it cannot be read."""
    try:
        raw = read_regular(path, SMALL_FILE)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise HttpConfigError(f"unable to read {what} file {path}: open {path}: {reason}") from None
    return trim_space(raw.decode("utf-8", "surrogateescape"))


def authorization_header(config: HttpConfig) -> str | None:
    """The ``Authorization`` header amtool sends with ``config`` (secret files read now), or
    ``None``; raise ``HttpConfigError`` for a secret file it cannot read."""
    import base64  # noqa: PLC0415 - only with an HTTP configuration

    if config.authorization is not None:
        auth = config.authorization
        if auth.credentials_file:
            return f"{auth.type} {secret_file(auth.credentials_file, 'authorization credentials')}"
        return f"{auth.type} {auth.credentials}" if auth.credentials else None
    if config.basic_auth is not None:
        basic = config.basic_auth
        password = (
            secret_file(basic.password_file, "basic auth password") if basic.password_file else basic.password
        )
        pair = f"{basic.username}:{trim_space(password)}".encode("utf-8", "surrogateescape")
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return None
