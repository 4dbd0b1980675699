"""Talking to Alertmanager as amtool 0.25 does: its HTTP config file, proxies, TLS, peers, failures.

Alertmanager 0.25 has no authentication of its own, so the authentication tests put a loopback
reverse proxy that checks ``Authorization`` in front of a real Alertmanager. Expected behaviour
was measured with Debian's amtool 0.25 (see ``http_config``, ``goproxy`` and ``transport``).
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from oncall_policy.cli import main
from oncall_policy.silence import amtool as amtool_args
from oncall_policy.silence import amtool_config, client, goproxy, http_auth, http_config, transport
from oncall_policy.silence.http_config import Authorization, BasicAuth, HttpConfig, HttpConfigError, TLSConfig
from tests import http_servers
from tests.alertmanager_server import running
from tests.conftest import CLIPPER

BASIC = "Basic " + base64.b64encode(b"alice:s3cret").decode()


def at(offset: timedelta) -> str:
    return (datetime.now(UTC) + offset).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def silence(name: str = "HighErrorRate", hours: int = 2) -> dict[str, object]:
    return {
        "matchers": [{"name": "alertname", "value": name, "isRegex": False, "isEqual": True}],
        "startsAt": at(timedelta(0)),
        "endsAt": at(timedelta(hours=hours)),
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment",
    }


def config_file(tmp_path, text: str) -> str:
    path = tmp_path / "http.yml"
    path.write_text(text)
    return str(path)


# The HTTP config file, read as amtool reads it.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("basic_auth:\n  username: alice\n  password: s3cret\n", HttpConfig(BasicAuth("alice", "s3cret"))),
        (
            "basic_auth:\n  username: 0x1F\n  password: 1.50\n",
            HttpConfig(BasicAuth("0x1F", "1.50")),
        ),  # as written
        ("basic_auth:\n  username: ~\n  password: yes\n", HttpConfig(BasicAuth("", "yes"))),
        ("basic_auth: {}\n", HttpConfig(BasicAuth())),
        ("basic_auth: ~\n", HttpConfig()),
        ("authorization:\n  credentials: tok\n", HttpConfig(authorization=Authorization("Bearer", "tok"))),
        (
            "authorization:\n  type: '  Token  '\n  credentials: c\n",
            HttpConfig(authorization=Authorization("Token", "c")),
        ),
        ("bearer_token: legacy\n", HttpConfig(authorization=Authorization("Bearer", "legacy"))),
        ("bearer_token_file: t.txt\n", HttpConfig(authorization=Authorization("Bearer", "", "t.txt"))),
        ("tls_config:\n  insecure_skip_verify: ON\n", HttpConfig(tls=TLSConfig(insecure_skip_verify=True))),
        (
            "tls_config:\n  ca_file: ca.pem\n  server_name: am.test\n  min_version: TLS13\n",
            HttpConfig(tls=TLSConfig("ca.pem", server_name="am.test", min_version="TLS13")),
        ),
        ("follow_redirects: n\nenable_http2: false\n", HttpConfig(follow_redirects=False)),
        ("proxy_url: http://127.0.0.1:3128\n", HttpConfig(proxy_url="http://127.0.0.1:3128")),
        ("basic_auth:\n  username: &a x\n  password: *a\n", HttpConfig(BasicAuth("x", "x"))),
        ("", HttpConfig(follow_redirects=False)),  # Go skips the defaults for an empty document
        ("# only a comment\n", HttpConfig(follow_redirects=False)),
        ("follow_redirects: true\n---\nbogus: 1\n", HttpConfig()),  # go-yaml reads the first document
    ],
)
def test_http_config_as_amtool_reads_it(text, expected):
    assert http_config.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "bogus: 1\nbasic_auth:\n  username: a\n  passwd: x\n",
            "yaml: unmarshal errors:\n  line 1: field bogus not found in type config.plain\n  line 4: field passwd not found in type config.plain",
        ),
        (
            "basic_auth:\n  username: a\nbasic_auth:\n  username: b\n",
            "line 3: field basic_auth already set in type config.plain",
        ),
        ("Basic_Auth:\n  username: x\n", "line 1: field Basic_Auth not found"),
        ("no_proxy: x\n", "field no_proxy not found"),  # not in amtool 0.25's prometheus/common
        ("proxy_from_environment: true\n", "field proxy_from_environment not found"),
        ("tls_config:\n  insecure_skip_verify: 'true'\n", "line 2: cannot unmarshal `true` into bool"),
        ("- a\n", "line 1: cannot unmarshal !!seq into config.plain"),
        ("basic_auth: [1]\n", "line 1: cannot unmarshal !!seq into config.plain"),
        (
            "authorization:\n  type: basic\n  credentials: x\n",
            'authorization type cannot be set to "basic", use "basic_auth" instead',
        ),
        (
            "basic_auth:\n  username: a\n  password: x\nauthorization:\n  credentials: t\n",
            "at most one of basic_auth, oauth2 & authorization must be configured",
        ),
        (
            "basic_auth:\n  username: a\n  password: x\n  password_file: p\n",
            "at most one of basic_auth password & password_file must be configured",
        ),
        (
            "bearer_token: a\nbearer_token_file: p\n",
            "at most one of bearer_token & bearer_token_file must be configured",
        ),
        (
            "basic_auth:\n  username: a\nbearer_token: t\n",
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
        ),
        (
            "authorization:\n  credentials: a\nbearer_token: t\n",
            "authorization is not compatible with bearer_token & bearer_token_file",
        ),
        ("tls_config:\n  min_version: TLS14\n", "unknown TLS version: TLS14"),
        (
            "proxy_url: 127.0.0.1:3128\n",
            'parse "127.0.0.1:3128": first path segment in URL cannot contain colon',
        ),
        (
            "proxy_connect_header:\n  X: [a]\n",
            "if proxy_connect_header is configured proxy_url must also be configured",
        ),
        (
            "oauth2:\n  client_id: x\n  client_secret: y\n  token_url: http://t/\n",
            "oauth2 is not supported by oncall-policy",
        ),
        (
            "authorization:\n  credentials: !!binary aGVsbG8=\n",
            "YAML tags such as tag:yaml.org,2002:binary are not supported",
        ),
        ("a: [\n", "yaml: line 2"),
    ],
)
def test_http_config_refused_as_amtool_refuses_it(tmp_path, text, says):
    with pytest.raises(HttpConfigError) as refused:
        http_config.load(config_file(tmp_path, text))
    assert says in str(refused.value)
    assert str(refused.value).startswith("failed to load HTTP config file ")


def test_a_missing_http_config_file_is_amtools_error(tmp_path):
    with pytest.raises(HttpConfigError, match=r"^path '.*nope.yml' does not exist$"):
        http_config.load(str(tmp_path / "nope.yml"))


def test_authorization_headers_as_amtool_sends_them(tmp_path, monkeypatch):
    """Measured: password (inline or file) and credentials_file trimmed; username, credentials not;
    secret files relative to the working directory, not the config file's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pw.txt").write_text(" pw-from-file \n\n")

    def header(text: str) -> str | None:
        return http_auth.authorization_header(http_config.parse(text))

    assert header("basic_auth:\n  username: alice\n  password: ' s3cret '\n") == BASIC
    assert (
        header("basic_auth:\n  username: ' u '\n  password: p\n")
        == "Basic " + base64.b64encode(b" u :p").decode()
    )
    assert (
        header("basic_auth:\n  username: alice\n  password_file: pw.txt\n")
        == "Basic " + base64.b64encode(b"alice:pw-from-file").decode()
    )
    assert header("basic_auth: {}\n") == "Basic Og=="
    assert header("authorization:\n  type: Custom\n  credentials_file: pw.txt\n") == "Custom pw-from-file"
    assert header("bearer_token: ' spaced '\n") == "Bearer  spaced "
    assert header("authorization:\n  type: Bearer\n") is None
    assert header("tls_config: {}\n") is None
    with pytest.raises(HttpConfigError) as refused:
        header("basic_auth:\n  username: u\n  password_file: nope.txt\n")
    assert (
        str(refused.value)
        == "unable to read basic auth password file nope.txt: open nope.txt: no such file or directory"
    )


# Proxies: Go's ProxyFromEnvironment.


@pytest.mark.parametrize(
    ("environ", "url", "proxy"),
    [
        ({"HTTP_PROXY": "http://p:3128"}, "http://127.0.0.1:9093", None),
        ({"HTTP_PROXY": "http://p:3128"}, "http://localhost:9093", None),
        ({"HTTP_PROXY": "http://p:3128"}, "http://[::1]:9093", None),
        ({"HTTP_PROXY": "http://p:3128"}, "http://127.1.2.3:9093", None),
        ({"HTTP_PROXY": "http://p:3128"}, "http://[::ffff:127.0.0.1]:9093", None),
        ({"HTTP_PROXY": "http://p:3128"}, "http://LOCALHOST:9093", "http://p:3128"),  # Go compares case
        ({"HTTP_PROXY": "http://p:3128"}, "http://localhost.:9093", "http://p:3128"),
        ({"HTTP_PROXY": "http://p:3128"}, "http://am.example:9093", "http://p:3128"),
        ({"HTTP_PROXY": "http://p:3128"}, "https://am.example", None),  # https wants HTTPS_PROXY
        ({"https_proxy": "http://s:3128"}, "https://am.example", "http://s:3128"),
        ({"HTTP_PROXY": "http://upper", "http_proxy": "http://lower"}, "http://am.example", "http://upper"),
        ({"HTTP_PROXY": "p:3128"}, "http://am.example", "http://p:3128"),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": ".example"}, "http://am.example", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "example"}, "http://am.example", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "example"}, "http://example", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": ".example"}, "http://example", "http://p"),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "*.example"}, "http://example", "http://p"),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "am.example:9093"}, "http://am.example:9093", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "am.example:9094"}, "http://am.example:9093", "http://p"),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "10.0.0.0/8"}, "http://10.1.2.3:9093", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "10.1.2.3"}, "http://10.1.2.3:9093", None),
        ({"HTTP_PROXY": "http://p", "no_proxy": "*"}, "http://am.example", None),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "other, AM.EXAMPLE "}, "http://am.example", None),
    ],
)
def test_environment_proxies_as_go_reads_them(environ, url, proxy):
    target = transport.split(url)
    found = goproxy.from_environment(target.scheme, target.host, target.port, goproxy.environment(environ))
    assert found == proxy


def test_an_http_proxy_under_cgi_is_refused():
    env = goproxy.environment({"HTTP_PROXY": "http://p", "REQUEST_METHOD": "GET"})
    with pytest.raises(
        goproxy.ProxyRefusedError, match="refusing to use HTTP_PROXY value in CGI environment"
    ):
        goproxy.from_environment("http", "am.example", "9093", env)


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("http://127.0.0.1:9093", "silences", "http://127.0.0.1:9093/api/v2/silences"),
        ("http://127.0.0.1:9093/", "silences", "http://127.0.0.1:9093/api/v2/silences"),
        (
            "https://proxy.example/alertmanager/",
            "silences",
            "https://proxy.example/alertmanager/api/v2/silences",
        ),
        ("http://am:9093//a/../b/?x=1#f", "silences", "http://am:9093/b/api/v2/silences"),
        ("http://am:9093/a%20b", "silence/x", "http://am:9093/a%20b/api/v2/silence/x"),
        ("http://u:p@am:9093", "silences", "http://u:p@am:9093/api/v2/silences"),
    ],
)
def test_api_urls_as_amtool_builds_them(base, path, expected):
    assert client.api_url(base, path) == expected


def test_merge_keeps_the_most_recently_updated_copy_of_each_id():
    old = {"id": "a", "updatedAt": "2026-12-01T10:00:00.000Z", "comment": "old"}
    new = {"id": "a", "updatedAt": "2026-12-01T10:00:00.001Z", "comment": "new"}
    other = {"id": "b", "updatedAt": "not a time"}
    assert client.merge([[old, other], [new, {"id": "b", "updatedAt": "2026-01-01T00:00:00Z"}]]) == [
        new,
        {"id": "b", "updatedAt": "2026-01-01T00:00:00Z"},
    ]
    assert client.merge([[new], [old]]) == [new]
    assert client.merge([[old, other, new]]) == [new, other]  # one listing that repeats an id
    assert client.merge([[other, new, {"comment": "no id"}]]) == [other, new, {"comment": "no id"}]
    assert client.merge([[{"comment": "no id"}], [{"comment": "no id"}]]) == [{"comment": "no id"}] * 2


# A real Alertmanager behind an authenticating reverse proxy.


@pytest.mark.amtool
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("basic_auth:\n  username: alice\n  password: s3cret\n", BASIC),
        ("basic_auth:\n  username: alice\n  password_file: pw.txt\n", BASIC),
        ("authorization:\n  credentials_file: tok.txt\n", "Bearer t0ken"),
        ("bearer_token: t0ken\n", "Bearer t0ken"),
    ],
    ids=["basic", "password_file", "credentials_file", "bearer_token"],
)
def test_listing_through_an_authenticating_proxy(alertmanager, tmp_path, text, expected):
    (tmp_path / "pw.txt").write_text("s3cret\n")
    (tmp_path / "tok.txt").write_text("t0ken\n")
    (tmp_path / "conf").mkdir()
    created = alertmanager.post(silence())
    with http_servers.reverse_proxy(alertmanager.url, expected) as (url, log):
        listed = client.silences(url, http_config.load(config_file(tmp_path / "conf", text)))
        assert [item["id"] for item in listed] == [created]
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences(url)  # no credentials: the proxy says 401, which is no empty list
    [failure] = refused.value.failures
    assert isinstance(failure, client.HttpStatusError)
    assert (failure.reason, failure.status, failure.body) == (
        "http-status",
        401,
        "401 Unauthorized: who are you?\n",
    )
    assert [entry["headers"].get("Authorization") for entry in log] == [expected, None]
    assert log[0]["headers"]["Accept"] == "application/json"


@pytest.mark.amtool
def test_basic_auth_in_the_url_as_amtool_takes_it(alertmanager, tmp_path):
    created = alertmanager.post(silence())
    with http_servers.reverse_proxy(alertmanager.url, BASIC) as (url, _log):
        with_user = url.replace("http://", "http://alice:s3cret@")
        assert [item["id"] for item in client.silences(with_user)] == [created]
        config = http_config.load(config_file(tmp_path, "bearer_token: x\n"))
        with pytest.raises(client.HistoryUnavailableError, match="mutually exclusive"):
            client.silences(with_user, config)


@pytest.mark.amtool
def test_an_unreadable_password_file_fails_the_listing(alertmanager, tmp_path):
    config = http_config.load(
        config_file(tmp_path, "basic_auth:\n  username: u\n  password_file: gone.txt\n")
    )
    with pytest.raises(client.HistoryUnavailableError) as refused:
        client.silences(alertmanager.url, config)
    [failure] = refused.value.failures
    assert failure.reason == "not-sent"
    gone = tmp_path.parent / "gone.txt"
    assert f"unable to read basic auth password file {gone}: open {gone}: no such file or directory" in str(
        failure
    )


def test_relative_secret_files_are_taken_from_above_the_config_files_directory(tmp_path, monkeypatch):
    """Measured: /x/y/c.yml naming p.txt made amtool read /x/p.txt, from any working directory;
    c.yml given relative to the working directory reads p.txt there."""
    (tmp_path / "y").mkdir()
    text = "basic_auth:\n  username: u\n  password_file: p.txt\ntls_config:\n  ca_file: ca.pem\n  cert_file: /abs.pem\n  key_file: k.pem\n"
    config = http_config.load(config_file(tmp_path / "y", text))
    assert config.basic_auth == BasicAuth("u", "", str(tmp_path / "p.txt"))
    assert (config.tls.ca_file, config.tls.cert_file, config.tls.key_file) == (
        str(tmp_path / "ca.pem"),
        "/abs.pem",
        str(tmp_path / "k.pem"),
    )
    monkeypatch.chdir(tmp_path / "y")
    assert http_config.load("http.yml").basic_auth == BasicAuth("u", "", "p.txt")
    token = http_config.load(config_file(tmp_path / "y", "bearer_token_file: t.txt\n"))
    assert token.authorization == Authorization("Bearer", "", str(tmp_path / "t.txt"))


@pytest.mark.amtool
def test_amtool_creates_with_the_same_http_config_the_history_is_read_with(alertmanager, amtool, tmp_path):
    """`silence add` passes --http.config.file (and --timeout) to the real amtool: both go through
    the authenticating proxy, one creating, the other reading back."""
    (tmp_path / "pw.txt").write_text("s3cret\n")  # amtool looks above the config file's directory
    (tmp_path / "conf").mkdir()
    path = config_file(tmp_path / "conf", "basic_auth:\n  username: alice\n  password_file: pw.txt\n")
    with http_servers.reverse_proxy(alertmanager.url, BASIC) as (url, log):
        request = amtool_args.parse(
            ["alertname=HighErrorRate", "-d", "1h", "-c", "deployment", "-a", "x@y.z"], datetime.now(UTC)
        )
        result = amtool_args.run(amtool_args.command(request, "deployment", url, path, "10s"))
        assert result.returncode == 0, result.stderr
        listed = client.silences(url, http_config.load(path), timeout=amtool_args.timeout_seconds("10s"))
    assert [item["id"] for item in listed] == [result.stdout.strip()]
    assert {entry["headers"].get("Authorization") for entry in log} == {BASIC}
    assert {entry["method"] for entry in log} == {"GET", "POST"}  # amtool's version check, its POST, our GET


@pytest.mark.amtool
def test_create_and_expire_use_the_http_config(alertmanager, tmp_path):
    config = http_config.load(config_file(tmp_path, "authorization:\n  credentials: t0ken\n"))
    with http_servers.reverse_proxy(alertmanager.url, "Bearer t0ken") as (url, _log):
        created = client.create(url, silence(), config)
        client.expire(url, created, config)
        with pytest.raises(client.HttpStatusError) as refused:
            client.create(url, silence())
    assert refused.value.status == 401
    assert [s["status"]["state"] for s in alertmanager.silences()] == ["expired"]


# Proxies for real: loopback never goes through an environment proxy.


@pytest.mark.amtool
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_bypasses_an_environment_proxy(alertmanager, monkeypatch, host):
    """urllib would send this to the (closed) proxy and fail; Go, and we, go direct."""
    closed = f"http://127.0.0.1:{http_servers.closed_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, closed)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    created = alertmanager.post(silence())
    url = alertmanager.url.replace("127.0.0.1", host)
    assert [item["id"] for item in client.silences(url)] == [created]


@pytest.mark.amtool
def test_an_http_config_proxy_url_is_used_even_for_loopback(alertmanager, tmp_path, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{http_servers.closed_port()}")
    created = alertmanager.post(silence())
    with http_servers.forward_proxy() as (proxy, log):
        config = http_config.load(config_file(tmp_path, f"proxy_url: {proxy}\n"))
        assert [item["id"] for item in client.silences(alertmanager.url, config)] == [created]
        without = http_config.load(config_file(tmp_path, "follow_redirects: true\n"))
        assert [item["id"] for item in client.silences(alertmanager.url, without)] == [created]
    assert [entry["path"] for entry in log] == [f"{alertmanager.url}/api/v2/silences"]


def test_an_unusable_proxy_fails_clearly(tmp_path):
    config = http_config.load(config_file(tmp_path, "proxy_url: socks5://127.0.0.1:1080\n"))
    with pytest.raises(client.HistoryUnavailableError, match="only http:// proxies are supported") as refused:
        client.silences("http://127.0.0.1:9", config)
    assert refused.value.failures[0].reason == "not-sent"


# TLS with certificates made by openssl.


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return http_servers.certificates(tmp_path_factory.mktemp("tls"))


@pytest.mark.amtool
def test_tls_with_ca_file_and_server_name(alertmanager, tmp_path, certs):
    created = alertmanager.post(silence())
    with http_servers.reverse_proxy(alertmanager.url, None, http_servers.server_tls(certs)) as (url, _log):
        assert url.startswith("https://127.0.0.1:")
        good = f"tls_config:\n  ca_file: {certs['ca.pem']}\n  server_name: am.test\n"
        assert [
            item["id"] for item in client.silences(url, http_config.load(config_file(tmp_path, good)))
        ] == [created]
        insecure = http_config.load(config_file(tmp_path, "tls_config:\n  insecure_skip_verify: true\n"))
        assert [item["id"] for item in client.silences(url, insecure)] == [created]
        for text in (f"tls_config:\n  ca_file: {certs['ca.pem']}\n", "tls_config: {}\n"):
            with pytest.raises(
                client.HistoryUnavailableError
            ) as refused:  # no IP in the certificate / unknown CA
                client.silences(url, http_config.load(config_file(tmp_path, text)))
            assert refused.value.failures[0].reason == "unreachable"
            assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)


@pytest.mark.amtool
def test_tls_through_a_proxy_url_with_connect_headers(alertmanager, tmp_path, certs, monkeypatch):
    created = alertmanager.post(silence())
    with (
        http_servers.reverse_proxy(alertmanager.url, None, http_servers.server_tls(certs)) as (url, _log),
        http_servers.forward_proxy() as (proxy, log),
    ):
        text = (
            f"proxy_url: {proxy}\nproxy_connect_header:\n  X-Tenant: [a, b]\n"
            f"tls_config:\n  ca_file: {certs['ca.pem']}\n  server_name: am.test\n"
        )
        assert [
            item["id"] for item in client.silences(url, http_config.load(config_file(tmp_path, text)))
        ] == [created]
        monkeypatch.setenv("HTTPS_PROXY", proxy)  # loopback: never through an environment proxy
        insecure = http_config.parse("tls_config:\n  insecure_skip_verify: true\n")
        assert [item["id"] for item in client.silences(url, insecure)] == [created]
    [connect] = log
    assert (connect["method"], connect["path"]) == ("CONNECT", url.removeprefix("https://"))
    assert connect["headers"]["X-Tenant"] == "a, b"


@pytest.mark.amtool
def test_tls_client_certificate(alertmanager, tmp_path, certs):
    created = alertmanager.post(silence())
    tls = http_servers.server_tls(certs, client_certificate=True)
    base = f"tls_config:\n  ca_file: {certs['ca.pem']}\n  server_name: am.test\n"
    with http_servers.reverse_proxy(alertmanager.url, None, tls) as (url, _log):
        with_cert = base + f"  cert_file: {certs['client.pem']}\n  key_file: {certs['client.key']}\n"
        assert [
            item["id"] for item in client.silences(url, http_config.load(config_file(tmp_path, with_cert)))
        ] == [created]
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences(url, http_config.load(config_file(tmp_path, base)))
        assert refused.value.failures[0].reason == "unreachable"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("tls_config:\n  ca_file: /missing-ca.pem\n", "unable to load specified CA cert /missing-ca.pem"),
        ("tls_config:\n  cert_file: /c.pem\n", 'client cert file "/c.pem" specified without client key file'),
        ("tls_config:\n  key_file: /k.pem\n", 'client key file "/k.pem" specified without client cert file'),
        (
            "tls_config:\n  min_version: TLS13\n  max_version: TLS12\n",
            "max_version must be greater than or equal to",
        ),
    ],
)
def test_unusable_tls_files_fail_before_any_request(tmp_path, text, says):
    (tmp_path / "conf").mkdir()
    tmp_path = tmp_path / "conf"
    with pytest.raises(HttpConfigError, match=says):
        client.silences("https://127.0.0.1:9", http_config.load(config_file(tmp_path, text)))


# Several peers, and every way a listing fails.


@pytest.mark.amtool
def test_several_independent_alertmanagers_are_one_listing(alertmanager_binary, amtool, tmp_path):
    with (
        running(alertmanager_binary, tmp_path / "a") as first,
        running(alertmanager_binary, tmp_path / "b") as second,
    ):
        one, two = first.post(silence("A")), second.post(silence("B"))
        assert [item["id"] for item in client.silences([first.url, second.url])] == [one, two]
        closed = f"http://127.0.0.1:{http_servers.closed_port()}"
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences([first.url, closed, second.url])
        assert [(f.url, f.reason) for f in refused.value.failures] == [
            (f"{closed}/api/v2/silences", "unreachable")
        ]


@pytest.mark.amtool
def test_peers_of_one_cluster_list_each_silence_once_the_latest_copy(alertmanager_binary, amtool, tmp_path):
    with running(alertmanager_binary, tmp_path / "a", cluster=True) as first:
        assert first.cluster_address is not None
        with running(alertmanager_binary, tmp_path / "b", peers=[first.cluster_address]) as second:
            created = first.post(silence(hours=2))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(second.silences()) < 1:
                time.sleep(0.1)
            updated = {**silence(hours=3), "id": created, "startsAt": second.silences()[0]["startsAt"]}
            assert second.post(updated) == created  # updated in place on the second peer
            listed = client.silences([first.url, second.url])
    [only] = listed
    assert only["id"] == created
    assert datetime.fromisoformat(only["endsAt"]) == datetime.fromisoformat(updated["endsAt"])


@pytest.mark.parametrize(
    ("status", "body", "reason", "says"),
    [
        (500, b"boom\n", "http-status", "HTTP 500: boom"),
        (200, b"<html>not json</html>", "bad-json", "the answer is not JSON"),
        (200, b'{"silences": []}', "bad-json", "expected a JSON list of silences"),
        (200, b"[1, 2]", "bad-json", "expected a JSON list of silences"),
        (302, b"", "http-status", "HTTP 302"),  # a redirect without Location is the answer
    ],
)
def test_a_failed_listing_says_why_and_is_never_empty(status, body, reason, says):
    with (
        http_servers.canned(status, body) as (url, _log),
        pytest.raises(client.HistoryUnavailableError) as refused,
    ):
        client.silences(url)
    [failure] = refused.value.failures
    assert failure.reason == reason
    assert says in str(refused.value)


def test_an_unreachable_alertmanager():
    with pytest.raises(client.HistoryUnavailableError) as refused:
        client.silences(f"http://127.0.0.1:{http_servers.closed_port()}")
    assert refused.value.failures[0].reason == "unreachable"
    assert "Connection refused" in str(refused.value)


def test_the_timeout_bounds_the_whole_listing():
    with http_servers.black_hole() as url:
        began = time.monotonic()
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences([url, url], timeout=0.5)
        spent = time.monotonic() - began
    assert [f.reason for f in refused.value.failures] == ["timeout", "timeout"]
    assert 0.4 < spent < 3


# Redirects as Go follows them.


@pytest.mark.parametrize(
    ("code", "method_then", "body_kept"),
    [(302, "GET", False), (303, "GET", False), (307, "POST", True), (308, "POST", True)],
)
def test_redirects_as_go_follows_them(tmp_path, code, method_then, body_kept):
    def answer(handler, body):
        if handler.path.startswith("/moved"):
            return 200, b'{"silenceID": "x"}' if handler.command == "POST" else b"[]", {}
        return code, b"", {"Location": "/moved" + handler.path}

    config = http_config.load(config_file(tmp_path, "authorization:\n  credentials: t\n"))
    with http_servers.serve(answer) as (url, log):
        try:
            client.create(url, silence(), config)
        except client.BadResponseError:
            assert method_then == "GET"  # the list a GET gets is no silenceID, as amtool found too
    assert [(e["method"], e["path"], bool(e["body"])) for e in log] == [
        ("POST", "/api/v2/silences", True),
        (method_then, "/moved/api/v2/silences", body_kept),
    ]
    assert {e["headers"].get("Authorization") for e in log} == {"Bearer t"}


def test_redirects_are_not_followed_when_the_config_says_so(tmp_path):
    with http_servers.canned(307, b"", {"Location": "/elsewhere"}) as (url, log):
        for text in ("follow_redirects: false\n", "# an empty config does not follow either\n"):
            with pytest.raises(client.HistoryUnavailableError, match="HTTP 307"):
                client.silences(url, http_config.load(config_file(tmp_path, text)))
    assert len(log) == 2


def test_basic_auth_from_the_url_is_not_sent_to_another_host():
    with http_servers.canned(200, b"[]") as (target, target_log):
        elsewhere = target.replace("127.0.0.1", "localhost")
        with http_servers.canned(302, b"", {"Location": elsewhere + "/api/v2/silences"}) as (url, log):
            assert client.silences(url.replace("http://", "http://alice:s3cret@")) == []
    assert log[0]["headers"]["Authorization"] == BASIC
    assert "Authorization" not in target_log[0]["headers"]


# amtool's configuration files name the HTTP config and the timeout.


def test_amtool_yml_names_the_http_config_file_and_timeout(tmp_path):
    path = tmp_path / "amtool.yml"
    path.write_text("alertmanager.url: http://am:9093\nhttp.config.file: http.yml\ntimeout: 700ms\n")
    assert amtool_config.read([str(path)]) == amtool_config.AmtoolConfig(
        "http://am:9093", None, "http.yml", "700ms"
    )


def test_silence_check_accepts_amtools_http_flags(tmp_path, capsys):
    argv = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "--author=engineer-a@clipper.app"]
    path = config_file(tmp_path, "bearer_token: x\n")
    flags = [f"--http.config.file={path}", "--timeout=5s"]
    assert main(["silence", "check", "--policy", str(CLIPPER), *argv, *flags]) == 0
    assert capsys.readouterr().out.startswith("ACCEPTED")


def test_json_of_the_listing_keeps_repeated_keys_for_the_reader():
    body = b'[{"id": "a", "comment": "x", "Comment": "y"}]'
    with http_servers.canned(200, body) as (url, _log):
        [listed] = client.silences(url)
    assert listed.pairs == [("id", "a"), ("comment", "x"), ("Comment", "y")]
    assert json.loads(body)[0] == dict(listed)


def test_audit_expire_goes_on_past_a_silence_it_cannot_expire(capsys):
    """A violator listed without an id, or whose expiry fails, is said; the others are expired."""
    bad = {
        "matchers": [{"name": "alertname", "value": ".+", "isRegex": True, "isEqual": True}],
        "startsAt": "2030-12-01T10:00:00Z",
        "endsAt": "2030-12-30T10:00:00Z",
        "createdBy": "engineer-a@clipper.app",
        "comment": "too many alerts",
        "status": {"state": "active"},
    }
    listing = json.dumps([{**bad, "id": None}, {**bad, "id": "fails"}, {**bad, "id": "works"}]).encode()

    def answer(handler, _body):
        if handler.command == "GET":
            return 200, listing, {"Content-Type": "application/json"}
        return (500 if handler.path.endswith("/fails") else 200), b"", {}

    with http_servers.serve(answer) as (url, log):
        assert (
            main(["silence", "audit", "--policy", str(CLIPPER), "--alertmanager.url", url, "--expire"]) == 1
        )
    deleted = [entry["path"] for entry in log if entry["method"] == "DELETE"]
    assert deleted == ["/api/v2/silence/fails", "/api/v2/silence/works"]
    err = capsys.readouterr().err
    assert "cannot expire a silence the Alertmanager lists without an id" in err
    assert "could not expire fails" in err
    assert "expired works" in err
