"""What stops a text before it is parsed, on both of the loader's paths: its size, characters
no policy may hold (``characters``), and more nodes than ``bounds.MAX_NODES``.

The fast path declines any text that ``declines`` (a cheap test); the position-keeping path then
finds the same texts' ``problems``, placed.
"""

from __future__ import annotations

from typing import Any

from oncall_policy.load import bounds, characters, reading
from oncall_policy.load.bounds import MAX_BYTES
from oncall_policy.problems import Problem
from oncall_policy.rulebook import LOADER, Rule

TOO_LARGE = Rule(
    "too-large",
    LOADER,
    f"a document holds at most {bounds.MAX_NODES:,} nodes, counting what aliases expand to. A "
    "'billion laughs' of aliases, or a flow list of millions of items, is refused before it is built.",
)


def declines(text: str) -> bool:
    """Whether the text may be too large or hold a refused character (``problems`` says which)."""
    return len(text) > MAX_BYTES or characters.has_raw(text) or _may_hold_too_many(text)


def problems(text: str, path: str) -> list[Problem]:
    """What stops the text being parsed at all; empty when nothing does."""
    if len(text) > MAX_BYTES:
        return [reading.too_large(len(text), path, "characters")]
    if found := characters.raw_problems(text, path):
        return found
    if _may_hold_too_many(text) and (event := _event_past_the_cap(text)) is not None:
        return [too_many_nodes(path, event)]
    return []


def too_many_nodes(path: str, event: Any) -> Problem:
    """The problem of a document that passes the node cap at ``event``."""
    line, column = event.start_mark.line + 1, event.start_mark.column + 1
    message = (
        f"the document holds more than {bounds.MAX_NODES:,} nodes, or aliases multiply to that many "
        "(a 'billion laughs'?)"
    )
    return Problem(path, line, column, "", message, TOO_LARGE.id)


def _may_hold_too_many(text: str) -> bool:
    """Whether the text may hold more than a few times ``MAX_NODES``. Below that, the fast path's
    parser reads it in a second or so and counts exactly; above, no parser builds anything."""
    # ``node_bound`` counts characters of the text, so a shorter text needs no counting.
    return len(text) >= bounds.MAX_NODES and bounds.node_bound(text) > bounds.MAX_NODES


_NODE_EVENTS = frozenset(("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"))


def _event_past_the_cap(text: str) -> Any | None:
    """The event at which ``text`` passes ``MAX_NODES``, counted as the position-keeping path
    counts; ``None`` when it does not, or when building must decide: at an alias (which counts as
    what it expands to) or a syntax error.

    Counting events costs a quarter of building from them, so a flow list of millions of items
    is refused in about two seconds where building would take eight."""
    from ruamel.yaml import YAML  # noqa: PLC0415 - only for texts that may be too large
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    nodes = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            kind = type(event).__name__
            if kind == "AliasEvent":
                return None
            if kind in _NODE_EVENTS:
                nodes += 1
                if nodes > bounds.MAX_NODES:
                    return event
    except YAMLError:
        return None
    return None
