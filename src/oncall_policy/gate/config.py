"""The gate's settings: a TOML file (``--config``), read strictly.

```toml
[auth]
mode = "header"                       # "header", "basic" or "none" (the default: no one)
header = "X-Forwarded-Email"          # header mode: the header an authenticating proxy sets
trusted_peers = ["127.0.0.1/32"]      # header mode: only these peers' header is believed
users_file = "gate-users"             # basic mode: NAME:BCRYPT-HASH lines, beside this file
reads = "open"                        # or "authenticated": every other request needs auth too
alert_senders = ["10.0.0.5/32"]       # peers (Prometheus) that may post alerts through the gate

[limits]
max_body = "1MiB"                     # a larger silence write is refused (413)
body_timeout = "10s"                  # a body not received by then is refused (408)
upstream_timeout = "10s"              # an Alertmanager that has not answered by then: 504
history_max_age = "1s"                # silences written around the gate count after at most this
read_back_after = "1s"                # a write is looked at again in a listing asked this long after
max_listing = "64MiB"                  # a larger listing of silences cannot be read: writes refused
listed_per_person = "16MiB"            # one person's silences in that listing, expired ones too
header_timeout = "10s"                # a connection without a whole request head by then is closed

[approvals]
database = "gate-pending.sqlite3"     # pending requests (SQLite, beside this file); shared by instances
                                      # or "postgresql://USER@HOST/DB?passfile=F" for several hosts
key_file = "gate.key"                 # the Ed25519 key proofs are signed with (gate keygen --out)
expire_after = "24h"                  # a request not approved by then is gone
url = "https://gate.example.org/"     # the gate as approvers reach it (default: as the request came)

[upstream]                            # a multi-tenant Alertmanager (Mimir, Cortex) behind the gate
tenant = "team-a"                     # sent as X-Scope-OrgID on every request; a client's is dropped
bearer_token_file = "upstream-token"  # or basic_auth = { username = "gate", password_file = "F" }
```

Unknown keys and wrong types are refused with the key's path; a relative ``users_file``,
``database``, ``key_file`` or upstream credential file is read beside the configuration file.
Without ``[approvals]`` a silence that needs approval is refused. Without a file the gate
authenticates no one: reads pass, and every silence write is refused (401), fail closed.
"""

from __future__ import annotations

import base64
import ipaddress
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from oncall_policy.durations import DurationError, parse_duration
from oncall_policy.errors import OncallPolicyError
from oncall_policy.regular_files import read_regular
from oncall_policy.silence.sizes import SizeError, parse_size

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_CONFIG_BYTES = 1024 * 1024


class GateConfigError(OncallPolicyError):
    """A configuration file (or users file) the gate cannot use; the text says where and why."""


def _size(value: object) -> object:
    if isinstance(value, str):
        try:
            return parse_size(value, "size")
        except SizeError:
            raise ValueError(f"{value!r} is not a size such as 1MiB or 64KiB") from None
    return value


def _duration(value: object) -> object:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except DurationError as error:
            raise ValueError(str(error)) from None
    raise ValueError("a duration is a string such as 10s or 1m")


def _network(value: object) -> object:
    if isinstance(value, str):
        try:
            return ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValueError(f"{value!r} is not an address or a CIDR range such as 10.0.0.0/8") from None
    return value


Size = Annotated[int, BeforeValidator(_size), Field(gt=0, le=1024**3)]
Seconds = Annotated[timedelta, BeforeValidator(_duration), Field(gt=timedelta(0), le=timedelta(hours=1))]
Peer = Annotated[Network, BeforeValidator(_network)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Auth(_Strict):
    mode: Literal["none", "header", "basic"] = "none"
    header: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]+$")] = "X-Forwarded-Email"
    trusted_peers: tuple[Peer, ...] = ()
    users_file: str | None = None
    reads: Literal["open", "authenticated"] = "open"
    # Alerts posted through the gate: only from these peers (Prometheus). A posted alert can
    # inhibit a real one, or resolve it, as surely as a silence mutes it: none by default.
    alert_senders: tuple[Peer, ...] = ()


class Limits(_Strict):
    max_body: Size = 1024 * 1024
    body_timeout: Seconds = timedelta(seconds=10)
    upstream_timeout: Seconds = timedelta(seconds=10)
    history_max_age: Seconds = timedelta(seconds=1)
    # How long after Alertmanager took a write the read-back first looks for it in a listing:
    # room for the peers' gossip and clocks (more for a wide cluster; it looks again until then).
    read_back_after: Seconds = timedelta(seconds=1)
    # From a connection's opening, or from its last answer: a client that trickles its request
    # head (slowloris) or idles keeps a connection (a file descriptor) no longer than this.
    header_timeout: Seconds = timedelta(seconds=10)
    # The silences listing the gate reads (history, the read-back); one larger refuses writes.
    max_listing: Size = 64 * 1024 * 1024
    # What one person's silences may take of that listing (expired ones included: Alertmanager
    # lists them for its retention), so that no one can fill it and lock every writer out: a
    # quarter, some 40,000 silences (a busy bot's for days).
    listed_per_person: Size = 16 * 1024 * 1024


# --- approvals (issue 13 item 3) ---
Lifetime = Annotated[
    timedelta, BeforeValidator(_duration), Field(ge=timedelta(minutes=1), le=timedelta(days=30))
]


class Approvals(_Strict):
    database: str
    key_file: str
    expire_after: Lifetime = timedelta(hours=24)
    url: Annotated[str, Field(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")] | None = None


def _beside(approvals: Approvals | None, path: Path) -> Approvals | None:
    """``approvals`` with its files read beside the configuration ``path``; a database given as a
    URL (``postgresql://…``) is kept as it is."""
    if approvals is None:
        return None
    database = approvals.database if "://" in approvals.database else str(path.parent / approvals.database)
    return approvals.model_copy(
        update={"database": database, "key_file": str(path.parent / approvals.key_file)}
    )


# --- end approvals ---


# A header value the gate sends as given: visible ASCII and spaces, nothing that ends a line.
HeaderValue = Annotated[str, Field(pattern=r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$", max_length=256)]


class BasicAuth(_Strict):
    username: HeaderValue
    password_file: str


class Upstream(_Strict):
    """How the gate reaches the Alertmanagers behind it, beyond their URLs: a multi-tenant one
    (Mimir, Cortex) wants the tenant and credentials on every request. The client's own
    ``X-Scope-OrgID`` (and ``Authorization``, when the gate sends credentials) is never passed
    on: no client picks another tenant."""

    tenant: HeaderValue | None = None
    bearer_token_file: str | None = None
    basic_auth: BasicAuth | None = None


class GateConfig(_Strict):
    auth: Auth = Auth()
    limits: Limits = Limits()
    approvals: Approvals | None = None
    upstream: Upstream = Upstream()

    def upstream_fields(self) -> dict[str, str]:
        """The header fields the gate sends on every request to its upstreams (secrets read
        from their files now); ``GateConfigError`` when a file cannot be read."""
        upstream = self.upstream
        found: dict[str, str] = {}
        if upstream.tenant is not None:
            found["X-Scope-OrgID"] = upstream.tenant
        if upstream.bearer_token_file is not None:
            found["Authorization"] = f"Bearer {_secret(upstream.bearer_token_file)}"
        elif upstream.basic_auth is not None:
            pair = f"{upstream.basic_auth.username}:{_secret(upstream.basic_auth.password_file)}"
            found["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        return found


def _secret(path: str) -> str:
    """The first line of the secret file ``path``, as Prometheus reads ``*_file`` settings."""
    try:
        text = read_regular(path, 64 * 1024).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GateConfigError(f"{path}: cannot read the upstream credential: {error}") from None
    secret = text.split("\n", 1)[0].strip()
    if not secret or not secret.isprintable() or not secret.isascii():
        raise GateConfigError(f"{path}: the upstream credential's first line is empty or not printable ASCII")
    return secret


def read(path: str | Path | None) -> GateConfig:
    """The settings in ``path`` (None: the defaults); ``GateConfigError`` for anything wrong."""
    if path is None:
        return GateConfig()
    path = Path(path)
    try:
        data = tomllib.loads(read_regular(path, MAX_CONFIG_BYTES).decode("utf-8"))
    except OSError as error:
        raise GateConfigError(f"{path}: cannot read the gate configuration: {error.strerror}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise GateConfigError(f"{path}: not TOML: {error}") from None
    except RecursionError:  # arrays or tables nested thousands deep (red team: a traceback)
        raise GateConfigError(f"{path}: not a gate configuration: values nested too deeply") from None
    except ValueError as error:  # an integer of thousands of digits: Python's limit on reading one
        raise GateConfigError(f"{path}: not a gate configuration: {error}") from None
    try:
        config = GateConfig.model_validate(data)
    except ValidationError as error:
        raise GateConfigError(f"{path}: {_problems(error)}") from None
    return _checked(config, path).model_copy(
        update={
            "approvals": _beside(config.approvals, path),
            "upstream": _upstream_beside(config.upstream, path),
        }
    )


def _upstream_beside(upstream: Upstream, path: Path) -> Upstream:
    """``upstream`` with its secret files read beside the configuration ``path``."""
    if upstream.bearer_token_file is not None and upstream.basic_auth is not None:
        raise GateConfigError(f"{path}: upstream: give bearer_token_file or basic_auth, not both")
    token = upstream.bearer_token_file
    basic = upstream.basic_auth
    return upstream.model_copy(
        update={
            "bearer_token_file": None if token is None else str(path.parent / token),
            "basic_auth": None
            if basic is None
            else basic.model_copy(update={"password_file": str(path.parent / basic.password_file)}),
        }
    )


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or '(top)'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def _checked(config: GateConfig, path: Path) -> GateConfig:
    auth = config.auth
    if auth.mode == "basic" and not auth.users_file:
        raise GateConfigError(f"{path}: auth.users_file: basic mode needs a users file (NAME:HASH lines)")
    if auth.mode == "header" and not auth.trusted_peers:
        raise GateConfigError(
            f"{path}: auth.trusted_peers: header mode needs the addresses of the authenticating "
            'proxy, whose header alone is believed (e.g. ["127.0.0.1/32"])'
        )
    if auth.mode != "basic" or auth.users_file is None:
        return config
    users = str(path.parent / auth.users_file)  # beside the configuration, wherever it is read from
    return config.model_copy(update={"auth": auth.model_copy(update={"users_file": users})})
