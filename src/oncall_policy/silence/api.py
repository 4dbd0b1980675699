"""Alertmanager API v2 silences (``postableSilence`` / ``gettableSilence``) as requests, and back.

A matcher is ``{"name", "value", "isRegex", "isEqual"}`` (``isEqual`` defaults to true, also when
``null``); times are RFC 3339. Alertmanager decodes a body with Go's ``encoding/json``
(``gojson``): keys match fields case-insensitively, a repeated key's last value wins, unknown keys
are ignored, a lone surrogate becomes U+FFFD. So that a silence is never judged on other content
than Alertmanager would create from it, a known field spelled otherwise than Alertmanager spells
it, a known field given twice (in any spelling), and a lone surrogate anywhere are refused
(``bad-silence``, located at the key or value), as are a required field that is missing or
``null`` (Alertmanager: ``comment in body is required``) and a value of the wrong type. Other
unknown keys are ignored, as Alertmanager ignores them.

A listing is what Alertmanager itself wrote: ``client`` reads one whose every key is spelled as its
field into plain dicts (``gojson.loads(canonical=…)``), where an exact repeat of a key can only have
come from a faulty server and is read as Go reads it, its last value, without a refusal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from oncall_policy.datetimes import datetime
from oncall_policy.matchers import Matcher, MatcherError, Op
from oncall_policy.recent import Recent
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence import gojson
from oncall_policy.silence import rfc3339 as times
from oncall_policy.silence.request import BAD_TIME, SilenceRequest, bad_matcher
from oncall_policy.silence.verdict import Location, Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

# The JSON names of the fields of go-swagger's PostableSilence (its ``id``, then ``Silence``'s) and
# Matcher structs in Alertmanager 0.25 (api/v2/models).
SILENCE_FIELDS = ("id", "comment", "createdBy", "endsAt", "matchers", "startsAt")
MATCHER_FIELDS = ("isEqual", "isRegex", "name", "value")
_SHAPE_HINT = "follow Alertmanager's API v2 postable silence shape"

BAD_SILENCE = Rule(
    "bad-silence",
    SILENCE,
    "a silence request has the shape of Alertmanager's API v2 silence. Its fields are those "
    "Alertmanager reads, spelt and typed as its Go decoder reads them (``Matchers`` beside "
    "``matchers``, a repeated key or a lone surrogate is refused).",
)


class KeyViolation(Violation):
    """A ``bad-silence`` about a key itself (its spelling, or that it repeats): placed at the key."""

    __slots__ = ()


def from_api(data: Mapping[str, Any], approvers: tuple[str, ...] = ()) -> SilenceRequest:
    """The request a postable or gettable silence describes; what cannot be read as Alertmanager
    reads it is a problem. ``data`` may come from ``gojson.loads`` (repeated keys are then seen)."""
    return _plain(data, approvers) or _read(data, approvers)


# Keys Alertmanager writes in a listed (gettable) silence that fold onto no field it reads.
_LISTED = frozenset(("status", "updatedAt"))
_SILENCE_KEYS = frozenset(SILENCE_FIELDS) | _LISTED
_MATCHER_KEYS = frozenset(MATCHER_FIELDS)


def _plain(data: Mapping[str, Any], approvers: tuple[str, ...]) -> SilenceRequest | None:
    """The request, read fast when ``data`` is spelled as Alertmanager writes silences (canonical
    keys, each once, of the right types; matchers already met; no lone surrogate); None when
    anything needs the careful reading (``_read``), which has every error to give."""
    if not _canonical(data, _SILENCE_KEYS):
        return None
    raw, author, comment = data.get("matchers"), data.get("createdBy"), data.get("comment")
    ident = "" if data.get("id") is None else data["id"]  # null: no id, as in Go
    if not (
        isinstance(raw, list) and raw and type(author) is str and type(comment) is str and type(ident) is str
    ):
        return None
    matchers = _plain_matchers(raw)
    if matchers is None:
        return None  # not canonical, or not a matcher: the careful reading says why
    listed = [data[key] for key in _LISTED if key in data]  # not read, but refused like any other
    # Keys are canonical, and a matcher holds no lone surrogate (its name is a label name, its
    # value is checked when it is made): only these strings could hold one.
    if gojson.has_surrogate(author + comment + ident) or any(map(_listed_surrogate, listed)):
        return None
    try:
        starts = times.parse(data["startsAt"])
        ends = times.parse(data["endsAt"], end=True, start_ns=times.nanoseconds(data["startsAt"]))
    except (KeyError, TypeError, ValueError):  # TimeError is a ValueError
        return None
    return SilenceRequest(matchers, starts, ends, author, comment, approvers, ())


def _listed_surrogate(value: Any) -> bool:
    """Whether a listed-only value holds a lone surrogate: quickly for what Alertmanager writes
    there (a string, or an object of strings), which every listed silence has."""
    if type(value) is str:
        return gojson.has_surrogate(value)
    if type(value) is dict:
        try:  # joined at C speed; any value that is not a string is looked into below
            return gojson.has_surrogate("".join(value) + "".join(value.values()))
        except TypeError:
            pass
    return any(True for _ in _strings_with_surrogates(value))


def listing_is_canonical(data: Any) -> bool:
    """Whether ``data`` is a list of silences whose every key (theirs and their matchers') is
    spelled as its field: what ``gojson.loads`` may keep from a plain reading."""
    return type(data) is list and all(
        type(item) is dict
        and item.keys() <= _SILENCE_KEYS
        and (type(raw := item.get("matchers")) is not list or all(_canonical(m, _MATCHER_KEYS) for m in raw))
        for item in data
    )


def _canonical(data: Any, keys: frozenset[str]) -> bool:
    """Whether ``data`` is an object whose keys are among ``keys``, each given once."""
    if type(data) is dict:
        return data.keys() <= keys
    return type(data) is gojson.Object and len(data.pairs) == len(data) and data.keys() <= keys


def _plain_matchers(raw: list[Any]) -> tuple[Matcher, ...] | None:
    """The matchers of a canonical list (None: one is not canonical, or not a matcher)."""
    found = []
    for item in raw:
        matcher = _met(_plain_key(item))
        if matcher is None:
            return None
        found.append(matcher)
    return tuple(found)


def _plain_key(item: Any) -> tuple[str, Op, str] | None:
    """A canonical matcher's key in ``_MATCHERS`` (None: not canonical)."""
    if not (item.keys() <= _MATCHER_KEYS if type(item) is dict else _canonical(item, _MATCHER_KEYS)):
        return None
    name, value, regex, equal = item.get("name"), item.get("value"), item.get("isRegex"), item.get("isEqual")
    equal = True if equal is None else equal
    if type(name) is str and type(value) is str and type(regex) is bool and type(equal) is bool:
        return name, _OPS[regex, equal], value
    return None


def _read(data: Mapping[str, Any], approvers: tuple[str, ...]) -> SilenceRequest:
    problems = list(_surrogates(data))
    fields = known_fields(data, SILENCE_FIELDS, (), problems)
    if fields.get("id") is not None and not isinstance(fields["id"], str):  # null: no id, as in Go
        problems.append(_shape("id must be a string", ("id",)))
    raw = fields.get("matchers")
    if not isinstance(raw, list):
        said = "is required" if raw is None else "must be a list"
        problems.append(
            _shape(f"matchers {said}: a list of {{name, value, isRegex, isEqual}}", ("matchers",))
        )
        raw = []
    matchers = [m for i, item in enumerate(raw) if (m := _matcher(item, i, problems)) is not None]
    return SilenceRequest(
        tuple(matchers),
        _time(fields, "startsAt", problems),
        _time(fields, "endsAt", problems),
        _text(fields, "createdBy", problems, ()),
        _text(fields, "comment", problems, ()),
        approvers,
        tuple(problems),
    )


def to_api(request: SilenceRequest, comment: str | None = None) -> dict[str, Any]:
    """The postable silence for ``request`` (its comment replaced by ``comment`` if given)."""
    if request.starts_at is None or request.ends_at is None:
        raise ValueError("a silence without times cannot be posted")
    return {
        "matchers": [matcher_json(m) for m in request.matchers],
        "startsAt": times.format_time(request.starts_at),
        "endsAt": times.format_time(request.ends_at),
        "createdBy": request.author,
        "comment": request.comment if comment is None else comment,
    }


def matcher_json(matcher: Matcher) -> dict[str, Any]:
    return {
        "name": matcher.name,
        "value": matcher.value,
        "isRegex": matcher.op.is_regex,
        "isEqual": not matcher.op.is_negative,
    }


SHOWN_KEYS = 5  # of the keys that give one field, the first ones each said, at their place


def known_fields(
    data: Mapping[Any, Any], fields: Sequence[str], where: Location, problems: list[Violation]
) -> dict[str, Any]:
    """The value Go's decoder gives each of ``fields`` from ``data`` (the last key that folds to
    it), and a ``KeyViolation`` for each key spelled otherwise than its field or repeating one."""
    if type(data) is dict and all(key in fields or gojson.field_of(key, fields) is None for key in data):
        return {field: data[field] for field in fields if field in data}  # canonical, no repeats
    pairs = data.pairs if isinstance(data, gojson.Object) else list(data.items())
    chosen: dict[str, Any] = {}
    spellings: dict[str, list[str]] = {}  # the first few of each field's keys
    counts: dict[str, int] = {}
    last: dict[str, Any] = {}
    hint = f"give each field once, spelled exactly: {', '.join(fields)}"
    for key, value in pairs:
        field = gojson.field_of(key, fields) if isinstance(key, str) else None
        if field is None:
            continue
        count = counts[field] = counts.get(field, 0) + 1
        chosen[field], last[field] = value, key
        if count > SHOWN_KEYS:
            continue  # said once for all of them, below: a message each, listing all, was N² (red team)
        seen = spellings.setdefault(field, [])
        seen.append(key)
        reasons = [f"Alertmanager reads {key!r} as {field!r} (Go matches keys case-insensitively)"]
        reasons = reasons if key != field else []
        if count > 1:
            given = ", ".join(repr(spelling) for spelling in seen)
            reasons.append(f"{field!r} is given {count} times ({given}) and Alertmanager keeps the last")
        if reasons:
            problems.append(KeyViolation(BAD_SILENCE.id, "; ".join(reasons), hint, (*where, key)))
    for field, count in counts.items():
        if count > SHOWN_KEYS:
            said = f"{field!r} is given {count} times in all, and Alertmanager keeps the last"
            problems.append(KeyViolation(BAD_SILENCE.id, said, hint, (*where, last[field])))
    return chosen


def _surrogates(data: Any) -> Iterator[Violation]:
    """A violation at each string (key or value) holding a lone surrogate, however deep."""
    try:  # json's C encoder looks at every string at once; only a surrogate makes UTF-8 fail
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):  # a surrogate, or not JSON data: look closely
        yield from (_surrogate(where) for where in _strings_with_surrogates(data))


def _strings_with_surrogates(data: Any) -> Iterator[Location]:
    stack: list[tuple[Location, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if gojson.has_surrogate(value):
                yield where
        elif isinstance(value, dict):  # JSON's objects (gojson.Object is a dict too)
            for key, item in value.items():
                if isinstance(key, str) and gojson.has_surrogate(key):
                    yield (*where, key)
                stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in enumerate(value))


def _surrogate(where: Location) -> Violation:
    return Violation(
        BAD_SILENCE.id,
        "a lone UTF-16 surrogate (\\ud800-\\udfff escape); Alertmanager would turn it into U+FFFD",
        "write the character itself, or a complete surrogate pair",
        where,
    )


_OPS = {
    (False, True): Op.EQUAL,
    (False, False): Op.NOT_EQUAL,
    (True, True): Op.REGEX,
    (True, False): Op.NOT_REGEX,
}


def _matcher(item: Any, index: int, problems: list[Violation]) -> Matcher | None:
    where: Location = ("matchers", index)
    if not isinstance(item, Mapping):
        problems.append(_shape("a matcher is a mapping {name, value, isRegex, isEqual}", where))
        return None
    fields = known_fields(item, MATCHER_FIELDS, where, problems)
    before = len(problems)
    name, value = _text(fields, "name", problems, where), _text(fields, "value", problems, where)
    regex, equal = fields.get("isRegex"), fields.get("isEqual", True)
    equal = True if equal is None else equal  # Alertmanager: null is the default, true
    if not (isinstance(regex, bool) and isinstance(equal, bool)):
        said = (
            "a matcher needs boolean 'isRegex'" if regex is None else "'isRegex' and 'isEqual' are booleans"
        )
        problems.append(_shape(f"{said} (true or false)", where))
    if len(problems) > before:
        return None
    key = (name, _OPS[bool(regex), bool(equal)], value)
    found = _met(key)
    if found is None:
        try:
            Matcher(*key)
        except MatcherError as error:  # why it is not one
            problems.append(bad_matcher(f"{name} {value!r}", str(error), where))
    return found


_MATCHERS: Recent[tuple[str, Op, str], Matcher] = Recent(50_000)  # an audit meets the same ones often


def _met(key: tuple[str, Op, str] | None) -> Matcher | None:
    """The matcher ``key`` names, made once (None: no key, or no matcher Alertmanager accepts)."""
    if key is None:
        return None
    found = _MATCHERS.get(key)
    if found is None:
        try:
            found = Matcher(*key)
        except MatcherError:
            return None
        _MATCHERS[key] = found
    return found


def _time(fields: Mapping[str, Any], key: str, problems: list[Violation]) -> datetime | None:
    text = fields.get(key)
    if not isinstance(text, str):
        said = "is required" if text is None else "must be a string"
        problems.append(_shape(f"{key} {said}: an RFC 3339 time such as 2026-01-02T15:04:05Z", (key,)))
        return None
    try:
        if key == "endsAt":
            return times.parse(text, end=True, start_ns=times.nanoseconds(fields.get("startsAt")))
        return times.parse(text)
    except times.TimeError as error:
        problems.append(Violation(BAD_TIME.id, f"{key}: {error}", _TIME_HINT, (key,)))
        return None


_TIME_HINT = "write times in RFC 3339 with a zone, e.g. 2026-01-02T15:04:05Z"


def _text(fields: Mapping[str, Any], key: str, problems: list[Violation], where: Location) -> str:
    value = fields.get(key)
    if isinstance(value, str):
        return value
    said = "is required (Alertmanager refuses it missing or null)" if value is None else "must be a string"
    problems.append(_shape(f"{key} {said}", (*where, key)))
    return ""


def _shape(message: str, where: Location) -> Violation:
    return Violation(BAD_SILENCE.id, message, _SHAPE_HINT, where)
