"""Alertmanager API v2 silences (``postableSilence`` / ``gettableSilence``) as requests, and back.

A matcher is ``{"name", "value", "isRegex", "isEqual"}`` (``isEqual`` defaults to true); times
are RFC 3339. Unknown keys are ignored, as Alertmanager ignores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from oncall_policy import TYPE_CHECKING
from oncall_policy.matchers import Matcher, MatcherError, Op
from oncall_policy.silence.amtool import rfc3339
from oncall_policy.silence.request import SilenceRequest, bad_matcher
from oncall_policy.silence.verdict import Location, Violation

if TYPE_CHECKING:
    from typing import Any


def from_api(data: Mapping[str, Any], approvers: tuple[str, ...] = ()) -> SilenceRequest:
    """The request a postable or gettable silence describes; what cannot be read is a problem."""
    problems: list[Violation] = []
    raw = data.get("matchers")
    if not isinstance(raw, list):
        problems.append(_shape("matchers must be a list of {name, value, isRegex, isEqual}", ("matchers",)))
        raw = []
    matchers = [m for i, item in enumerate(raw) if (m := _matcher(item, i, problems)) is not None]
    return SilenceRequest(
        tuple(matchers),
        _time(data, "startsAt", problems),
        _time(data, "endsAt", problems),
        _text(data, "createdBy", problems),
        _text(data, "comment", problems),
        approvers,
        tuple(problems),
    )


def to_api(request: SilenceRequest, comment: str | None = None) -> dict[str, Any]:
    """The postable silence for ``request`` (its comment replaced by ``comment`` if given)."""
    if request.starts_at is None or request.ends_at is None:
        raise ValueError("a silence without times cannot be posted")
    return {
        "matchers": [matcher_json(m) for m in request.matchers],
        "startsAt": rfc3339(request.starts_at),
        "endsAt": rfc3339(request.ends_at),
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
    name, value, regex, equal = (item.get(k) for k in ("name", "value", "isRegex", "isEqual"))
    equal = True if equal is None else equal
    if not (isinstance(name, str) and isinstance(value, str)):
        problems.append(_shape("a matcher needs string 'name' and 'value'", where))
        return None
    if not (isinstance(regex, bool) and isinstance(equal, bool)):
        problems.append(_shape("a matcher needs boolean 'isRegex' (and 'isEqual', if given)", where))
        return None
    try:
        return Matcher(name, _OPS[regex, equal], value)
    except MatcherError as error:
        problems.append(bad_matcher(f"{name} {value!r}", str(error), where))
        return None


def _time(data: Mapping[str, Any], key: str, problems: list[Violation]) -> datetime | None:
    text = data.get(key)
    try:
        value = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        problems.append(Violation("bad-time", f"{key} {text!r} is not an RFC 3339 time", _TIME_HINT, (key,)))
        return None
    return value.astimezone(UTC)


_TIME_HINT = "write times in RFC 3339 with a zone, e.g. 2026-01-02T15:04:05Z"


def _text(data: Mapping[str, Any], key: str, problems: list[Violation]) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        problems.append(_shape(f"{key} must be a string", (key,)))
        return ""
    return value


def _shape(message: str, where: Location) -> Violation:
    return Violation("bad-silence", message, "follow Alertmanager's API v2 postable silence shape", where)
