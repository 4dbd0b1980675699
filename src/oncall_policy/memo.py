"""Work done once per object: for answers every stage asks of the same frozen policy.

The checks, the guide and the PagerDuty compiler each need where every catalog alert goes, and
two targets need the same PagerDuty compilation; one ``compile`` run works each out once. Answers
are held by the object's identity (a frozen pydantic model may hash every field it holds) only
while the object lives, so a new policy is never answered from an old one.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def per_object(function: Callable[Concatenate[T, P], R]) -> Callable[Concatenate[T, P], R]:
    """``function(obj, *rest)`` worked out once for each live ``obj`` and hashable ``rest``."""
    answers: dict[tuple[int, tuple[Hashable, ...]], R] = {}

    def once(obj: T, /, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (id(obj), (*args, *sorted(kwargs.items())))
        if key not in answers:
            answers[key] = function(obj, *args, **kwargs)
            weakref.finalize(obj, answers.pop, key, None)
        return answers[key]

    update_wrapper(once, function)
    return once
