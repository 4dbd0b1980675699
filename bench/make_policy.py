"""Print a valid synthetic policy with N catalog alerts: many teams, services and people.

Usage: python bench/make_policy.py N > big.yaml
       python bench/make_policy.py N --parts DIR   (DIR/policy.yaml and one DIR/teams/*.yaml per team)

One team per 100 alerts, each with its own roster, weekly rotation, escalation ladder, two paging
services (one per escalation timing), a channel and routes keyed by a `team` label; an
organisation-wide security class is routed first. Deterministic for a given N.
"""

from __future__ import annotations

import sys
from pathlib import Path

ALERTS_PER_TEAM = 100
SEVERITIES = """\
severities:
  - {id: P1, name: Critical, label_value: critical, response_time: 15m, acknowledgement: required,
     resolution_target: 1h, auto_escalation: 15m, status_updates: 15m, postmortem: always,
     pagerduty_severity: critical}
  - {id: P2, name: Warning, label_value: warning, response_time: 1h, acknowledgement: required,
     resolution_target: 4h, auto_escalation: 1h, status_updates: 30m, postmortem: {longer_than: 2h},
     pagerduty_severity: error}
  - {id: P3, name: Info, label_value: info, response_time: 4h, acknowledgement: optional,
     resolution_target: 1d, pagerduty_severity: info}
"""


def team_ids(alerts: int) -> list[str]:
    return [f"team{t:04d}" for t in range(max(1, -(-alerts // ALERTS_PER_TEAM)))]


def header(alerts: int) -> list[str]:
    return [
        "# Synthetic policy made by bench/make_policy.py for benchmarks.",
        "version: oncall-policy/v1",
        "organisation: {name: Synthetic, runbook_base_url: 'https://runbooks.example.invalid/'}",
        "secrets: {directory: /etc/alertmanager/secrets}",
        # Teams' parts give their people engineer and manager; security-team is the root's to give.
        (
            "roles: [{id: engineer, granted_in_parts: true}, {id: manager, granted_in_parts: true}, "
            "{id: security-team}]"
        ),
        "teams:",
        *(f"  - {{id: {t}, name: Team {t}}}" for t in team_ids(alerts)),
        SEVERITIES.rstrip(),
    ]


def people(teams: list[str], *, security: bool = True) -> list[str]:
    lines = ["people:"]
    if security:
        lines.append("  - {id: sec, name: Security, email: sec@example.invalid, roles: [security-team]}")
    for t in teams:
        for who, role in (("a", "engineer"), ("b", "engineer"), ("c", "engineer"), ("m", "manager")):
            lines.append(
                f"  - {{id: {t}-{who}, name: {t} {who}, email: {t}-{who}@example.invalid, "
                f"roles: [{role}], team: {t}}}"
            )
    return lines


def rotations(teams: list[str]) -> list[str]:
    lines = ["rotations:"]
    for t in teams:
        lines += [
            f"  - id: {t}-weekly",
            f"    name: {t} weekly",
            f"    team: {t}",
            "    turn_length: 1w",
            '    start: "2026-01-05T09:00"',
            "    slots: {primary: {role: engineer}, secondary: {role: engineer}, manager: {role: manager}}",
            "    turns:",
            f"      - {{primary: {t}-a, secondary: {t}-b, manager: {t}-m}}",
            f"      - {{primary: {t}-b, secondary: {t}-c, manager: {t}-m}}",
            f"      - {{primary: {t}-c, secondary: {t}-a, manager: {t}-m}}",
        ]
    return lines


def escalation(teams: list[str]) -> list[str]:
    lines = ["escalation_policies:"]
    for t in teams:
        lines += [
            f"  - id: {t}",
            f"    name: {t} escalation",
            f"    team: {t}",
            "    levels:",
            *(
                f"      - {{id: {slot}, name: {slot}, targets: [{{rotation: {t}-weekly, slot: {slot}}}]}}"
                for slot in ("primary", "secondary", "manager")
            ),
            "    timing: {P1: [0m, 15m, 30m], P2: [0m, 1h, 2h], P3: [0m]}",
        ]
    return lines


def destinations(teams: list[str], *, security: str | None = None) -> list[str]:
    """The paging services and channels; ``security``: the team whose ladder the organisation-wide
    security service uses (``None``: no security service or channel)."""
    services = ["paging_services:"]
    channels = ["chat_channels:"]
    if security is not None:
        services.append(
            f"  - {{id: security, name: Security, escalation_policy: {security}, "
            "integration_key_file: pd/security}"
        )
        channels.append("  - {id: security, channel: '#security', webhook_url_file: slack/security}")
    for t in teams:
        services.extend(
            f"  - {{id: {t}-{kind}, name: {t} {kind}, team: {t}, escalation_policy: {t}, "
            f"integration_key_file: pd/{t}-{kind}}}"
            for kind in ("critical", "warning")
        )
        channels.append(f"  - {{id: {t}, channel: '#{t}', team: {t}, webhook_url_file: slack/{t}}}")
    return services + channels


def alerts(count: int, teams: list[str], first: int = 0) -> list[str]:
    """Alerts ``first`` .. ``count - 1`` (of the whole policy), each of its hundred's team."""
    lines = ["alerts:"]
    for n in range(first, count):
        team = teams[n // ALERTS_PER_TEAM - first // ALERTS_PER_TEAM]
        security = n % 50 == 49
        severity = "P1" if security else ("P1", "P2", "P3")[n % 3]
        category = "security" if security else "service"
        lines.append(
            f"  - {{name: Synthetic{n:05d}Alert, severity: {severity}, team: {team}, "
            f"meaning: Synthetic alert {n} fired., response: Follow the runbook., "
            f"runbook: {team}/alert-{n}, labels: {{team: {team}, category: {category}}}, carries: [service]}}"
        )
    return lines


def routing(teams: list[str], first_team: str) -> list[str]:
    return [
        "routing:",
        "  group_by: [alertname, service, severity]",
        "  routes:",
        (
            "    - {name: security, severities: [P1], matchers: ['category=\"security\"'], page: security, "
            "notify: [security]}"
        ),
        *team_routes(teams, "    "),
        unmatched(first_team),
    ]


def unmatched(first_team: str) -> str:
    # Alerts no team claims reach the first team's channel and page no one: the synthetic
    # organisation says so (``unknown-unpaged`` acknowledged), in one file and in parts alike (a
    # part's routes follow the root's, so a catch-all route there would claim every alert).
    return f"  unmatched: {{notify: [{first_team}], acknowledged: [unknown-unpaged]}}"


def team_routes(teams: list[str], indent: str) -> list[str]:
    lines = []
    for t in teams:
        lines += [
            (
                f"    - {{name: {t}-p1, severities: [P1], matchers: ['team=\"{t}\"'], page: {t}-critical, "
                f"notify: [{t}]}}"
            ),
            (
                f"    - {{name: {t}-p2, severities: [P2], matchers: ['team=\"{t}\"'], page: {t}-warning, "
                f"notify: [{t}]}}"
            ),
            f"    - {{name: {t}-p3, severities: [P3], matchers: ['team=\"{t}\"'], notify: [{t}]}}",
        ]
    return [indent + line.removeprefix("    ") for line in lines]


SILENCES = """\
silences:
  reasons:
    valid:
      - {id: maintenance, description: Scheduled maintenance, patterns: ['\\bmaintenance\\b']}
      - {id: known-issue, description: Known issue being worked, patterns: ['\\bknown issue\\b']}
    invalid:
      - {id: annoying, description: Alert is annoying, patterns: ['\\bannoying\\b']}
  rules:
    - {id: security, applies_to: {matchers: ['category="security"']}, max_duration: 1h,
       approvals: [manager, security-team], relaxed_by_maintenance: false}
    - {id: p1, applies_to: {severities: [P1]}, max_duration: 1h, approvals: [manager]}
    - {id: p2, applies_to: {severities: [P2]}, max_duration: 4h}
    - {id: p3, applies_to: {severities: [P3]}, max_duration: 1d}
  maintenance: {reason: maintenance, max_duration: 3d, approval_beyond: 4h, approvals: [manager]}
"""


def make(count: int) -> str:
    teams = team_ids(count)
    parts = [
        header(count),
        people(teams),
        rotations(teams),
        escalation(teams),
        destinations(teams, security=teams[0]),
        alerts(count, teams),
        routing(teams, teams[0]),
        [SILENCES.rstrip()],
    ]
    return _text(parts)


def _text(parts: list[list[str]]) -> str:
    return "\n".join(line for part in parts for line in part) + "\n"


def make_parts(count: int) -> dict[str, str]:
    """The same policy as ``make(count)``, as a root ``policy.yaml`` that includes one part per
    team (``teams/<team>.yaml``): merged, it is ``make(count)`` item for item."""
    teams = team_ids(count)
    root = [
        [*header(count)[:4], "include: ['teams/*.yaml']", *header(count)[4:]],
        people([]),
        destinations([], security=teams[0]),
        [
            "routing:",
            "  group_by: [alertname, service, severity]",
            "  routes:",
            (
                "    - {name: security, severities: [P1], matchers: ['category=\"security\"'], "
                "page: security, notify: [security]}"
            ),
            unmatched(teams[0]),
        ],
        [SILENCES.rstrip()],
    ]
    files = {"policy.yaml": _text(root)}
    for number, t in enumerate(teams):
        first = number * ALERTS_PER_TEAM
        files[f"teams/{t}.yaml"] = _text(
            [
                ["# Team part made by bench/make_policy.py.", "version: oncall-policy/v1", f"team: {t}"],
                people([t], security=False),
                rotations([t]),
                escalation([t]),
                destinations([t]),
                alerts(min(count, first + ALERTS_PER_TEAM), [t], first),
                ["routes:", *team_routes([t], "  ")],
            ]
        )
    return files


def main(argv: list[str]) -> int:
    parts = len(argv) == 4 and argv[2] == "--parts"
    if len(argv) not in {2, 4} or (len(argv) == 4 and not parts) or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: make_policy.py N [--parts DIR]   (N >= 1 catalog alerts)", file=sys.stderr)
        return 2
    if not parts:
        sys.stdout.write(make(int(argv[1])))
        return 0
    for name, text in make_parts(int(argv[1])).items():
        path = Path(argv[3], name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
