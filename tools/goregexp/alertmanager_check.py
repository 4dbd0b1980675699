"""Spot-check of oncall_policy.matching against the real Alertmanager 0.25 (development only).

Starts Debian's prometheus-alertmanager on 127.0.0.1 (as the tests do) and, for each pattern:
posts a silence with it as an ``isRegex`` matcher to ``/api/v2/silences`` (a 400 must quote our
RegexpError word for word: the silences API validates the value as it is, ``regexp.Compile(v)``,
unanchored) and asks ``amtool config routes test`` whether a route with it as a regex matcher
takes each label value (Alertmanager's own matching, on ``^(?:v)$``).

    .venv/bin/python tools/goregexp/alertmanager_check.py
"""

# ruff: noqa: S310 - every URL here is http://127.0.0.1:<port> of the server this script starts
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.alertmanager_server import running

from oncall_policy.matching import engine
from oncall_policy.matching.regexp_errors import RegexpError
from oncall_policy.matching.syntax import parse

PATTERNS = [
    "(backend",
    r"\C",
    "(?<n>a)",
    "x**",
    "a{1001}",
    "a{2,1}",
    "[z-a]",
    "[[:foo:]]",
    r"\p{Foo}",
    r"\x{110000}",
    r"\8",
    "a\\",
    ")",
    "(?i",
    "(?P<>a)",
    "(?P=n)",
    "[a",
    "*",
    r"\Q\E*",
    "(?-)",
    "((a{100}){100})",
    "x{1,1001}",
    "(xx?){1000}" * 1000,
    "(" * 1000 + ")" * 1000,
    "a)b",
    "HighMemoryUsage|ServiceDown",
    r"api-(eu|us)-\d+",
    "[[:upper:]].*",
    "critical{,1}",
    r"(?i)highmemoryusage",
    r"\pL+",
    r"\p{Greek}",
    ".+",
    "[^a]",
    r"\d+",
    "(?i)k",
    "a)|(b",
    "é",
    r"(?s).",
    r"\Qa.b\E",
    "((a{1000}){0}){2}",
    "(?m)^b$",
    r"a\b",
    "x{2,3}",
    "",
]
VALUES = [
    "",
    "a",
    "b",
    "azzz",
    "zzzb",
    "A",
    "ServiceDown",
    "HighMemoryUsage",
    "api-eu-12",
    "api-eu-12x",
    "critical",
    "critical{,1}",
    "\n",
    "line\nbreak",
    "é",
    "αβ",
    "٣",
    "K",
    "\u212a",
    "a.b",
    "axb",
    "xx",
    "xxxx",
    "bb",
]


def post_silence(url: str, value: str) -> tuple[int, str]:
    matchers = [
        {"name": "alertname", "value": value, "isRegex": True},
        {"name": "env", "value": "x", "isRegex": False},
    ]
    body = {
        "matchers": matchers,
        "startsAt": "2030-01-01T00:00:00Z",
        "endsAt": "2030-01-01T01:00:00Z",
        "createdBy": "check",
        "comment": "spot-check",
    }
    request = urllib.request.Request(
        f"{url}/api/v2/silences",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def routes(amtool: str, workdir: Path, value: str, labels: list[str]) -> list[bool]:
    """Whether Alertmanager routes each label value to the route with ``x=~value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    config = {
        "route": {"receiver": "no", "routes": [{"receiver": "yes", "matchers": [f'x=~"{escaped}"']}]},
        "receivers": [{"name": "no"}, {"name": "yes"}],
    }
    (workdir / "routes.yml").write_text(json.dumps(config))
    answers = []
    for label in labels:
        command = [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={workdir / 'routes.yml'}",
            f"x={label}",
        ]
        out = subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
        answers.append(out == "yes")
    return answers


def ours(value: str, labels: list[str]) -> tuple[str | None, list[bool] | None]:
    """Our validation error for the value as the silences API reads it, and our matches of the
    anchored value (``None`` when Alertmanager would not compile it)."""
    try:
        parse(value)
        error = None
    except RegexpError as refused:
        error = str(refused)
    try:
        pattern = engine.compile(parse(f"^(?:{value})$"))
    except RegexpError:
        return error, None
    return error, [pattern.fullmatch(label) for label in labels]


def main() -> int:
    binary, amtool = shutil.which("prometheus-alertmanager"), shutil.which("amtool")
    if binary is None or amtool is None:
        print("prometheus-alertmanager and amtool are needed")
        return 2
    differences = checked_errors = checked_matches = 0
    with tempfile.TemporaryDirectory() as tmp, running(binary, Path(tmp) / "am") as server:
        for value in PATTERNS:
            error, matches = ours(value, VALUES)
            status, body = post_silence(server.url, value)
            message = json.loads(body) if status == 400 else body
            if (status == 400) != (error is not None) or (error is not None and error not in message):
                differences += 1
                print(f"DIFFERENT {value[:40]!r}: ours {error!r}, Alertmanager {status} {body[:200]}")
            checked_errors += 1
            labels = [label for label in VALUES if "\n" not in label]  # amtool takes no newline
            if matches is not None and "\n" not in value:
                theirs = routes(amtool, Path(tmp), value, labels)
                mine = [m for label, m in zip(VALUES, matches, strict=True) if "\n" not in label]
                checked_matches += len(labels)
                if mine != theirs:
                    differences += 1
                    print(f"DIFFERENT matching {value!r}: ours {mine}, Alertmanager {theirs}")
    print(
        f"{checked_errors} silences posted, {checked_matches} label values routed, {differences} differences"
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
