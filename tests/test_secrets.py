"""no-secrets: a secret is refused wherever and however it is written, said where it stands and
what it looks like, and never shown back, by that problem or any other, in any output format."""

from __future__ import annotations

import base64
import itertools
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.cli import main
from oncall_policy.errors import PolicyError
from oncall_policy.leaks import kinds, tokens, webhooks
from oncall_policy.load import no_secrets
from oncall_policy.problems import Problem
from tests.conftest import ROOT

MINIMAL = (Path(__file__).parent / "policies" / "minimal.yaml").read_text(encoding="utf-8")

# Made-up secrets of every shape (none is real: hence the noqa: S105).
HEX_KEY = "e93f0c5b2a7d4e6f8a9b1c2d3e4f5a6b"
UPPER_HEX_KEY = "E93F0C5B2A7D4E6F8A9B1C2D3E4F5A6B"
ROUTING_KEY = "R04KQ7ZP2M9XW1TB6HD3NF8JC5LVGSYE"
CAMEL_ROUTING_KEY = "R0a7c3e9f1b5d2e8c4a6f0b9d1e3c5a7"  # reads as CamelCase: no exemption
API_TOKEN = "y_NbAkKc66ryYTWUXYEu"  # noqa: S105 - the example token of PagerDuty's documentation
USER_API_TOKEN = "u+Dfz1sHpSa3yz6_5BFw"  # noqa: S105
WEBHOOK = "https://hooks.slack.com/services/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"
BOT_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"  # noqa: S105
USER_TOKEN = "xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef"  # noqa: S105
APP_TOKEN = "xapp-1-A0KLMNOPQRS-1234567890123-0a1b2c3d4e5f60718293a4b5c6d7e8f9"  # noqa: S105
REFRESH_TOKEN = "xoxe-1-My0xLTMxNzcwMjQ0MTcxMy01MTU4MTUyNjkxNzE0"  # noqa: S105
TOKENS = {
    "integration-key": (HEX_KEY, tokens.INTEGRATION_KEY),
    "upper-hex-key": (UPPER_HEX_KEY, tokens.INTEGRATION_KEY),
    "routing-key": (ROUTING_KEY, tokens.ROUTING_KEY),
    "camelcase-routing-key": (CAMEL_ROUTING_KEY, tokens.ROUTING_KEY),
    "api-token": (API_TOKEN, tokens.API_TOKEN),
    "user-api-token": (USER_API_TOKEN, tokens.API_TOKEN),
    "webhook": (WEBHOOK, webhooks.WEBHOOK_URL),
    "xoxb": (BOT_TOKEN, tokens.SLACK_TOKEN),
    "xoxp": (USER_TOKEN, tokens.SLACK_TOKEN),
    "xapp": (APP_TOKEN, tokens.SLACK_TOKEN),
    "xoxe": (REFRESH_TOKEN, tokens.SLACK_TOKEN),
}
# Every spelling of a webhook URL a URL parser reads as one.
PATH = "/services/T0AB12CD3/B0EF45GH6/Xy7Zq9Wv3Rt5Mn8Kp2Lj4Hg6"
WEBHOOK_SPELLINGS = {
    "port": f"https://hooks.slack.com:443{PATH}",
    "empty-port": f"https://hooks.slack.com:{PATH}",
    "trailing-dot": f"https://hooks.slack.com.{PATH}",
    "double-slash": f"https://hooks.slack.com/{PATH}",
    "dot-segment": f"https://hooks.slack.com/x/..{PATH}",
    "percent-path": f"https://hooks.slack.com/%73ervices{PATH[9:]}",
    "percent-host": f"https://hooks%2Eslack.com{PATH}",
    "double-percent": f"https://hooks.slack.com/%2573ervices{PATH[9:]}",
    "uppercase": f"HTTPS://HOOKS.SLACK.COM{PATH}",
    "slack-gov": f"https://hooks.slack-gov.com{PATH}",
    "userinfo": f"https://someone:pw@hooks.slack.com{PATH}",
    "backslashes": f"https:\\\\hooks.slack.com{PATH.replace('/', chr(92))}",
    "no-scheme": f"hooks.slack.com{PATH}",
    "http": f"http://hooks.slack.com{PATH}",
    "tab-in-host": f"https://hooks.sla\tck.com{PATH}",
    "full-width": "https://ｈｏｏｋｓ。ｓｌａｃｋ．ｃｏｍ" + PATH,
    "workflows": "https://hooks.slack.com/workflows/T0AB12CD3/A0EF45GH6/123456789012345678/Xy7Zq9Wv3Rt5",
    "triggers": "https://hooks.slack.com/triggers/T0AB12CD3/123456789012/0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "in-a-sentence": f"post to <{WEBHOOK}> when it fires",
}


def _hex_escaped(text: str) -> str:
    return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in text) + '"'


def _unicode_escaped(text: str) -> str:
    return '"' + "".join(f"\\u{ord(c):04x}" for c in text) + '"'


def _last_escaped(text: str) -> str:
    return '"' + _double_quoted(text[:-1]) + f'\\x{ord(text[-1]):02x}"'


def _line_broken(text: str) -> str:
    """An escaped line break in the middle: YAML joins the two halves with nothing between."""
    return '"' + _double_quoted(text[:9]) + "\\\n      " + _double_quoted(text[9:]) + '"'


def _double_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'" if "\t" not in text else '"' + _double_quoted(text) + '"'


SPELLINGS = {
    "quoted": _single_quoted,
    "hex-escapes": _hex_escaped,
    "unicode-escapes": _unicode_escaped,
    "last-escaped": _last_escaped,
    "escaped-line-break": _line_broken,
}
# Where a secret is written: (replaced, replacement with {s} for the spelling, field path, key?).
PLACES = {
    "value": (
        "    meaning: The service does not answer.\n",
        "    meaning: {s}\n",
        "alerts[0].meaning",
        False,
    ),
    "key": (
        "    carries: [service]\n",
        "    carries: [service]\n    labels:\n      {s}: x\n",
        "alerts[0].labels.",
        True,
    ),
    "nested-list": (
        "    carries: [service]\n",
        "    carries: [service, {s}]\n",
        "alerts[0].carries[1]",
        False,
    ),
    "unknown-field-key": ("version: oncall-policy/v1\n", "version: oncall-policy/v1\n{s}: 1\n", "", True),
    "deep-value": (
        "version: oncall-policy/v1\n",
        "version: oncall-policy/v1\nextra:\n  a:\n    - b: {s}\n",
        "extra.a[0].b",
        False,
    ),
}


class Case(NamedTuple):
    """A policy text with a secret written in it: where it stands (line, column, the field path
    the refusal names, a key as what it looks like) and whether it is a key."""

    text: str
    line: int
    column: int
    where: str
    key: bool


def _case(spelling: str, place: str) -> Case:
    """The minimal policy with ``spelling`` written at ``place``. A key on more than one line
    is written as YAML's explicit key (``? key`` then ``: value``)."""
    replaced, replacement, where, key = PLACES[place]
    if key and "\n" in spelling:
        indent = replacement.split("{s}")[0].rsplit("\n", 1)[-1]
        replacement = replacement.replace("{s}: ", f"? {{s}}\n{indent}: ")
    text = MINIMAL.replace(replaced, replacement.replace("{s}", spelling), 1)
    start = text.index(spelling)
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    return Case(text, line, column, where, key)


def _refused(text: str) -> list[Problem]:
    with pytest.raises(PolicyError) as raised:
        load_policy_text(text, "p.yaml")
    return raised.value.problems


def _assert_refused(case: Case, secret: str, spelling: str, kind: str) -> None:
    problems = _refused(case.text)
    refusals = [p for p in problems if p.rule == no_secrets.RULE.id]
    assert [(p.line, p.column) for p in refusals] == [(case.line, case.column)]
    hidden = f"<{kind}, not shown>"
    assert refusals[0].where == (case.where + hidden if case.key else case.where)
    what = "key" if case.key else "value"
    assert refusals[0].message.startswith(f"this {what} looks like {kind}; ")
    _assert_never_shown([str(p) for p in problems], secret, spelling)


def _assert_never_shown(outputs: list[str], secret: str, spelling: str) -> None:
    for output in outputs:
        assert secret not in output
        assert secret[len(secret) // 3 : len(secret) // 3 + 10] not in output
        assert spelling.strip('"') not in output


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@pytest.mark.parametrize("token", sorted(TOKENS))
def test_every_token_in_every_spelling_and_place_is_refused_unseen(token: str, spelling: str, place: str):
    secret, kind = TOKENS[token]
    written = SPELLINGS[spelling](secret)
    _assert_refused(_case(written, place), secret, written, kind)


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("variant", sorted(WEBHOOK_SPELLINGS))
def test_every_spelling_of_a_webhook_url_is_refused_unseen(variant: str, place: str):
    url = WEBHOOK_SPELLINGS[variant]
    written = _single_quoted(url) if variant != "tab-in-host" else _hex_escaped(url)
    _assert_refused(_case(written, place), url, written, webhooks.WEBHOOK_URL)


@pytest.mark.parametrize("place", ["value", "key"])
def test_a_webhook_url_with_an_escaped_dot_is_refused_unseen(place: str):
    """``hooks\\x2eslack.com``: YAML undoes the escape before the scan reads the value."""
    written = '"' + WEBHOOK.replace(".", "\\x2e") + '"'
    _assert_refused(_case(written, place), WEBHOOK, written, webhooks.WEBHOOK_URL)


BASE64 = {
    "standard": lambda raw: base64.b64encode(raw).decode(),
    "standard-unpadded": lambda raw: base64.b64encode(raw).decode().rstrip("="),
    "urlsafe": lambda raw: base64.urlsafe_b64encode(raw).decode(),
    "urlsafe-unpadded": lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("="),
    "twice": lambda raw: base64.b64encode(base64.b64encode(raw)).decode(),
    "after-a-word": lambda raw: "Basic " + base64.b64encode(b"user:" + raw).decode(),
}


@pytest.mark.parametrize("place", ["value", "key"])
@pytest.mark.parametrize("encoding", sorted(BASE64))
@pytest.mark.parametrize("token", sorted(TOKENS))
def test_base64_of_every_token_is_refused_unseen(token: str, encoding: str, place: str):
    secret, kind = TOKENS[token]
    encoded = BASE64[encoding](secret.encode())
    _assert_refused(_case(_single_quoted(encoded), place), encoded, encoded, f"base64 of {kind}")


# Base64 broken by whitespace, as a reader that drops it (``base64 -d``, ``--ignore-garbage``)
# still decodes it: the routing key's base64 split after 19 characters, and ``base64``'s own
# 76-character lines of a text that holds it.
BROKEN_KEY = "R0ABCDEFGHIJKLMNOPQRSTUVWXYZ1234"
BROKEN_HALVES = ("UjBBQkNERUZHSElKS0x", "NTk9QUVJTVFVWV1hZWjEyMzQ=")
BROKEN_LINES = (
    "IyBwYWdlcmR1dHkgZXZlbnRzIHYyIGZvciBjbGlwcGVyCnJvdXRpbmdfa2V5OiBSMEFCQ0RFRkdI",
    "SUpLTE1OT1BRUlNUVVZXWFlaMTIzNAo=",
)
BROKEN = {  # how each is written as the value of `meaning:`, then the value YAML reads
    "escaped-line-break": ('"{0}\\n{1}"', "{0}\n{1}"),
    "folded-blank-line": (">-\n      {0}\n\n      {1}\n", "{0}\n{1}"),
    "folded": (">-\n      {0}\n      {1}\n", "{0} {1}"),
    "literal-base64-lines": ("|\n      {0}\n      {1}\n", "{0}\n{1}\n"),
    "among-words": ("rotate {0} {1} monthly", "rotate {0} {1} monthly"),
}


def _broken(case: str) -> tuple[str, str]:
    written, read = BROKEN[case]
    halves = BROKEN_LINES if case.startswith("literal") else BROKEN_HALVES
    return written.format(*halves), read.format(*halves)


def test_the_broken_base64_is_the_keys():
    assert base64.b64decode("".join(BROKEN_HALVES)).decode() == BROKEN_KEY
    assert f"routing_key: {BROKEN_KEY}\n" in base64.b64decode("".join(BROKEN_LINES)).decode()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_base64_broken_by_whitespace_is_refused_unseen(case: str):
    written, read = _broken(case)
    assert kinds.secret(read) == kinds.Secret(tokens.ROUTING_KEY, encoded=True)
    text = MINIMAL.replace("    meaning: The service does not answer.\n", f"    meaning: {written}\n", 1)
    refusals = [p for p in _refused(text) if p.rule == no_secrets.RULE.id]
    line = text.count("\n", 0, text.index(written)) + 1
    assert [(p.line, p.column, p.where) for p in refusals] == [(line, 14, "alerts[0].meaning")]
    assert refusals[0].message.startswith(f"this value looks like base64 of {tokens.ROUTING_KEY}; ")


@pytest.mark.parametrize("output", ["text", "github", "json"])
@pytest.mark.parametrize("case", ["escaped-line-break", "folded-blank-line", "literal-base64-lines"])
def test_the_command_line_refuses_broken_base64_and_never_prints_it(tmp_path, capsys, case, output):
    written, _ = _broken(case)
    policy = tmp_path / "policy.yaml"
    text = MINIMAL.replace("    meaning: The service does not answer.\n", f"    meaning: {written}\n", 1)
    policy.write_text(text, encoding="utf-8")
    assert main(["check", "--format", output, str(policy)]) == 1
    printed = capsys.readouterr()
    assert f"{no_secrets.RULE.id}" in printed.out
    assert "alerts[0].meaning" in printed.out
    assert f"base64 of {tokens.ROUTING_KEY}" in printed.out
    halves = BROKEN_LINES if case.startswith("literal") else BROKEN_HALVES
    for shown in (printed.out, printed.err):
        assert BROKEN_KEY not in shown
        assert not any(half.rstrip("=") in shown for half in halves)


@pytest.mark.parametrize(
    "text",
    [
        "The service does not answer within the expected time window so page the owner",
        "UjBBQkNERUZHSElKS0x Tk9QUVJTVFVWV1hZWjEyMzQ=",  # a character lost: not the key's base64
        "Follow the runbook and\nescalate to the database team after fifteen minutes",
    ],
    ids=["prose", "misaligned", "prose-lines"],
)
def test_words_and_broken_runs_that_decode_to_no_secret_pass(text: str):
    assert kinds.secret(text) is None


# A secret used where something else is expected: the other problem must not show it either.
MISUSED = {
    "unknown-team": (
        [("  - {id: ann, name: Ann,", f"  - {{id: ann, team: '{HEX_KEY}', name: Ann,")],
        "people[0].team: unknown team <a PagerDuty integration key, not shown>; defined: none are defined",
    ),
    "defined-id": (
        [
            ("  - id: engineer\n", f"  - id: engineer\n  - id: '{HEX_KEY}'\n"),
            ("roles: [engineer]}\n  - {id: bob", "roles: [engineerx]}\n  - {id: bob"),
        ],
        "people[0].roles[0]: unknown role 'engineerx'; defined: <a PagerDuty integration key, not shown>, engineer, manager",
    ),
    "duration": (
        [("    response_time: 4h\n", f"    response_time: '{ROUTING_KEY}'\n")],
        "severities[1].response_time: not a valid duration: <a PagerDuty routing key, not shown>",
    ),
    "pattern": (
        [("  - id: engineer\n", f"  - id: '{WEBHOOK}'\n")],
        "roles[0].id: <a Slack webhook URL, not shown> is not",
    ),
    "version": (
        [("version: oncall-policy/v1\n", f"version: '{BOT_TOKEN}'\n")],
        "version: version is <a Slack token, not shown>; this oncall-policy reads",
    ),
    "unknown-field": (
        [("    name: Weekly\n", f"    name: Weekly\n    '{API_TOKEN}': 1\n")],
        "rotations[0].<a PagerDuty REST API token, not shown>: unknown field <a PagerDuty REST API token, not shown>",
    ),
    "duplicate-key": (
        [
            (
                "    carries: [service]\n",
                f"    carries: [service]\n    labels: {{'{HEX_KEY}': a, '{HEX_KEY}': b}}\n",
            )
        ],
        "alerts[0].labels.<a PagerDuty integration key, not shown>: duplicate key '<a PagerDuty integration key, not shown>'",
    ),
    "slot": (
        [
            ("      secondary: {role: engineer}\n", f"      '{ROUTING_KEY}': {{role: engineer}}\n"),
            ("{primary: ann, secondary: bob}", f"{{primary: ann, '{ROUTING_KEY}': bob}}"),
            ("{primary: bob, secondary: ann}", "{primary: bob}"),
        ],
        "rotations[0].turns[1]: turn 2 does not fill slot <a PagerDuty routing key, not shown>",
    ),
}


@pytest.mark.parametrize("case", sorted(MISUSED))
def test_no_other_problem_shows_a_refused_value(case: str):
    edits, expected = MISUSED[case]
    text = MINIMAL
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    problems = [str(p) for p in _refused(text)]
    assert any(expected in p for p in problems), problems
    assert any(f"({no_secrets.RULE.id})" in p for p in problems)
    for secret in (HEX_KEY, ROUTING_KEY, WEBHOOK, BOT_TOKEN, API_TOKEN):
        _assert_never_shown(problems, secret, secret)


@pytest.mark.parametrize("output", ["text", "github", "json"])
@pytest.mark.parametrize(
    ("secret", "written"),
    [
        (HEX_KEY, _hex_escaped(HEX_KEY)),
        (WEBHOOK, _line_broken(WEBHOOK)),
        (ROUTING_KEY, _unicode_escaped(ROUTING_KEY)),
    ],
    ids=["hex-escaped-key", "broken-webhook", "unicode-escaped-routing-key"],
)
def test_the_command_line_never_prints_a_secret(tmp_path, capsys, output: str, secret: str, written: str):
    text = MINIMAL.replace("    meaning: The service does not answer.\n", f"    meaning: {written}\n")
    text = text.replace("  - {id: ann, name: Ann,", f"  - {{id: ann, team: {written}, name: Ann,")
    text = text.replace("    response_time: 4h\n", f"    response_time: {written}\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    assert main(["check", "--format", output, str(policy)]) == 1
    printed = capsys.readouterr()
    assert f"{no_secrets.RULE.id}" in printed.out
    assert "alerts[0].meaning" in printed.out
    _assert_never_shown([printed.out, printed.err], secret, written)


# The alphabets a routing key is written in: PagerDuty's own (upper case and digits) and any other.
_ROUTING_ALPHABETS = st.sampled_from(
    [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "0123456789abcdef",
    ]
)
random_routing_keys = _ROUTING_ALPHABETS.flatmap(
    lambda alphabet: st.text(alphabet, min_size=30, max_size=30)
).map(lambda rest: "R0" + rest)
random_integration_keys = st.text("0123456789abcdef", min_size=32, max_size=32) | st.text(
    "0123456789ABCDEF", min_size=32, max_size=32
)


@given(
    key=random_routing_keys | random_integration_keys, before=st.sampled_from(["", "key ", "x=", "'", "/"])
)
def test_a_random_events_api_key_is_always_refused(key: str, before: str):
    """Whatever its characters, 32 hex digits, or R0 and 30 letters and digits, standing alone
    in any value or key is refused as a PagerDuty key: no exemption a random key can meet."""
    found = kinds.secret(before + key)
    assert found is not None
    assert found.kind in (tokens.ROUTING_KEY, tokens.INTEGRATION_KEY)
    refused = list(no_secrets.scan({"alerts": [{"meaning": before + key, "labels": {key: "x"}}]}))
    assert [(r.location, r.key) for r in refused] == [
        (("alerts", 0, "meaning"), False),
        (("alerts", 0, "labels", key), True),
    ]


@given(
    rest=st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-", min_size=18, max_size=18
    )
)
def test_a_random_user_api_token_is_always_refused(rest: str):
    """A user's REST API token, ``u+`` and 18 characters of the token alphabet (not all lower
    case), is refused whatever follows the ``u+``."""
    token = "u+" + rest
    if rest.islower():
        return
    assert kinds.secret(token) == kinds.Secret(tokens.API_TOKEN)


def test_the_examples_hold_no_secret(example_policy: Path):
    load_policy_text(example_policy.read_text(encoding="utf-8"), str(example_policy))


def test_the_benchmark_policy_holds_no_secret():
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_policy.py"), "2000"],
        capture_output=True,
        check=True,
        text=True,
    )
    load_policy_text(made.stdout, "policy-2000.yaml")


def test_names_are_not_taken_for_tokens():
    """Long CamelCase and snake_case names, as alert and label names are, pass (measured over a
    public catalog of Prometheus alerts, the examples and the benchmark policy)."""
    names = [
        "SLOAvailabilityBreachOfTheCoreApi",
        "KubeDeploymentReplicasMismatch00",
        "kubernetes_namespace",
        "integration_key_file",
        "ifHCOutBroadcastPkts",
        "PrometheusJobMissing",
        "bookie_SERVER_STATUS",
        "Synthetic00000Alert",
        "ApiServerLatency99th",
        "xoxb-your-token-here",
        "https://hooks.slack.com/services/",
        "https://example.com/services/T0/B0/x",
        "https://nothooks.slack.com/services/T0/B0/x",
    ]
    assert [name for name in names if kinds.secret(name) is not None] == []


_SECRET_TEXTS = st.sampled_from([secret for secret, _ in TOKENS.values()] + list(WEBHOOK_SPELLINGS.values()))
_AROUND = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
_SPACES = st.sampled_from([" ", "\n", "\n\n", "\t", "\r\n", " \n  "])
_AROUND_WORDS = st.sampled_from([("", ""), ("key ", ""), ("", " rotated"), ("rotate it ", " monthly")])


def _broken_base64(secret: str, cuts: list[int], space: str, around: tuple[str, str]) -> str:
    """The base64 of ``secret``, unpadded or not, broken by ``space`` at ``cuts``, amid words."""
    encoded = base64.b64encode(secret.encode()).decode()
    encoded = encoded.rstrip("=") if len(cuts) % 2 else encoded
    pieces = [encoded[a:b] for a, b in itertools.pairwise([0, *sorted(set(cuts)), len(encoded)])]
    return around[0] + space.join(piece for piece in pieces if piece) + around[1]


texts_that_may_hold_secrets = st.one_of(
    st.text(max_size=40),
    st.builds(lambda before, secret, after: before + secret + after, _AROUND, _SECRET_TEXTS, _AROUND),
    st.builds(lambda secret: base64.b64encode(secret.encode()).decode(), _SECRET_TEXTS),
    st.builds(
        _broken_base64, _SECRET_TEXTS, st.lists(st.integers(1, 60), max_size=3), _SPACES, _AROUND_WORDS
    ),
    st.builds(lambda secret, at: secret[:at] + "\t" + secret[at:], _SECRET_TEXTS, st.integers(0, 30)),
    st.builds(lambda secret: secret.replace("s", "%73").replace(".", "%2E"), _SECRET_TEXTS),
)


@given(
    values=st.lists(texts_that_may_hold_secrets, max_size=8),
    keys=st.lists(texts_that_may_hold_secrets, max_size=4),
)
def test_the_prefilter_never_hides_a_secret(values: list[str], keys: list[str]):
    """The scan of a whole document refuses exactly the strings that hold a secret, one by one:
    the C-speed look over the joined document lets none through, base64 broken by whitespace
    among them."""
    data = {"values": values, "keys": dict.fromkeys(keys, "x")}
    expected = {("values", i) for i, text in enumerate(values) if kinds.secret(text)}
    expected |= {("keys", key) for key in dict.fromkeys(keys) if kinds.secret(key)}
    assert {r.location for r in no_secrets.scan(data)} == expected


# The stretches of base64's alphabet with whitespace between, as first written: matched from any
# place, each piece backtracked into (quadratic in a long run without whitespace, red team).
_SPACED_AS_WRITTEN = r"[A-Za-z0-9+/_-]+(?:[ \t\n\r\f\v\x85\u2028\u2029]+[A-Za-z0-9+/_-]+)+"


@given(st.text(alphabet="aZ9+/_- \t\n\u2028x.\u00e9", max_size=60))
def test_the_spaced_runs_are_found_as_first_written(text: str):
    import re  # noqa: PLC0415 - the reference only

    assert kinds._SPACED.findall(text) == re.findall(_SPACED_AS_WRITTEN, text)


LONG = "ab" * 125_000


@pytest.mark.parametrize(
    ("value", "found"),
    [(LONG, []), (f"{LONG} x", [f"{LONG} x"]), (f"{LONG} {LONG}\n{LONG} ", [f"{LONG} {LONG}\n{LONG}"])],
)
def test_a_long_run_is_searched_in_one_pass(value: str, found: list[str]):
    """Tried at every place of a run, 40,000 letters took 46 s, 250,000 over 100 s (red team)."""
    assert kinds._SPACED.findall(value) == found


def test_a_policy_with_a_long_run_in_a_value_is_checked(tmp_path):
    text = (ROOT / "policy.yaml").read_text(encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace('meaning: "', f'meaning: "{"a" * 100_000} ', 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "check", str(policy)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in {0, 1}, done.stderr[-2000:]
