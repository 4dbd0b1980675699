"""The secrets that are tokens, known by their shape: PagerDuty Events API keys, PagerDuty REST
API tokens and Slack tokens.

The shapes follow what PagerDuty and Slack issue and what gitleaks and trufflehog look for. A
key of a known form (32 hexadecimal digits; R0 and 30 more letters and digits) is refused
whatever it spells. A token of a looser form (20 characters of a REST API token's alphabet; 32
letters and digits) is refused when its characters change case and run into digits as random
text does, not as names do, so that alert and label names such as
``SLOAvailabilityBreachOfTheCoreApi`` or ``kubernetes_namespace`` stay allowed.
"""

from __future__ import annotations

import re

INTEGRATION_KEY = "a PagerDuty integration key"
ROUTING_KEY = "a PagerDuty routing key"
API_TOKEN = "a PagerDuty REST API token"  # noqa: S105 - the name of a kind, not a token
SLACK_TOKEN = "a Slack token"  # noqa: S105 - likewise

# 32 letters and digits standing alone: the Events API's routing_key. A service integration's
# key is hexadecimal; a ruleset's or a global event orchestration's starts with R0.
_KEY = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])")
_HEX_DIGITS = "0123456789abcdefABCDEF"
# 20 characters of the REST API's token alphabet standing alone: y_NbAkKc66ryYTWUXYEu (the one
# in PagerDuty's documentation), or a user's token, which starts with a letter and a plus (u+).
_API = re.compile(r"(?<![A-Za-z0-9_+-])[A-Za-z0-9_+-]{20}(?![A-Za-z0-9_+-])")
# xoxb- (bot), xoxp- (user), xoxa-, xoxr-, xoxs-, xoxo-, xoxe- (and xoxe.xoxp-), xapp- (app
# level), in any case, then eight characters or more with a digit among them: every Slack token
# carries its workspace's number, and placeholders such as xoxb-your-token-here do not. Matched
# in the text made lower-case (a case-blind pattern takes twice as long to compile).
_SLACK = re.compile(r"(?<![a-z0-9])(?:xox[a-z]|xapp)-(?=[a-z0-9-]{8})[a-z-]*[0-9]")
_PARTS = str.maketrans("+-", "__")
_CLASSES = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "U" * 26 + "L" * 26 + "D" * 10
)
# How much likelier random text makes each step from a character of one class to the next
# (Upper, Lower, Digit) than names do: the natural log of the ratio of the step's frequency in
# random letters and digits to its frequency in the mixed-case names of awesome-prometheus-alerts'
# ~500 rules. Names run on in lower case after a capital (UL, LL); random text keeps changing
# case and running into digits. Over a sample of random tokens, a mean above 0 refuses 98% of
# 20-character ones and 99.9% of 32-character ones; of those names, it refuses none that could
# stand as such a token (it would refuse HTTP5xxErrorRateHigh: acronyms run into digits).
_STEP = {"UU": 0.7, "UL": -0.6, "UD": 2.8, "LU": 1.7, "LL": -0.8, "LD": 3.5, "DU": 0.0, "DL": 0.7, "DD": -0.9}
_JUDGED = 6  # shorter parts (iOS, gRPC, MiB) are too short to tell


def kind(text: str) -> str | None:
    """The kind of token ``text`` holds (``INTEGRATION_KEY`` and so on), or ``None``. A Slack
    token is named first: its last part may be 32 hexadecimal digits."""
    if _SLACK.search(text.lower()):
        return SLACK_TOKEN
    for match in _KEY.finditer(text):
        found = _key(match.group())
        if found is not None:
            return found
    return API_TOKEN if any(_api_token(match.group()) for match in _API.finditer(text)) else None


def _key(word: str) -> str | None:
    if not word.strip(_HEX_DIGITS):
        return INTEGRATION_KEY
    if word.startswith("R0"):
        return ROUTING_KEY
    return INTEGRATION_KEY if looks_random(word) else None


def _api_token(word: str) -> bool:
    if word[0].islower() and word[1] == "+":  # u+...: a user's token
        return not word[2:].islower()
    return looks_random(word)


def looks_random(text: str) -> bool:
    """Whether a part of ``text`` between ``_``, ``+`` and ``-``, long enough to tell and in
    both cases, steps between upper case, lower case and digits as random text does."""
    for part in text.translate(_PARTS).split("_"):
        if len(part) < _JUDGED or part.islower() or part.isupper():
            continue
        classes = part.translate(_CLASSES)
        if sum(_STEP[classes[i : i + 2]] for i in range(len(classes) - 1)) > 0:
            return True
    return False
