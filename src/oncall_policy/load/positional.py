"""The position-keeping path: libyaml's events (through ruamel.yaml) into plain data and a map
from every field path to its line and column.

Building from events rather than through a constructor lets us refuse, with a position, what a
policy file must not contain: duplicate keys, tags, YAML 1.1 look-alikes, integers beyond 64 bits,
control characters (raw, or made by escapes), aliases that expand without bound, nesting without
bound, and more than one document.
"""

from __future__ import annotations

from typing import Any

from oncall_policy.load import bounds, characters, precheck
from oncall_policy.load.lines import text_position
from oncall_policy.load.scalars import (
    NUMBER_TOO_LARGE,
    YAML11_TRAP,
    integer_problem,
    resolve_plain,
    yaml11_trap,
)
from oncall_policy.problems import Location, Problem, dotted
from oncall_policy.rulebook import LOADER, Rule

Position = tuple[int, int]

YAML_SYNTAX = Rule(
    "yaml-syntax",
    LOADER,
    "the file is YAML. A syntax error, or an alias that refers to no anchor, is reported where the "
    "parser stops reading.",
)
YAML_TAG = Rule(
    "yaml-tag",
    LOADER,
    "no node carries a YAML tag. A tag (``!!str``, ``!custom``) makes a value mean what one reader "
    "makes of it; a policy means the same to every reader.",
)
DUPLICATE_KEY = Rule(
    "duplicate-key",
    LOADER,
    "a mapping holds each key once. YAML readers disagree on which of two values counts; the first "
    "stands here, and the second is refused.",
)
MERGE_KEY = Rule(
    "merge-key",
    LOADER,
    "no mapping holds a merge key (a plain ``<<``). YAML 1.1 readers (PyYAML, yq, Go's yaml) merge "
    "the mapping it names into the one that holds it; YAML 1.2 readers keep ``<<`` as a key. A file "
    "means the same to every reader: write the fields out.",
)
MULTIPLE_DOCUMENTS = Rule(
    "multiple-documents",
    LOADER,
    "a file holds one YAML document. Some readers would read only the first of several, others all.",
)
TOO_DEEP = Rule(
    "too-deep",
    LOADER,
    f"collections nest at most {bounds.MAX_DEPTH} levels deep. No policy needs more, and every "
    "reader pays for the depth.",
)
COMPLEX_KEY = Rule(
    "complex-key",
    LOADER,
    "a mapping key is a plain string. A collection as a key means nothing in a policy, and most "
    "readers cannot hold one.",
)


class Document:
    """Plain data, where each part of it stands in the file, and what is wrong with the file."""

    def __init__(
        self,
        path: str,
        data: Any = None,
        *,
        values: dict[Location, Position] | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self.values: dict[Location, Position] = {} if values is None else values
        self.keys: dict[Location, Position] = {}
        self.problems: list[Problem] = [] if problems is None else problems

    def position(self, location: Location, *, key: bool = False) -> Position:
        """The nearest recorded position: the key itself, its value, or an enclosing node."""
        for end in range(len(location), -1, -1):
            prefix = location[:end]
            if key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(self, location: Location, message: str, rule: str, *, key: bool = False) -> None:
        line, column = self.position(location, key=key)
        self.problems.append(Problem(self.path, line, column, dotted(location), message, rule))

    def has_problems(self) -> bool:
        return bool(self.problems)

    def finish(self) -> list[Problem]:
        """Every problem, placed."""
        return self.problems


class _FatalError(Exception):
    """Stop reading: the rest of the file cannot be trusted or would cost too much."""


class _Collection:
    def __init__(
        self, location: Location, value: dict[Any, Any] | list[Any], anchor: str | None, start_nodes: int
    ) -> None:
        self.location = location
        self.value = value
        self.anchor = anchor
        self.start_nodes = start_nodes
        self.pending_key: Any = None
        self.has_key = False
        self.first_seen: dict[Any, Position] = {}


class _Builder:
    def __init__(self, document: Document, *, escapes: bool) -> None:
        self.doc = document
        self.stack: list[_Collection] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.documents = 0
        self.escapes = escapes

    def feed(self, event: Any) -> None:
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                self._fatal_at(
                    event, "more than one YAML document; a policy is one document", MULTIPLE_DOCUMENTS.id
                )
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            self._check_tag(event)
            self._open(event, {} if kind == "MappingStartEvent" else [])
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            self._close()
        elif kind == "ScalarEvent":
            self._check_tag(event)
            self._scalar(event)
        elif kind == "AliasEvent":
            self._alias(event)

    def _mark(self, event: Any) -> Position:
        return (event.start_mark.line + 1, event.start_mark.column + 1)

    def _report(self, event: Any, message: str, rule: str, location: Location = ()) -> None:
        line, column = self._mark(event)
        self.doc.problems.append(Problem(self.doc.path, line, column, dotted(location), message, rule))

    def _fatal_at(self, event: Any, message: str, rule: str) -> None:
        self._report(event, message, rule)
        raise _FatalError

    def _check_tag(self, event: Any) -> None:
        if event.tag is not None and not (type(event).__name__ == "ScalarEvent" and event.tag == "!"):
            message = f"YAML tag {event.tag!r} is not allowed in a policy; remove it"
            self._report(event, message, YAML_TAG.id, self._child_location())

    def _child_location(self) -> Location:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.location, len(top.value))
        return (*top.location, top.pending_key) if top.has_key else top.location

    def _count(self, event: Any, amount: int = 1) -> None:
        self.nodes += amount
        if self.nodes > bounds.MAX_NODES:
            self.doc.problems.append(precheck.too_many_nodes(self.doc.path, event))
            raise _FatalError

    def _open(self, event: Any, value: dict[Any, Any] | list[Any]) -> None:
        self._count(event)
        if len(self.stack) >= bounds.MAX_DEPTH:
            self._fatal_at(event, f"nested more than {bounds.MAX_DEPTH} levels deep", TOO_DEEP.id)
        location = self._child_location()
        if self._is_key_slot():
            self._fatal_at(event, "a mapping key must be a plain string, not a collection", COMPLEX_KEY.id)
        self.doc.values[location] = self._mark(event)
        self.stack.append(_Collection(location, value, event.anchor, self.nodes))

    def _close(self) -> None:
        done = self.stack.pop()
        if done.anchor is not None:
            self.anchors[done.anchor] = (done.value, self.nodes - done.start_nodes + 1)
        self._place(done.value, None)

    def _is_key_slot(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].value, dict) and not self.stack[-1].has_key

    def _scalar(self, event: Any) -> None:
        self._count(event)
        plain = event.style in ("", None) and event.tag is None
        value: Any = resolve_plain(event.value) if plain else event.value
        if plain and (trap := yaml11_trap(event.value)) is not None:
            self._report(event, trap, YAML11_TRAP.id, self._child_location())
        if plain and (huge := integer_problem(event.value)) is not None:
            self._report(event, huge, NUMBER_TOO_LARGE.id, self._child_location())
        if self.escapes:
            self._check_characters(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self._place(value, event)

    def _check_characters(self, event: Any) -> None:
        """Control characters in a key, or made by an escape in a value: the text was checked for
        raw ones before parsing, and only a double-quoted scalar reads escapes (TAB and LF, which
        values may hold, can stand raw in a key)."""
        key = self._is_key_slot()
        if key or event.style == '"':
            problem = characters.value_problem(event.value, key=key)
            if problem is not None:
                location = (*self.stack[-1].location, event.value) if key else self._child_location()
                self._report(event, problem, characters.CONTROL_CHARACTER.id, location)

    def _alias(self, event: Any) -> None:
        if event.anchor not in self.anchors:
            self._fatal_at(event, f"alias *{event.anchor} refers to no anchor", YAML_SYNTAX.id)
        value, size = self.anchors[event.anchor]
        self._count(event, size)
        self._place(value, event)

    def _place(self, value: Any, event: Any | None) -> None:
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            if event is not None:
                self.doc.values[(*top.location, len(top.value))] = self._mark(event)
            top.value.append(value)
        elif not top.has_key:
            self._key(top, value, event)
        else:
            top.has_key = False
            if top.pending_key in top.value:
                return  # a duplicate: the first value stands, and has been reported
            if event is not None:
                self.doc.values[(*top.location, top.pending_key)] = self._mark(event)
            top.value[top.pending_key] = value

    def _key(self, top: _Collection, key: Any, event: Any) -> None:
        if not isinstance(key, str | int | float | bool) and key is not None:
            self._fatal_at(event, "a mapping key must be a plain string", COMPLEX_KEY.id)
        position = self._mark(event)
        location = (*top.location, key)
        if key == "<<" and not getattr(event, "style", "x"):  # plain ('' from libyaml): quoted, a key
            message = (
                "a merge key (<<) means one thing to YAML 1.1 readers and another to YAML 1.2 "
                "ones; write the fields out"
            )
            self._report(event, message, MERGE_KEY.id, location)
        if key in top.first_seen:
            first_line = top.first_seen[key][0]
            message = f"duplicate key {key!r} (first at line {first_line}); keep one"
            self._report(event, message, DUPLICATE_KEY.id, location)
        else:
            top.first_seen[key] = position
            self.doc.keys[location] = position
        top.pending_key, top.has_key = key, True


def read(text: str, path: str, *, escapes: bool = True) -> Document:
    """Parse ``text`` into a ``Document``; syntax errors become problems, never exceptions.

    libyaml (C, through ruamel.yaml) reads the text first: it is many times faster on large
    files. It is a YAML 1.1 parser and refuses some YAML 1.2 (a plain URL in a flow mapping), so
    when it refuses the text, ruamel.yaml's own YAML 1.2 parser has the last word.

    Characters ``characters`` refuses are refused raw in any document; ``escapes=False`` lets
    those made by escapes in values through (a reader with rules of its own judges them).
    """
    refused = precheck.problems(text, path)
    if refused:
        return Document(path, problems=refused)
    document = _read_with(text, path, pure=False, escapes=escapes)
    if any(problem.rule == YAML_SYNTAX.id for problem in document.problems):
        document = _read_with(text, path, pure=True, escapes=escapes)
    return document


def _read_with(text: str, path: str, *, pure: bool, escapes: bool = True) -> Document:
    from ruamel.yaml import YAML  # noqa: PLC0415 - only the error path pays for it
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415

    document = Document(path)
    builder = _Builder(document, escapes=escapes)
    try:
        for event in YAML(typ="safe", pure=pure).parse(text):
            builder.feed(event)
    except _FatalError:
        document.data = None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        document.problems.append(Problem(path, line, column, "", f"YAML syntax: {message}", YAML_SYNTAX.id))
        document.data = None
    except YAMLError as error:
        document.problems.append(_unplaced(text, path, error))
        document.data = None
    return document


def _unplaced(text: str, path: str, error: Exception) -> Problem:
    """A problem for a YAML error without a mark: the reader's, which carries an offset. The text
    was checked for the characters it refuses, so this is a safety net; its message is one line."""
    offset = getattr(error, "position", None)
    line, column = text_position(text, offset) if isinstance(offset, int) else (1, 1)
    message = " ".join(str(error).split()).split(' in "<')[0]
    return Problem(path, line, column, "", f"YAML: {message}", YAML_SYNTAX.id)
