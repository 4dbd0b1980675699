"""The fast path: a Rust YAML parser with no positions, taken only for text it reads as we do.

Positions are needed only when there is a problem to report, so a policy is parsed here first
and handed to the position-keeping path (``nodes``) whenever anything is wrong. This path declines
text in which YAML features we refuse or treat specially might appear (anchors, tags, merge keys,
directives, YAML 1.1 look-alikes such as ``on`` or ``09:00``); the scan is conservative, so a
decline costs only time. A property test holds both paths to the same model for every input.
"""

from __future__ import annotations

import re
from typing import Any

# A scalar is "plain" here when it sits right after a YAML indicator and runs to one.
_START = r"(?:^|[\[{,]|[:?-][ \t])[ \t]*"
_END = r"[ \t]*(?:$|[\]},#]|:[ \t]|:$)"
_YAML11_WORDS = r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)"
_SEXAGESIMAL = r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
_OCTAL_OR_UNDERSCORED = r"[-+]?(?:0[0-9_]+|[0-9]+_[0-9_]*|0b[01_]+)(?:\.[0-9_]*)?"
_DECLINE = re.compile(
    rf"{_START}(?:{_YAML11_WORDS}|{_SEXAGESIMAL}|{_OCTAL_OR_UNDERSCORED}){_END}"
    r"|(?:^[ \t]*|[:?-][ \t]+|[\[{,][ \t]*)[&*!|>]"  # anchors, aliases, tags, block scalars
    r"|<<|^%|^---|^\.\.\.|\t|\r",  # merge keys, directives, documents, tabs, CR line ends
    re.MULTILINE,
)


def parse(text: str) -> Any | None:
    """The parsed document, or ``None`` when this path declines or the parser refuses the text."""
    if _DECLINE.search(text):
        return None
    import yaml_rs  # noqa: PLC0415 - only the loader pays for it

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any refusal is reported by the position-keeping path
        return None
    return data if isinstance(data, dict) else None
