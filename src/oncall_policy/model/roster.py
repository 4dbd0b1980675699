"""Who is there: roles, teams and people."""

from oncall_policy.model.types import Email, Id, PagerDutyText, Strict, Text


class Role(Strict):
    """A responsibility people hold (engineer, manager, security team …); approvals name roles."""

    id: Id
    description: Text | None = None
    # In a policy in parts, whether a team's part may give this role to its own people. Roles an
    # approval of other teams' silences rests on (a security officer) are the root's to give.
    granted_in_parts: bool = False


class Team(Strict):
    """A team that owns rotations, escalation policies, paging services, channels and alerts."""

    id: Id
    name: PagerDutyText
    description: Text | None = None


class Person(Strict):
    """A person (or a shared mailbox such as a security team's) who can be paged or approve."""

    id: Id
    name: PagerDutyText
    email: Email
    roles: tuple[Id, ...] = ()
    team: Id | None = None
