"""The words of ``silence check|add``, read by hand: the command typed during an incident never
imports argparse (with gettext and locale, about 8 ms of its start-up).

Only what is plainly readable is read here: the known options, as ``--name=value``,
``--name value`` or (short ones) ``-dVALUE``, ``-d=VALUE``, ``-d VALUE``, a value never starting
with ``-``, and matchers. Anything else — an unknown or abbreviated option, ``--help``, ``--``, a
value that looks like an option, an unknown ``--format`` — gives None, and the caller lets
argparse (``cli.silence``) read the words, with its errors and help. Wherever this answers, it
answers what argparse would: a property test holds the two equal.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

# Option → (attribute, repeatable). The same options as ``cli.silence._parser`` (argparse).
OPTIONS: dict[str, tuple[str, bool]] = {
    "--policy": ("policy", False),
    "--format": ("format", False),
    "--approved-by": ("approved_by", True),
    "--maintenance": ("maintenance", False),
    "--peer": ("peer", True),
    "-d": ("duration", False),
    "--duration": ("duration", False),
    "--start": ("start", False),
    "--end": ("end", False),
    "-c": ("comment", False),
    "--comment": ("comment", False),
    "-a": ("author", False),
    "--author": ("author", False),
    "--alertmanager.url": ("alertmanager_url", False),
    "--http.config.file": ("http_config_file", False),
    "--timeout": ("timeout", False),
    "--max-response-size": ("max_response_size", False),
    "--tenant": ("tenant", False),
}
FORMATS = ("text", "json")


class Options:
    """The options of ``silence check|add``, with argparse's defaults."""

    __slots__ = (
        "alertmanager_url",
        "approved_by",
        "author",
        "comment",
        "duration",
        "end",
        "format",
        "http_config_file",
        "maintenance",
        "matchers",
        "max_response_size",
        "peer",
        "policy",
        "start",
        "tenant",
        "timeout",
    )

    def __init__(self, **given: object) -> None:
        self.policy = "policy.yaml"
        self.format = "text"
        self.approved_by: list[str] = []
        self.maintenance: str | None = None
        self.peer: list[str] = []
        self.duration: str | None = None  # None: amtool's configuration, else 1h
        self.start: str | None = None
        self.end: str | None = None
        self.comment: str | None = None
        self.author = ""
        self.alertmanager_url: str | None = None
        self.http_config_file: str | None = None
        self.timeout: str | None = None
        self.max_response_size: str | None = None
        self.tenant: str | None = None
        self.matchers: list[str] = []
        for name, value in given.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def parse(words: Sequence[str]) -> Options | None:
    """The options the words give, or None when argparse should read them (see the docstring)."""
    options = Options()
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":  # argparse's intermixed reading treats it in ways of its own
            return None
        if not word.startswith("-"):
            options.matchers.append(word)
            index += 1
            continue
        option, value, index = _option(words, index)
        if option is None or value is None or value.startswith("-"):
            return None
        if option == "--format" and value not in FORMATS:  # argparse checks each one given
            return None
        name, repeatable = OPTIONS[option]
        if repeatable:
            getattr(options, name).append(value)
        else:
            setattr(options, name, value)
    return options


def _option(words: Sequence[str], index: int) -> tuple[str | None, str | None, int]:
    """The option at ``index``, its value, and the index after them (None: not readable here)."""
    word = words[index]
    option, equals, value = word.partition("=")
    if equals and option in OPTIONS:  # --comment=… and, as argparse reads it, -c=…
        return option, value, index + 1
    if word.startswith("--"):
        option = word
    elif len(word) > 2:  # -dVALUE
        option = word[:2]
        return (option if option in OPTIONS else None), word[2:], index + 1
    else:
        option = word
    if option not in OPTIONS or index + 1 >= len(words):
        return None, None, index + 1
    return option, words[index + 1], index + 2
