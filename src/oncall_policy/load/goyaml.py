"""YAML as go-yaml v2 reads it for amtool (``--http.config.file``): nodes that keep each scalar's
text as written, whether it was plain (unquoted), and its line; and a strict decoder into a schema.

Only the first document counts (go-yaml's ``Unmarshal`` reads no further); explicit tags are
refused rather than interpreted; aliases share their anchor's node. Built from libyaml's events
(through ruamel.yaml) with an explicit stack, so any nesting is read without recursion.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

MAX_BYTES = 1024 * 1024
_BOOLEANS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULLS = ("", "~", "null", "Null", "NULL")


class YamlError(ValueError):
    """Text that is not one YAML document we read."""


class Node:
    """``kind`` is ``scalar`` (``value`` the text), ``mapping`` (``value`` a list of key and value
    nodes) or ``sequence`` (``value`` a list of nodes)."""

    __slots__ = ("kind", "line", "plain", "value")

    def __init__(self, kind: str, value: Any, line: int, *, plain: bool = False) -> None:
        self.kind = kind
        self.value = value
        self.line = line
        self.plain = plain

    def is_null(self) -> bool:
        """A plain ``~``, ``null`` or nothing: go-yaml's zero value."""
        return self.kind == "scalar" and self.plain and self.value in _NULLS

    def shown(self) -> str:
        """How go-yaml names the node in an error."""
        if self.kind == "mapping":
            return "!!map"
        if self.kind == "sequence":
            return "!!seq"
        return f"`{self.value[:40]}`"


def first_document(text: str) -> Node | None:
    """The first document's root node, ``None`` for an empty stream; raise ``YamlError``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError(f"the file is larger than {MAX_BYTES:,} bytes")
    from ruamel.yaml import YAML  # noqa: PLC0415 - only when a file is read
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415

    builder = _Builder()
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            if builder.feed(event):
                break
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        raise YamlError(f"{line}{error.problem or error.context}") from None
    except YAMLError as error:
        raise YamlError(str(error)) from None
    return builder.root


class _Builder:
    def __init__(self) -> None:
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.pending_keys: list[Node | None] = []
        self.anchors: dict[str, Node] = {}

    def feed(self, event: Any) -> bool:
        """Take one event; ``True`` when the first document is complete."""
        kind = type(event).__name__
        if kind == "DocumentEndEvent":
            return True
        if getattr(event, "tag", None) not in (None, "!"):
            raise YamlError(
                f"line {event.start_mark.line + 1}: YAML tags such as {event.tag} are not supported"
            )
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            node = Node(
                "mapping" if kind == "MappingStartEvent" else "sequence", [], event.start_mark.line + 1
            )
            self._anchor(event, node)
            self._place(node)
            self.stack.append(node)
            self.pending_keys.append(None)
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            self.stack.pop()
            self.pending_keys.pop()
        elif kind == "ScalarEvent":
            node = Node("scalar", event.value, event.start_mark.line + 1, plain=not event.style)
            self._anchor(event, node)
            self._place(node)
        elif kind == "AliasEvent":
            if event.anchor not in self.anchors:
                raise YamlError(
                    f"line {event.start_mark.line + 1}: unknown anchor '{event.anchor}' referenced"
                )
            self._place(self.anchors[event.anchor])
        return False

    def _anchor(self, event: Any, node: Node) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = node

    def _place(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if parent.kind == "sequence":
            parent.value.append(node)
        elif self.pending_keys[-1] is None:
            self.pending_keys[-1] = node
        else:
            parent.value.append((self.pending_keys[-1], node))
            self.pending_keys[-1] = None


class Decoder:
    """go-yaml v2's strict decoding into a schema: ``dict`` a struct, ``[t]`` a list, ``(t,)`` a
    map of text to ``t``, ``"string"``, ``"bool"``. Every error is kept, with its line."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def struct(self, node: Any, fields: dict[str, Any]) -> dict[str, Any] | None:
        if node.is_null():
            return None
        if node.kind != "mapping":
            self.errors.append(f"line {node.line}: cannot unmarshal {node.shown()} into config.plain")
            return {}
        found: dict[str, Any] = {}
        for key, value in node.value:
            name = key.value if key.kind == "scalar" else None
            if name not in fields:
                self.errors.append(f"line {key.line}: field {name} not found in type config.plain")
            elif name in found:
                self.errors.append(f"line {key.line}: field {name} already set in type config.plain")
            else:
                found[name] = self.value(value, fields[name])
        return found

    def value(self, node: Any, kind: Any) -> Any:
        if isinstance(kind, dict):
            return self.struct(node, kind)
        if isinstance(kind, list | tuple) and node.is_null():
            return [] if isinstance(kind, list) else {}
        if isinstance(kind, list):
            return self._list(node, kind[0])
        if isinstance(kind, tuple):
            return self._map(node, kind[0])
        return self._scalar(node, kind)

    def _scalar(self, node: Any, kind: str) -> Any:
        if node.kind != "scalar":
            self.errors.append(f"line {node.line}: cannot unmarshal {node.shown()} into {kind}")
            return "" if kind == "string" else False
        if kind == "bool":
            return self._bool(node)
        return "" if node.is_null() else node.value

    def _bool(self, node: Any) -> bool:
        if node.is_null():
            return False
        if node.plain and node.value in _BOOLEANS:
            return _BOOLEANS[node.value]
        self.errors.append(f"line {node.line}: cannot unmarshal {node.shown()} into bool")
        return False

    def _list(self, node: Any, kind: Any) -> list[Any]:
        if node.kind != "sequence":
            self.errors.append(f"line {node.line}: cannot unmarshal {node.shown()} into []{kind}")
            return []
        return [self.value(item, kind) for item in node.value]

    def _map(self, node: Any, kind: Any) -> dict[str, Any]:
        if node.kind != "mapping":
            self.errors.append(f"line {node.line}: cannot unmarshal {node.shown()} into map[string]{kind}")
            return {}
        found: dict[str, Any] = {}
        for key, value in node.value:
            name = self.value(key, "string")
            if name in found:
                self.errors.append(f"line {key.line}: key {name!r} already set in map")
            found[name] = self.value(value, kind)
        return found
