"""PagerDuty objects compiled from the policy: one intermediate representation (``ir``) from which
both the REST API v2 bodies (``rest``) and the Terraform JSON (``terraform``) are rendered, so the
two cannot disagree. ``build`` makes the IR, ``validate`` refuses output PagerDuty would reject.

Semantics chosen here (the policy does not say them; the project documents them):

- **Escalation delays.** The policy's timing is cumulative (``[0m, 15m, 30m, 1h]``); PagerDuty wants
  per-rule delays (15, 15, 30, …). The final rule's delay is the wait before the policy loops (or,
  with no loops, before nothing more happens): it repeats the previous gap, so a ladder keeps its
  pace; a single-rule policy waits the shortest response time of its severities.
- **One escalation policy per (ladder, timing) actually used.** Delays belong to a PagerDuty
  escalation policy, so a ladder used with two timings becomes two policies, keyed
  ``<ladder>/<severities>`` (severity ids sorted, joined by ``+``).
- **Which severities time a service**: those of the catalog alerts the routing sends to it
  (``dispatch.Router``); a severity that never pages (Clipper's P3) gets no escalation policy. A
  service no catalog alert reaches (say, only the fallback for unknown alerts) is timed by its
  ladder's fastest-escalating severity, and ``agreement.disagreements`` reports it.
- **Schedules** are one per (rotation, slot), one layer each, in the rotation's IANA zone. A layer
  hands off at local wall-clock ``rotation_virtual_start + k * rotation_turn_length_seconds`` in the
  schedule's zone (PagerDuty's hand-off time of day), which is the model's ``Rotation.turn_start``:
  a daily 08:00 hand-off stays at 08:00 across daylight-saving changes and the turn spanning the
  change is an hour shorter or longer. Clipper's zone is ``Etc/UTC``, where the question never arises.
- **Services**: urgency ``high`` whenever a severity reaching the service escalates (low urgency
  never escalates); acknowledgement timeout = the resolution target (never below the response
  time), the smallest over the severities reaching the service, so an acknowledged but unresolved
  incident re-alerts when its target passes; auto-resolve disabled (``null``): Alertmanager resolves
  incidents when the alert clears, and auto-resolving a still-firing outage would hide it.
"""

from __future__ import annotations

import json
from typing import Any

from oncall_policy.compile.pd import ir, rest
from oncall_policy.compile.pd.build import build as build_ir
from oncall_policy.compile.pd.validate import validate as refuse_invalid
from oncall_policy.memo import per_object
from oncall_policy.model import Policy

Compiled = tuple[ir.PagerDuty, dict[str, dict[str, Any]]]


@per_object  # the pagerduty and terraform targets both need it in one `compile` run
def compiled(policy: Policy, header: str) -> Compiled:
    """The IR and the REST files (bodies and ``manifest.json``), validated: raises
    ``PagerDutyOutputError`` with every problem when PagerDuty would reject them."""
    model = build_ir(policy)
    files = {**rest.bodies(model), "manifest.json": rest.manifest(model, header)}
    refuse_invalid(files)
    return model, files


def dump(document: dict[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
