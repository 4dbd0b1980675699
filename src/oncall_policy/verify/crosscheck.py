"""Do the generated Alertmanager configuration and the generated PagerDuty objects agree?

Every PagerDuty receiver in ``alertmanager.yml`` reads its routing key from a file; that file must
hold the integration key of exactly one generated PagerDuty service, and every generated service
must be paged by some receiver. Together with ``compile.pd.agreement`` (each alert first escalates
when its severity says) this is what ``oncall-policy test`` checks beyond routing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oncall_policy.compile.pd import ir


def receiver_keys(config: Mapping[str, Any]) -> dict[str, set[str]]:
    """PagerDuty receiver name → the routing key files it reads."""
    return {
        str(receiver["name"]): {
            str(c.get("routing_key_file")) for c in receiver.get("pagerduty_configs") or []
        }
        for receiver in config.get("receivers") or []
        if receiver.get("pagerduty_configs")
    }


def mismatches(config: Mapping[str, Any], model: ir.PagerDuty) -> list[str]:
    """Every way the two outputs disagree (empty: they agree)."""
    services: dict[str, list[str]] = {}
    for service in model.services:
        services.setdefault(service.routing_key_file, []).append(service.name)
    found = []
    used: set[str] = set()
    for receiver, keys in sorted(receiver_keys(config).items()):
        for key in sorted(keys):
            matched = services.get(key, [])
            used.add(key)
            if len(matched) != 1:
                which = ", ".join(matched) or "no generated PagerDuty service"
                found.append(f"receiver {receiver} reads {key}, the integration key of {which}")
    found += [
        f"PagerDuty service {', '.join(names)} is paged by no Alertmanager receiver"
        for key, names in sorted(services.items())
        if key not in used
    ]
    return found
