"""``json.loads`` for the silence path, without importing ``json``.

``json`` imports ``re`` (which imports ``enum``): about 9 ms of ``silence check``'s start-up,
which reads one JSON document, ``generated/silence-rules.json``. The reading itself is done, for
``json`` too, by the C scanner of ``_json``; this drives it directly, with the settings of
``json.loads``'s own decoder (CPython 3.11's ``json/decoder.py``), for a document ``json`` reads
as UTF-8 and that starts with ``{``. Anything else — another encoding, a document that is not an
object, extra data after it, a value missing, or a Python without ``_json`` — goes to
``json.loads`` itself, so that every value and every error is ``json``'s, but one: a document
nested deeper than Python recurses is ``TooDeepError``, a ``ValueError`` like every other
document that cannot be read, where ``json`` raises ``RecursionError``, which nothing expects.
``tests/test_json_loads.py`` holds the two equal.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class _Decoder:
    """What the C scanner reads from its context: the attributes of ``json``'s default decoder
    (``JSONDecoder()``): strict strings, no hooks, ``float`` and ``int`` for numbers, and the
    three constants JSON lacks."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    array_hook = None  # one more that later Pythons' scanner reads (typeshed: 3.15)
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def _scanner() -> Callable[[str, int], tuple[Any, int]] | None:
    try:
        from _json import make_scanner  # noqa: PLC0415 - CPython's C accelerator, when there is one

        return make_scanner(_Decoder())  # type: ignore[arg-type] # a context, duck-typed as json's
    except Exception:  # noqa: BLE001 - no scanner, or one that wants another context: use json
        return None


_scan = _scanner()


class TooDeepError(ValueError):
    """A document nested deeper than Python's recursion limit lets ``json`` read."""

    def __init__(self) -> None:
        super().__init__("nested too deeply to read")


def loads(data: bytes) -> Any:
    """``json.loads(data)``: the same value, or the same error (``TooDeepError`` for its
    ``RecursionError``)."""
    try:
        return _loads(data)
    except RecursionError:
        raise TooDeepError from None


def _loads(data: bytes) -> Any:
    # json.loads reads bytes as UTF-8 unless they start with a byte order mark or a NUL, or the
    # second byte is NUL (its ``detect_encoding``): a "{" then anything but NUL is UTF-8.
    if _scan is None or data[:1] != b"{" or data[1:2] == b"\0":
        return _json_loads(data)
    text = data.decode("utf-8", "surrogatepass")  # as json.loads decodes, errors included
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # a value missing: json.loads raises "Expecting value" for it
        return _json_loads(data)
    if text[end:].lstrip(" \t\n\r"):  # json's WHITESPACE; anything else is "Extra data"
        return _json_loads(data)
    return value


def _json_loads(data: bytes) -> Any:
    import json  # noqa: PLC0415 - see the module docstring

    return json.loads(data)
