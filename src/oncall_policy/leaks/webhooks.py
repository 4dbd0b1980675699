"""Slack webhook URLs, in every spelling a URL parser reads as one.

A webhook URL is a secret: whoever has it can post to the channel. Parsers are lenient, so the
host is looked for as a parser would see it: in any case, with a trailing dot or a port, after
user information, with backslashes for slashes and tabs or line breaks dropped (WHATWG and
``urllib.parse`` do both), and the path with empty and dot segments resolved (``//services``,
``/./services``). Percent-escapes and full-width letters are undone before this
(``kinds.secret`` hands over the decoded text too).
"""

from __future__ import annotations

import re

WEBHOOK_URL = "a Slack webhook URL"

# hooks.slack.com and the GovSlack hooks.slack-gov.com, as a whole host name, then the path.
_HOST = re.compile(r"(?<![a-z0-9.-])hooks\.slack(?:-gov)?\.com\.?(?::[0-9]*)?(/[^\s?#]*)")
_PATHS = frozenset({"services", "workflows", "triggers"})
_AS_PARSED = str.maketrans(
    {
        "\t": None,
        "\n": None,
        "\r": None,
        "\\": "/",
        "\u3002": ".",  # IDNA's full stops: ideographic, full-width, half-width ideographic
        "\uff0e": ".",
        "\uff61": ".",
    }
)


def is_webhook(text: str) -> bool:
    """Whether ``text`` holds a Slack webhook URL (with or without its scheme)."""
    flat = text.lower().translate(_AS_PARSED)
    return "hooks" in flat and any(_webhook_path(m.group(1)) for m in _HOST.finditer(flat))


def _webhook_path(path: str) -> bool:
    """Whether the path, resolved, is a webhook's: under /services, /workflows or /triggers."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return len(segments) >= 2 and segments[0] in _PATHS
