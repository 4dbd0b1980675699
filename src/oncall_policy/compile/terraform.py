"""Target ``terraform``: ``pagerduty.tf.json``, the same PagerDuty objects for the Terraform
provider (rendered from the same validated IR as the REST bodies, so the two cannot disagree)."""

from __future__ import annotations

from oncall_policy.compile.pagerduty import header
from oncall_policy.compile.pd import compiled, dump
from oncall_policy.compile.pd import terraform as tf
from oncall_policy.model import Policy
from oncall_policy.provenance import Source


def build(policy: Policy, source: Source) -> dict[str, str]:
    model, _ = compiled(policy, header(source))
    return {"pagerduty.tf.json": dump(tf.document(model, header(source)))}
