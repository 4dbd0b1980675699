"""A listing of silences read as Go reads it, at C speed when it is exactly as Alertmanager writes one.

Alertmanager's listing of 50,000 silences is 20 MB of JSON. Read into dicts by ``json``, then
checked to be spelled as Alertmanager writes it (``api.listing_is_canonical``) and no deeper than
``gojson.MAX_DEPTH``, it took 320 ms, in one process, of ``silence audit`` and of each refresh of
the gate's history. ``msgspec`` decodes it against the shape of a listed silence (its fields
only, each of its type: strings, matchers and a status as Alertmanager writes them) in 70 ms, and
gives the same dicts (``msgspec.to_builtins``, 55 ms), their keys in the order Go writes them.

Whatever that shape refuses is read as before (``gojson.loads`` with that check, which reads it as
Go does or says why not): a key spelled otherwise, a value of another type (``null`` too), a
lone surrogate escape, bytes that are not UTF-8, anything that is not JSON. So the fast reading
only ever gives sooner what that one gives: dicts whose every key is a field spelled exactly (a
key given twice keeps its last value, as a dict and Go both do), three levels deep at most. Only
the order of their keys may differ, for a body not written by Go: nothing reads a listed silence
by the order of its keys (fields are looked up by name).
"""

from __future__ import annotations

from typing import Any

import msgspec

from oncall_policy.silence import api, gojson

_UNSET: Any = msgspec.UNSET  # a field absent from the JSON stays absent from the dict


class _Matcher(msgspec.Struct, forbid_unknown_fields=True):
    isEqual: bool | msgspec.UnsetType = _UNSET  # noqa: N815 - Alertmanager's field names
    isRegex: bool | msgspec.UnsetType = _UNSET  # noqa: N815
    name: str | msgspec.UnsetType = _UNSET
    value: str | msgspec.UnsetType = _UNSET


class _Status(msgspec.Struct, forbid_unknown_fields=True):
    state: str | msgspec.UnsetType = _UNSET


class _Listed(msgspec.Struct, forbid_unknown_fields=True):
    """A gettable silence, its fields in the order Alertmanager 0.25 writes them."""

    id: str | msgspec.UnsetType = _UNSET
    status: _Status | msgspec.UnsetType = _UNSET
    updatedAt: str | msgspec.UnsetType = _UNSET  # noqa: N815
    comment: str | msgspec.UnsetType = _UNSET
    createdBy: str | msgspec.UnsetType = _UNSET  # noqa: N815
    endsAt: str | msgspec.UnsetType = _UNSET  # noqa: N815
    matchers: list[_Matcher] | msgspec.UnsetType = _UNSET
    startsAt: str | msgspec.UnsetType = _UNSET  # noqa: N815


_DECODER = msgspec.json.Decoder(list[_Listed])


def read(body: bytes) -> Any:
    """The listing in ``body`` (UTF-8 JSON); ``gojson.GoJSONError`` for what cannot be read as
    Go reads it. Listed silences are dicts (``gojson.Object`` where a key needs its pairs kept)."""
    try:
        listed = _DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return gojson.loads(body, canonical=api.listing_is_canonical)
    return msgspec.to_builtins(listed)
