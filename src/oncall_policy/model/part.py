"""A policy part: what one team owns, in a file of its own that a root policy includes.

A large organisation keeps its root policy (severities, roles, teams, secrets, routing defaults,
silence rules) in one file and each team's people, rotations, ladders, services, channels, alerts
and routes in a part the team edits alone. The loader merges the parts into the root
(``load.parts``); this model is the parts' JSON Schema and the list of what a part may hold.
"""

from typing import Annotated, Literal

from pydantic import Field

from oncall_policy.model.catalog import Alert
from oncall_policy.model.destinations import ChatChannel, PagingService
from oncall_policy.model.escalation import EscalationPolicy
from oncall_policy.model.roster import Person
from oncall_policy.model.rotation import Rotation
from oncall_policy.model.routing import Route
from oncall_policy.model.types import Id, Strict


class PolicyPart(Strict):
    version: Literal["oncall-policy/v1"]
    team: Annotated[Id, Field(description="the team that owns this part; one of the root's teams")]
    people: tuple[Person, ...] = ()
    rotations: tuple[Rotation, ...] = ()
    escalation_policies: tuple[EscalationPolicy, ...] = ()
    paging_services: tuple[PagingService, ...] = ()
    chat_channels: tuple[ChatChannel, ...] = ()
    alerts: tuple[Alert, ...] = ()
    # Appended, in team order, to the root's routing.routes.
    routes: tuple[Route, ...] = ()
