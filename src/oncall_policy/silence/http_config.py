"""amtool's ``--http.config.file``: Prometheus' HTTP client configuration, read as amtool 0.25 reads it.

Debian's amtool 0.25 is built with a prometheus/common whose ``HTTPClientConfig`` has
``basic_auth`` (``username``, ``password``, ``password_file``), ``authorization`` (``type``,
default ``Bearer``; ``credentials``, ``credentials_file``), ``oauth2``, the legacy
``bearer_token``/``bearer_token_file``, ``tls_config`` (``ca_file``, ``cert_file``, ``key_file``,
``server_name``, ``insecure_skip_verify``, ``min_version``, ``max_version``), ``proxy_url``,
``proxy_connect_header``, ``follow_redirects`` and ``enable_http2`` — and no
``proxy_from_environment`` or ``no_proxy`` (read from the field tags in ``/usr/bin/amtool`` and
refused by it: ``field no_proxy not found in type config.plain``).

Measured with Debian's amtool 0.25 against a loopback server that logs what it is sent:
- The file is YAML 1.1 decoded strictly (go-yaml v2): every unknown key and every repeated key is
  an error, each with its line (``line 1: field bogus not found in type config.plain``,
  ``line 3: field basic_auth already set in type config.plain``); a scalar given for a text field
  is taken as written (``password: 1.50`` sends ``1.50``; ``~`` is empty); booleans are YAML 1.1
  (``yes``, ``ON``, ``n``), a quoted ``"true"`` is refused.
- An empty file (or only comments) sets nothing, and then ``follow_redirects`` is *false*: the
  defaults (``follow_redirects: true``) apply only when the document has content.
- ``password`` and ``password_file``'s content are trimmed of white space; ``username`` and inline
  ``credentials`` are sent as written; ``credentials_file``'s content is trimmed; the
  ``authorization`` type is trimmed. Secret files are read at each request; an unreadable one
  fails the request: ``unable to read basic auth password file nope.txt: open nope.txt: no such
  file or directory``.
- A relative ``password_file``, ``credentials_file``, ``bearer_token_file``, ``ca_file``,
  ``cert_file`` or ``key_file`` is taken from the directory *above* the one holding the config
  file: this prometheus/common calls ``SetDirectory(filepath.Dir(filepath.Dir(file)))``. With
  ``/x/y/c.yml`` naming ``p.txt``, amtool read ``/x/p.txt`` whatever the working directory, and
  refused ``ca_file: ca.pem`` as ``unable to load specified CA cert /x/ca.pem``; with ``c.yml``
  given relative to the working directory, ``p.txt`` there.
- The checks of ``Validate()``, with its messages (``at most one of basic_auth, oauth2 &
  authorization must be configured``, ``authorization type cannot be set to "basic", use
  "basic_auth" instead`` …) refuse the file before any request.
- ``oauth2`` is not supported here (it needs a token exchange); such a file is refused.
"""

from __future__ import annotations

import os
import re

from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.regular_files import SMALL_FILE, read_regular
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

TLS_VERSIONS = ("TLS10", "TLS11", "TLS12", "TLS13")


class HttpConfigError(OncallPolicyError):
    """An HTTP configuration file amtool would refuse, or a secret file it cannot read."""


class BasicAuth(Record):
    username: str = ""
    password: str = ""
    password_file: str = ""


class Authorization(Record):
    type: str = "Bearer"
    credentials: str = ""
    credentials_file: str = ""


class TLSConfig(Record):
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    server_name: str = ""
    insecure_skip_verify: bool = False
    min_version: str = ""
    max_version: str = ""


class HttpConfig(Record):
    """What amtool does with an HTTP configuration file; ``proxy_url`` ``None``: no proxy at all
    (with a file, amtool ignores ``HTTP_PROXY`` and the like)."""

    basic_auth: BasicAuth | None = None
    authorization: Authorization | None = None
    tls: TLSConfig = TLSConfig()  # immutable: one default serves every instance
    proxy_url: str | None = None
    proxy_connect_header: tuple[tuple[str, tuple[str, ...]], ...] = ()
    follow_redirects: bool = True


def load(path: str) -> HttpConfig:
    """The configuration in ``path``; raise ``HttpConfigError`` where amtool would refuse it."""
    try:
        text = read_regular(path, SMALL_FILE).decode("utf-8")
    except FileNotFoundError:
        raise HttpConfigError(f"path '{path}' does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise HttpConfigError(f"cannot read the HTTP config file {path}: {error}") from None
    return in_directory(parse(text, path), _go_dir(_go_dir(path)))


def parse(text: str, path: str = "<http config>") -> HttpConfig:
    """``load`` for text already read."""
    from oncall_policy.load import goyaml  # noqa: PLC0415 - YAML only when a file is given

    try:
        root = goyaml.first_document(text)
    except goyaml.YamlError as error:
        raise HttpConfigError(f"failed to load HTTP config file {path}: yaml: {error}") from None
    if root is None or root.is_null():
        return HttpConfig(follow_redirects=False)  # Go skips UnmarshalYAML: no defaults
    decoder = goyaml.Decoder()
    raw = decoder.struct(root, _SCHEMA)
    if decoder.errors:
        details = "".join(f"\n  {error}" for error in decoder.errors)
        raise HttpConfigError(f"failed to load HTTP config file {path}: yaml: unmarshal errors:{details}")
    try:
        return _validate(raw or {})
    except HttpConfigError as error:
        raise HttpConfigError(f"failed to load HTTP config file {path}: {error}") from None


_TLS = {
    "ca_file": "string",
    "cert_file": "string",
    "key_file": "string",
    "server_name": "string",
    "insecure_skip_verify": "bool",
    "min_version": "string",
    "max_version": "string",
}
_SCHEMA: dict[str, Any] = {
    "basic_auth": {"username": "string", "password": "string", "password_file": "string"},
    "authorization": {"type": "string", "credentials": "string", "credentials_file": "string"},
    "oauth2": {
        "client_id": "string",
        "client_secret": "string",
        "client_secret_file": "string",
        "scopes": ["string"],
        "token_url": "string",
        "endpoint_params": ("string",),
        "tls_config": _TLS,
        "proxy_url": "string",
        "proxy_connect_header": (["string"],),
    },
    "bearer_token": "string",
    "bearer_token_file": "string",
    "tls_config": _TLS,
    "proxy_url": "string",
    "proxy_connect_header": (["string"],),
    "follow_redirects": "bool",
    "enable_http2": "bool",
}


def _validate(raw: dict[str, Any]) -> HttpConfig:
    """``HTTPClientConfig.Validate`` of prometheus/common, in its order and with its messages."""
    basic, authorization = raw.get("basic_auth"), raw.get("authorization")
    token, token_file, oauth2 = (
        raw.get("bearer_token", ""),
        raw.get("bearer_token_file", ""),
        raw.get("oauth2"),
    )
    if token and token_file:
        raise HttpConfigError("at most one of bearer_token & bearer_token_file must be configured")
    if (basic is not None or oauth2 is not None) and (token or token_file):
        raise HttpConfigError(
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"
        )
    if basic is not None and basic.get("password") and basic.get("password_file"):
        raise HttpConfigError("at most one of basic_auth password & password_file must be configured")
    auth = _authorization(authorization, basic, oauth2, token, token_file)
    if oauth2 is not None:
        raise HttpConfigError("oauth2 is not supported by oncall-policy; use basic_auth or authorization")
    if raw.get("proxy_connect_header") and not raw.get("proxy_url"):
        raise HttpConfigError("if proxy_connect_header is configured proxy_url must also be configured")
    return HttpConfig(
        BasicAuth(**basic) if basic is not None else None,
        auth,
        _tls(raw.get("tls_config") or {}),
        _proxy_url(raw["proxy_url"]) if "proxy_url" in raw else None,
        tuple((name, tuple(values)) for name, values in (raw.get("proxy_connect_header") or {}).items()),
        raw.get("follow_redirects", True),
    )


def _authorization(
    given: dict[str, Any] | None, basic: Any, oauth2: Any, token: str, token_file: str
) -> Authorization | None:
    if given is None:
        if token or token_file:  # the legacy fields become an authorization
            return Authorization("Bearer", token, token_file)
        return None
    if token or token_file:
        raise HttpConfigError("authorization is not compatible with bearer_token & bearer_token_file")
    if given.get("credentials") and given.get("credentials_file"):
        raise HttpConfigError(
            "at most one of authorization credentials & credentials_file must be configured"
        )
    kind = trim_space(given.get("type", "")) or "Bearer"
    if kind.lower() == "basic":
        raise HttpConfigError('authorization type cannot be set to "basic", use "basic_auth" instead')
    if basic is not None or oauth2 is not None:
        raise HttpConfigError("at most one of basic_auth, oauth2 & authorization must be configured")
    return Authorization(kind, given.get("credentials", ""), given.get("credentials_file", ""))


def _tls(raw: dict[str, Any]) -> TLSConfig:
    for key in ("min_version", "max_version"):
        if raw.get(key) and raw[key] not in TLS_VERSIONS:
            raise HttpConfigError(f"unknown TLS version: {raw[key]}")
    return TLSConfig(**raw)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _proxy_url(text: str) -> str:
    """Go's ``url.Parse`` refuses a URL whose first segment has a colon but no scheme."""
    if not _SCHEME.match(text) and ":" in text.split("/", 1)[0]:
        reason = (
            "missing protocol scheme"
            if text.startswith(":")
            else "first path segment in URL cannot contain colon"
        )
        raise HttpConfigError(f'parse "{text}": {reason}')
    return text


def _go_dir(path: str) -> str:
    """Go's ``filepath.Dir``: ``.`` rather than empty, and cleaned."""
    return _clean(os.path.dirname(path) or ".")  # noqa: PTH120 - strings here


def _join_dir(directory: str, path: str) -> str:
    """prometheus/common's ``JoinDir``: empty and absolute paths unchanged, others joined, cleaned."""
    if not path or os.path.isabs(path):  # noqa: PTH117
        return path
    return _clean(os.path.join(directory, path))  # noqa: PTH118


def _clean(path: str) -> str:
    """Go's ``filepath.Clean`` (which, unlike ``normpath``, keeps no leading ``//``)."""
    cleaned = os.path.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def in_directory(config: HttpConfig, directory: str) -> HttpConfig:
    """``config`` with its relative file names taken from ``directory``."""
    basic, auth, tls = config.basic_auth, config.authorization, config.tls
    return config.replace(
        basic_auth=basic and basic.replace(password_file=_join_dir(directory, basic.password_file)),
        authorization=auth and auth.replace(credentials_file=_join_dir(directory, auth.credentials_file)),
        tls=tls.replace(
            **{key: _join_dir(directory, getattr(tls, key)) for key in ("ca_file", "cert_file", "key_file")}
        ),
    )


# Go's unicode.IsSpace: what strings.TrimSpace removes.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def trim_space(text: str) -> str:
    """Go's ``strings.TrimSpace``."""
    return text.strip(GO_SPACE)
