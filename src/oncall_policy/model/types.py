"""Scalar types of the policy: identifiers, durations, times of day, weekdays, matchers."""

import re
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from oncall_policy.durations import DURATION_PATTERN, format_duration, parse_duration
from oncall_policy.matchers import Matcher, parse_matcher
from oncall_policy.zones import is_zone


class Strict(BaseModel):
    """Every policy object: unknown keys are errors and values are immutable.

    Scalars that pydantic would coerce (``"2"`` → 2, ``"yes"`` → True) use the strict aliases below.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Int = Annotated[int, Field(strict=True)]
Bool = Annotated[bool, Field(strict=True)]


# Patterns are checked by pydantic-core (fast, in Rust); the loader words their errors from here.
PATTERN_WORDS: dict[str, str] = {}


def matching(regex: str, what: str, max_length: int) -> Any:
    """A ``Field`` that requires ``regex``; ``what`` says in words what it expects."""
    anchored = f"^{regex}$"
    PATTERN_WORDS[anchored] = what
    return Field(pattern=anchored, max_length=max_length)


_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_URL = r"https?://\S+"
_PATH = r"[A-Za-z0-9_.@/-]+"
_ALERT = r"[a-zA-Z_][a-zA-Z0-9_:]*"
_CHANNEL = r"[#@][a-z0-9_.-]{1,80}"
_DIRECTORY = r"/[A-Za-z0-9_.@/-]*"

Id = Annotated[str, matching(_ID, "an id (letters, digits, '-', '_', '.')", 100)]
LabelName = Annotated[str, matching(_LABEL, "a label name (letters, digits, '_')", 200)]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]


# PagerDuty takes at most 1,000 characters in a name or a description (the compiler's schema of
# its objects, compile/pd/schema.TEXT). Text that reaches PagerDuty as it stands is held to that
# here, where a longer one is refused at its place in the file; text the compiler adds to (a
# schedule's description) leaves room for the addition, and the ``pagerduty-length`` rule checks
# what the compiler composes from several fields (an escalation policy's name and description).
PagerDutyText = Annotated[str, Field(min_length=1, max_length=1000)]
PagerDutyAddendum = Annotated[str, Field(min_length=1, max_length=700)]


# What PagerDuty's API and its Terraform provider accept in a name: no \ / & < >, nothing outside
# U+0020-U+007E and U+00A0-U+FFFF (so no control character and nothing beyond the BMP, emoji
# included), no leading or trailing space. The compiler checks its output against the same rule
# (``compile/pd/limits``); refusing the policy's name here places the problem at the name, where
# ``check`` reports it, instead of failing ``compile`` without a position.
def _pagerduty_name(value: str) -> str:
    if value != value.strip():
        raise ValueError("the name has leading or trailing spaces, which PagerDuty refuses")
    # A loop, not a regular expression: ``re`` compiles that class code point by code point (5 ms
    # of every command's start-up).
    refused = (c for c in value if c in "\\/&<>" or not (" " <= c <= "~" or "\u00a0" <= c <= "\uffff"))
    if (char := next(refused, None)) is not None:
        shown = repr(char) if char in "\\/&<>" else f"U+{ord(char):04X}"
        raise ValueError(
            f"the name holds {shown}, which PagerDuty refuses in a name: it takes no \\ / & < >, "
            "and only characters from U+0020 to U+FFFF (no control characters, no emoji)"
        )
    return value


# At most 500 characters: the compiler appends ': <slot>' or ' (<severities>)'.
PagerDutyName = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_pagerduty_name)]
Email = Annotated[str, matching(_EMAIL, "an email address", 254)]
Url = Annotated[str, matching(_URL, "an http(s) URL", 2000)]
AlertName = Annotated[str, matching(_ALERT, "an alert name (a metric-style name)", 200)]
ChannelName = Annotated[str, matching(_CHANNEL, "a Slack channel such as '#alerts'", 81)]
AbsoluteDirectory = Annotated[str, matching(_DIRECTORY, "an absolute directory path", 500)]


def _relative_path(value: str) -> str:
    if value.startswith("/") or ".." in value.split("/"):
        raise ValueError("must be a path relative to secrets.directory, without '..'")
    return value


RelativePath = Annotated[
    str, matching(_PATH, "a file path relative to secrets.directory", 500), AfterValidator(_relative_path)
]


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError("a duration is a string such as 15m, 1h or 1d")
    return parse_duration(value)


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN}),
]


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]


def _time_of_day(value: Any) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
        raise ValueError("a time of day is a quoted string 'HH:MM', for example '09:00'")
    return time.fromisoformat(value)


def _format_time_of_day(value: time) -> str:
    return value.strftime("%H:%M")


TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day),
    PlainSerializer(_format_time_of_day, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]


def _local_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", value):
        raise ValueError("a start is a local date and time 'YYYY-MM-DDTHH:MM', e.g. '2025-12-29T09:00'")
    return datetime.fromisoformat(value)


def _format_local_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_local_datetime),
    PlainSerializer(_format_local_datetime, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d$"}),
]


def _time_zone(value: str) -> str:
    if not is_zone(value):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Etc/UTC")
    return value


TimeZone = Annotated[str, AfterValidator(_time_zone)]


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _matcher(value: Any) -> Matcher:
    if isinstance(value, Matcher):
        return value
    if not isinstance(value, str):
        raise ValueError('a matcher is a string such as team="payments" or service=~"api-.*"')
    found = parse_matcher(value)
    if found.broken:
        raise ValueError(f"Alertmanager cannot use this regex as a matcher: {found.broken}")
    if found.too_complex:
        raise ValueError(f"oncall-policy does not judge this regex ({found.too_complex}); write it simpler")
    return found


MatcherField = Annotated[
    Matcher,
    BeforeValidator(_matcher),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "Alertmanager matcher: name, =|!=|=~|!~, value"}),
]


class Weekday(StrEnum):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"

    @property
    def iso(self) -> int:
        """ISO weekday: Monday is 1."""
        return list(Weekday).index(self) + 1
