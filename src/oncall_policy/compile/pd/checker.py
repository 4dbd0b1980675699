"""A JSON Schema validator for exactly the keywords ``schema`` uses, for run time.

The reference implementation (``jsonschema``) costs about 0.2 s of imports on every compile. Our
schema needs only the keywords in ``KEYWORDS``; ``errors`` refuses a schema with any other, and
the tests hold its verdicts (and its messages) to ``jsonschema``'s on every generated file and
every broken one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "enum",
        "const",
        "pattern",
        "oneOf",
        "description",
        "$schema",
        "title",
    }
)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def errors(schema: dict[str, Any], instance: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every (JSON path, message) where ``instance`` breaks ``schema``."""
    unknown = schema.keys() - KEYWORDS
    if unknown:
        raise ValueError(f"checker does not implement {sorted(unknown)}")
    if "type" in schema and not _is_type(instance, schema["type"]):
        yield path, f"{instance!r} is not of type {schema['type']!r}"
        return
    yield from _values(schema, instance, path)
    if isinstance(instance, dict):
        yield from _object(schema, instance, path)
    elif isinstance(instance, list):
        yield from _array(schema, instance, path)
    elif isinstance(instance, str):
        yield from _string(schema, instance, path)
    elif isinstance(instance, int | float) and not isinstance(instance, bool):
        yield from _number(schema, instance, path)


def _values(schema: dict[str, Any], instance: Any, path: str) -> Iterator[tuple[str, str]]:
    if "const" in schema and not _equal(instance, schema["const"]):
        yield path, f"{schema['const']!r} was expected"
    if "enum" in schema and not any(_equal(instance, option) for option in schema["enum"]):
        yield path, f"{instance!r} is not one of {schema['enum']!r}"
    if "oneOf" in schema:
        matching = sum(not any(errors(option, instance, path)) for option in schema["oneOf"])
        if matching == 0:
            yield path, f"{instance!r} is not valid under any of the given schemas"
        elif matching > 1:
            yield path, f"{instance!r} is valid under more than one of the given schemas"


def _is_type(instance: Any, wanted: str | list[str]) -> bool:
    names = [wanted] if isinstance(wanted, str) else wanted
    for name in names:
        if isinstance(instance, bool) and name in ("integer", "number"):
            continue
        if isinstance(instance, _TYPES[name]):
            return True
    return False


def _equal(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def _object(schema: dict[str, Any], instance: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in instance:
            yield path, f"{name!r} is a required property"
    for name, value in instance.items():
        if name in properties:
            yield from errors(properties[name], value, f"{path}.{name}")
        elif schema.get("additionalProperties") is False:
            yield path, f"Additional properties are not allowed ({name!r} was unexpected)"


def _array(schema: dict[str, Any], instance: list[Any], path: str) -> Iterator[tuple[str, str]]:
    if len(instance) < schema.get("minItems", 0):
        yield path, f"{instance!r} should be non-empty" if not instance else f"{instance!r} is too short"
    if "maxItems" in schema and len(instance) > schema["maxItems"]:
        yield path, f"{instance!r} is too long (more than {schema['maxItems']} items)"
    if "items" in schema:
        for index, item in enumerate(instance):
            yield from errors(schema["items"], item, f"{path}[{index}]")


def _string(schema: dict[str, Any], instance: str, path: str) -> Iterator[tuple[str, str]]:
    if len(instance) < schema.get("minLength", 0):
        yield path, f"{instance!r} is too short"
    if "maxLength" in schema and len(instance) > schema["maxLength"]:
        yield path, f"{instance!r} is too long"
    if "pattern" in schema and not _compiled(schema["pattern"]).search(instance):
        yield path, f"{instance!r} does not match {schema['pattern']!r}"


def _number(schema: dict[str, Any], instance: float, path: str) -> Iterator[tuple[str, str]]:
    if "minimum" in schema and instance < schema["minimum"]:
        yield path, f"{instance!r} is less than the minimum of {schema['minimum']!r}"
    if "maximum" in schema and instance > schema["maximum"]:
        yield path, f"{instance!r} is greater than the maximum of {schema['maximum']!r}"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
