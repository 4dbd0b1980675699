"""What goes wrong with a policy file, as data: the loader and checks make these, the CLI prints them."""

from __future__ import annotations

from typing import NamedTuple

Location = tuple[str | int, ...]

# Named tuples rather than dataclasses: immutable and ordered alike, but a dataclass ``exec``s
# each method it generates, about 1 ms a class of the start-up every command pays.


class Problem(NamedTuple):
    """One problem at one place: yamllint's ``Problem`` with the field path added."""

    path: str
    line: int
    column: int
    where: str
    message: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}:{self.column}: [error] {where}{self.message} ({self.rule})"


class Finding(NamedTuple):
    """A semantic rule's complaint, before it is given a position in a file."""

    location: Location
    message: str
    rule: str


__all__ = ["Finding", "Location", "Problem", "dotted"]


def dotted(location: Location) -> str:
    """``("alerts", 3, "severity")`` → ``alerts[3].severity``; a key that holds a secret is
    named by what it looks like (``slots.<a PagerDuty routing key, not shown>``)."""
    from oncall_policy.leaks.redact import shown  # noqa: PLC0415 - only a problem pays for it

    text = ""
    for part in location:
        name = shown(part, quote=False)
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
    return text
