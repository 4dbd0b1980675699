"""Routing: which alerts go to which paging service and channels, and what mutes what."""

from typing import Annotated

from pydantic import Field

from oncall_policy.model.types import Bool, Id, LabelName, MatcherField, Strict, Text


class Selector(Strict):
    """A set of alerts: severities (by id) and Alertmanager matchers, all of which must hold."""

    severities: tuple[Id, ...] = ()
    matchers: tuple[MatcherField, ...] = ()


class Route(Strict):
    """Alerts matching this route page ``page`` and post to ``notify``.

    Routes are tried in order and the first match wins, unless a route says ``continue: true``.
    Like a selector, a route matches when the severity is listed (if any are) and every matcher holds.
    ``group_by`` (optional) names the labels whose values make one notification; by default
    ``alertname`` and every label the catalog alerts this route takes carry, so that distinct
    hosts or services are distinct incidents.
    """

    name: Id
    description: Text | None = None
    severities: tuple[Id, ...] = ()
    matchers: tuple[MatcherField, ...] = ()
    page: Id | None = None
    notify: tuple[Id, ...] = ()
    continue_: Bool = Field(default=False, alias="continue")
    group_by: Annotated[tuple[LabelName, ...], Field(min_length=1)] | None = None
    acknowledged: tuple[Id, ...] = ()
    """Ids of checks whose finding at this route is deliberate (``unmatched-unreachable``)."""


class Fallback(Strict):
    """Where alerts that no route claims go: the guide says never nowhere."""

    page: Id | None = None
    notify: Annotated[tuple[Id, ...], Field(min_length=1)]
    acknowledged: tuple[Id, ...] = ()
    """Ids of checks whose finding here is deliberate (``unknown-unpaged``)."""


class Inhibition(Strict):
    """While an alert matching ``source`` fires, alerts matching ``target`` with the same
    ``equal`` labels are muted."""

    name: Id
    description: Text | None = None
    source: Selector
    target: Selector
    equal: Annotated[tuple[LabelName, ...], Field(min_length=1)]
    acknowledged: tuple[Id, ...] = ()
    """Ids of checks whose finding at this inhibition is deliberate (``inhibition-equal-absent``)."""


class Routing(Strict):
    """``group_by``, when given, is every route's grouping unless the route gives its own; by
    default each route groups by ``alertname`` and the labels its alerts carry, and alerts no
    route takes by ``alertname`` and every label any catalog alert carries."""

    group_by: Annotated[tuple[LabelName, ...], Field(min_length=1)] | None = None
    routes: Annotated[tuple[Route, ...], Field(min_length=1)]
    unmatched: Fallback
    inhibitions: tuple[Inhibition, ...] = ()
