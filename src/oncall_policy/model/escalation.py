"""Escalation policies: ladders of levels, with per-severity timing."""

from typing import Annotated

from pydantic import Field, model_validator

from oncall_policy.model.types import Duration, Id, Int, PagerDutyName, Strict, Text


class Target(Strict):
    """Whom a level notifies: exactly one of a rotation's slot or a fixed person."""

    rotation: Id | None = None
    slot: Id | None = None
    person: Id | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Target":
        rotating = self.rotation is not None and self.slot is not None
        fixed = self.person is not None and self.rotation is None and self.slot is None
        if rotating == fixed:
            raise ValueError("a target is either {rotation: ID, slot: ID} or {person: ID}")
        return self


class Level(Strict):
    id: Id
    name: Text
    targets: Annotated[tuple[Target, ...], Field(min_length=1, max_length=10)]


class EscalationPolicy(Strict):
    """A ladder; ``timing[severity]`` lists the cumulative time at which each level is notified.

    The guide's "Primary 0–15 min, Secondary 15–30 …" is ``[0m, 15m, 30m, 1h]``. A severity may
    stop before the last level; one without auto-escalation lists only ``[0m]``.
    """

    id: Id
    name: PagerDutyName
    team: Id | None = None
    description: Text | None = None
    loops: Annotated[Int, Field(ge=0, le=9)] = 0
    levels: Annotated[tuple[Level, ...], Field(min_length=1)]
    timing: Annotated[dict[Id, Annotated[tuple[Duration, ...], Field(min_length=1)]], Field(min_length=1)]
