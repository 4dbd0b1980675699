"""Hypothesis strategies for policies and alerts, documented one by one.

Pattern-constrained fields are drawn with ``st.from_regex(..., fullmatch=True)`` (``st.builds``
over the pydantic model would ignore ``pattern=``-style constraints). Policies are drawn as
plain data and validated by the real model, so every drawn policy is one a user could write.
Sizes are small on purpose: the properties are about shape (ordering, ``continue``, shared
destinations, fallbacks), not volume.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from oncall_policy.model import Policy

#: ids as the model accepts them (letters, digits, '-', '_', '.'), kept short.
ids = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
#: label names safe for matchers, group_by and equal alike.
label_names = st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True).filter(lambda n: n != "alertname")
#: alert names (metric-style).
alert_names = st.from_regex(r"[A-Z][A-Za-z0-9]{0,10}", fullmatch=True)
#: label values, including characters a matcher or YAML emitter must escape.
label_values = st.one_of(
    st.sampled_from(["a", "b", "api", "db", "x.y", "a|b", 'q"uote', "back\\slash", "sp ace", "é"]),
    st.from_regex(r"[a-z0-9.-]{1,6}", fullmatch=True),
)
#: a small vocabulary of labels that routes, alerts and label sets share, so that they meet.
VOCABULARY = {"team": ["a", "b", "api"], "category": ["x.y", "db", "a|b"], "env": ["sp ace", "é", 'q"uote']}
DURATIONS = ["1m", "5m", "15m", "1h", "4h", "1d", "1w"]


def _matcher(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(VOCABULARY)))
    value = draw(st.sampled_from(VOCABULARY[name]))
    op = draw(st.sampled_from(["=", "!=", "=~", "!~"]))
    if op in ("=~", "!~"):
        value = value.replace(".", "\\\\.").replace("|", "\\\\|") + draw(st.sampled_from(["", "|b", ".*"]))
    return f'{name}{op}"{value.replace(chr(34), chr(92) + chr(34))}"'


@st.composite
def severities(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1–4 severities with distinct ids and label values and any service levels."""
    count = draw(st.integers(1, 4))
    names = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    values = draw(st.lists(label_values, min_size=count, max_size=count, unique=True))
    return [
        {
            "id": f"S{name}",
            "name": f"Severity {name}",
            "label_value": value,
            "response_time": draw(st.sampled_from(DURATIONS)),
            "acknowledgement": "required",
            "resolution_target": draw(st.sampled_from(DURATIONS)),
            "pagerduty_severity": draw(st.sampled_from(["critical", "error", "warning", "info"])),
        }
        for name, value in zip(names, values, strict=True)
    ]


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A valid policy: severities, 1–4 paging services and 1–4 channels, 1–6 routes over the
    shared vocabulary (any severities, matchers, ``continue``, page and channels — including none),
    a fallback with 1–3 destinations, 0–8 catalog alerts and 0–2 inhibitions."""
    sev = draw(severities())
    sev_ids = [s["id"] for s in sev]
    services = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    channels = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    some_sev = st.lists(st.sampled_from(sev_ids), max_size=2, unique=True)
    page = st.one_of(st.none(), st.sampled_from(services))
    notify = st.lists(st.sampled_from(channels), max_size=2, unique=True)
    routes = [
        {
            "name": f"r{i}",
            "severities": draw(some_sev),
            "matchers": [_matcher(draw) for _ in range(draw(st.integers(0, 2)))],
            "page": draw(page),
            "notify": draw(notify),
            "continue": draw(st.booleans()),
        }
        for i in range(draw(st.integers(1, 6)))
    ]
    unmatched = {
        "page": draw(page),
        "notify": draw(st.lists(st.sampled_from(channels), min_size=1, max_size=2, unique=True)),
    }
    alerts = [
        {
            "name": name,
            "severity": draw(st.sampled_from(sev_ids)),
            "meaning": "m",
            "response": "r",
            "runbook": draw(st.sampled_from(["rb/x", "https://wiki.example/y"])),
            "labels": {k: draw(st.sampled_from(v)) for k, v in VOCABULARY.items() if draw(st.booleans())},
        }
        for name in draw(st.lists(alert_names, max_size=8, unique=True))
    ]
    inhibitions = [
        {
            "name": f"i{i}",
            "source": {"severities": draw(some_sev)},
            "target": {"matchers": [_matcher(draw)]},
            "equal": draw(st.lists(st.sampled_from(sorted(VOCABULARY)), min_size=1, max_size=2, unique=True)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    return Policy.model_validate(_policy(sev, services, channels, routes, unmatched, alerts, inhibitions))


def _policy(  # noqa: PLR0917 - one call site, reads as the policy's sections
    sev: list[dict[str, Any]],
    services: list[str],
    channels: list[str],
    routes: list[Any],
    unmatched: dict[str, Any],
    alerts: list[Any],
    inhibitions: list[Any],
) -> dict[str, Any]:
    return {
        "version": "oncall-policy/v1",
        "organisation": {"name": "Drawn", "runbook_base_url": "https://runbooks.example/"},
        "secrets": {"directory": "/etc/am/secrets"},
        "roles": [{"id": "engineer"}, {"id": "manager"}],
        "people": [{"id": "p1", "name": "P", "email": "p@example.invalid", "roles": ["engineer", "manager"]}],
        "severities": sev,
        "escalation_policies": [
            {
                "id": "ep",
                "name": "EP",
                "levels": [{"id": "l1", "name": "L1", "targets": [{"person": "p1"}]}],
                "timing": {s["id"]: ["0m"] for s in sev},
            }
        ],
        "paging_services": [
            {
                "id": s,
                "name": f"Service {s}",
                "escalation_policy": "ep",
                "integration_key_file": f"pd/{s}.key",
            }
            for s in services
        ],
        "chat_channels": [
            {"id": c, "channel": f"#{c}", "webhook_url_file": f"slack/{c}.url", "send_resolved": c < "m"}
            for c in channels
        ],
        "alerts": alerts,
        "routing": {
            "group_by": ["alertname"],
            "routes": routes,
            "unmatched": unmatched,
            "inhibitions": inhibitions,
        },
        "silences": {
            "reasons": {"valid": [{"id": "m", "description": "M", "patterns": ["m"]}]},
            "rules": [{"id": "all", "applies_to": {}, "max_duration": "1h"}],
        },
    }


@st.composite
def label_sets(draw: st.DrawFn, policy: Policy) -> dict[str, str]:
    """A label set an alert could carry: any of the vocabulary, maybe a severity, maybe a name."""
    labels = {k: draw(st.sampled_from([*v, "other"])) for k, v in VOCABULARY.items() if draw(st.booleans())}
    if draw(st.booleans()):
        labels[policy.organisation.severity_label] = draw(
            st.sampled_from([s.label_value for s in policy.severities] + ["unknown"])
        )
    if draw(st.booleans()):
        labels["alertname"] = draw(alert_names)
    return labels


def shuffled(policy: Policy, seed: int) -> Policy:
    """The same policy with every unordered section (people, roles, teams, severities, services,
    channels, escalation policies, alerts, inhibitions) in another order; routes keep theirs."""
    rng = random.Random(seed)  # noqa: S311 - a shuffle, not a secret
    data = policy.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    for key in (
        "people",
        "roles",
        "teams",
        "severities",
        "escalation_policies",
        "paging_services",
        "chat_channels",
        "alerts",
    ):
        if key in data:
            rng.shuffle(data[key])
    if "inhibitions" in data["routing"]:
        rng.shuffle(data["routing"]["inhibitions"])
    return Policy.model_validate(data)
