"""Authors and approvals, by identity (``people``): who may approve, and which roles stay uncovered.

Each approver must be a roster person and must not be the author (both reject), compared as
people, whatever the spelling. An approval counts for the required roles the approver holds; an
approver holding none of them is noted and does not count, so a role they were meant to cover
stays uncovered and rejects the silence. (Were such an approver a rejection by itself, shortening
a silence or narrowing its matchers, which can only drop required roles, could turn an accepted
silence into a rejected one.) A team's role (one a policy's parts may give) counts only on a
silence whose alerts are all that team's (``whose``). The author must be a roster person unless
the policy admits guests.
"""

from __future__ import annotations

from oncall_policy.records import Record
from oncall_policy.rulebook import SILENCE, Rule
from oncall_policy.silence.verdict import Approval, Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from oncall_policy.people import Roster

UNKNOWN_AUTHOR = Rule(
    "unknown-author",
    SILENCE,
    "the author is a person of the roster, unless the policy admits guests. An author that names "
    "nobody oncall-policy can tell is refused even then.",
)
UNKNOWN_APPROVER = Rule("unknown-approver", SILENCE, "every approver is a person of the roster.")
SELF_APPROVAL = Rule(
    "self-approval",
    SILENCE,
    "nobody approves their own silence. The author and an approver are compared as people, "
    "whatever the spelling of their addresses.",
)
MISSING_APPROVAL = Rule(
    "missing-approval",
    SILENCE,
    "every role the applicable rules require has approved. An approval counts for the required roles "
    "its approver holds; a declared maintenance window's approvers stand for theirs.",
)


# A missing approval's hint: "ask one of PEOPLE, then add ..." when someone may approve it.
ASK = "ask one of "
THEN_ADD = ", then add --approved-by EMAIL"


class Outcome(Record):
    approvals: tuple[Approval, ...]
    violations: tuple[Violation, ...]
    notes: tuple[str, ...]


def author(text: str, roster: Roster) -> Iterator[Violation]:
    """Whether the author is someone the policy lets create silences."""
    if not text.strip() or roster.find(text) is not None:
        return
    if roster.key(text) is None:
        yield Violation(
            UNKNOWN_AUTHOR.id,
            f"the author {text!r} is not an address oncall-policy can tell who it is",
            "give your roster email (or id) with --author, e.g. --author=you@example.com",
            ("createdBy",),
        )
    elif not roster.guests:
        yield Violation(
            UNKNOWN_AUTHOR.id,
            f"the author {text!r} is not in the policy's roster",
            "silences are created by roster people: give your roster email with --author",
            ("createdBy",),
        )


def check(  # noqa: PLR0913, PLR0917 - a judgement's approvals, as evaluate has them
    approvers: Sequence[str],
    author_text: str,
    required: Mapping[str, tuple[str, ...]],
    roster: Roster,
    team: str | None = None,
    team_label: str = "team",
) -> Outcome:
    """``required`` maps each required role to the rules that require it; ``team``: the team
    whose alerts are all the silence mutes (None: no one team's)."""
    approvals: list[Approval] = []
    violations: list[Violation] = []
    notes: list[str] = []
    author_is = roster.identity(author_text) if author_text.strip() else None
    seen: set[str] = set()
    for index, text in enumerate(approvers):
        person = roster.find(text)
        if person is None:
            violations.append(_unknown(text, index))
        elif author_is is not None and person.id == author_is:
            violations.append(_self_approval(text, index))
        elif person.id in seen:
            continue
        elif covered := tuple(sorted(person.roles_for(team) & required.keys())):
            approvals.append(Approval(person.email, covered))
        elif theirs := sorted(person.team_roles & required.keys()):
            notes.append(_other_team(person.email, theirs, person.team, team_label))
        else:
            notes.append(f"{person.email} holds none of the required roles; their approval does not count")
        if person is not None:
            seen.add(person.id)
    covered_roles = {role for approval in approvals for role in approval.roles}
    for role, rule_ids in required.items():
        if role not in covered_roles:
            violations.append(_missing(role, rule_ids, approvers, roster, author_is, (team, team_label)))
    return Outcome(tuple(approvals), tuple(violations), tuple(notes))


def _other_team(email: str, roles: list[str], own: str | None, team_label: str) -> str:
    return (
        f"{email} is {' and '.join(roles)} of team {own} only, and this silence may mute alerts that "
        f"are not team {own}'s: their approval does not count (it would if the silence muted team "
        f'{own}\'s alerts alone, e.g. with {team_label}="{own}")'
    )


def _self_approval(text: str, index: int) -> Violation:
    return Violation(
        SELF_APPROVAL.id,
        f"{text} is the author and cannot approve their own silence",
        "ask someone else who holds the required role to approve",
        ("approvedBy", index),
    )


def _unknown(text: str, index: int) -> Violation:
    return Violation(
        UNKNOWN_APPROVER.id,
        f"{text} is not in the policy's roster",
        "approvers are roster people, named by the email (or id) the policy lists for them",
        ("approvedBy", index),
    )


def _missing(  # noqa: PLR0913, PLR0917 - what the violation says
    role: str,
    rule_ids: tuple[str, ...],
    approvers: Sequence[str],
    roster: Roster,
    author_is: str | None,
    whose: tuple[str | None, str],
) -> Violation:
    team, team_label = whose
    people = [(text, p) for text in approvers if (p := roster.find(text)) is not None]
    lacking = [text for text, p in people if role not in p.roles_for(team) and role not in p.team_roles]
    elsewhere = [
        f"{text} is {role} of team {p.team} only"
        for text, p in people
        if role in p.team_roles - p.roles_for(team)
    ]
    also = f"; {', '.join(lacking)} {'is' if len(lacking) == 1 else 'are'} not {role}" if lacking else ""
    also += f"; {', '.join(elsewhere)}, and the silence may mute other teams' alerts" if elsewhere else ""
    holders = [p.email for p in roster.holders(role, team) if p.id != author_is]
    if holders:
        ask = f"{ASK}{', '.join(holders[:5])}"
    elif team is None and any(role in p.team_roles for p in roster.people):
        ask = f'{role} approves one team\'s alerts: make one silence per team ({team_label}="…")'
    elif team is not None and any(role in p.team_roles for p in roster.people):
        ask = f"no one else of team {team} is {role}"
    else:
        ask = f"no one else in the roster is {role}"
    return Violation(
        MISSING_APPROVAL.id,
        f"rule {', '.join(rule_ids)} needs approval by {role}{also}",
        f"{ask}{THEN_ADD}",
        ("approvedBy",),
    )
