"""How much a language query may explore before it answers ``UNDECIDED``.

Deciding emptiness of an extended regular expression can take exponentially many states, and a
counted repetition such as ``(a{1000}){1000}`` a million; the CLI has a second for everything.
So every query carries a ``Budget`` and gives up, with the distinct answer ``UNDECIDED``, when it
runs out. Callers then over-approximate (treat the silence as possibly matching anything).

Measured (CPython 3.11, one core of this machine, ``bench/regex_language.py``): the questions a
silence asks of its matchers against 12 or 10,000 known alert names take 0.1–15 ms, under 200
states and 2,600 steps. The worst inputs found, by hand ((a{1000}){1000}, (a|aa){1000},
[ab]*a[ab]{20}) and by fuzzing 20,000 random Go patterns, run out of the default budget in
0.1–0.4 s; a caller with a deadline passes ``Budget(seconds=…)`` as well.

A budget bounds one query, but one judgement asks many, and short patterns can be hard (six
earlier silences with ``[ab]*a[ab]{12}`` split a later silence's history into 64 questions, each
spending its whole budget: 16 s). So the queries asked inside ``sharing(allowance)`` also draw on
one ``Allowance`` of states and steps; once it is spent, every further query answers
``UNDECIDED`` at once. The allowance counts work, not time, so a verdict never depends on how
busy the machine is.
"""

from __future__ import annotations

import time
from _thread import get_ident

from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from enum import Enum
    from typing import ClassVar, Final, NoReturn


class _Undecided:
    """``Undecided`` as it runs: the class of one object, ``UNDECIDED``, neither true nor false.

    To mypy, ``Undecided`` is the one-member ``Enum`` below, so that ``answer is UNDECIDED``
    narrows ``bool | Undecided`` to ``bool``, as mypy narrows no other kind of singleton. At run
    time it is this class, which has what the member has — one object, compared by identity, its
    ``name`` and ``value``, its repr and str, copies and pickles that are itself, a truth value
    that raises — without importing ``enum``: with the ``functools`` and ``collections`` it
    imports, about 5 ms of ``silence check``'s start-up (measured), for nothing else of it. Only
    the Enum's class-level lookups (``Undecided("UNDECIDED")``, iterating) are left out.
    ``tests/test_budget_undecided.py`` holds the two alike.
    """

    __slots__ = ()
    UNDECIDED: ClassVar[_Undecided]
    name = value = "UNDECIDED"

    def __bool__(self) -> NoReturn:
        # ``if language.is_empty():`` must not quietly read UNDECIDED as an answer.
        raise TypeError("UNDECIDED is neither true nor false: test `is UNDECIDED` first")

    def __repr__(self) -> str:
        return "UNDECIDED"

    def __str__(self) -> str:
        return "UNDECIDED"

    def __reduce__(self) -> str:
        return "UNDECIDED"  # this module's global of that name: pickled and copied as itself


_Undecided.UNDECIDED = _Undecided()

if TYPE_CHECKING:

    class Undecided(Enum):
        """The answer of a query that ran out of budget: neither true nor false."""

        UNDECIDED = "UNDECIDED"

        def __bool__(self) -> NoReturn: ...

else:
    Undecided = _Undecided

UNDECIDED: Final = Undecided.UNDECIDED


class Budget(Record):
    """``states``: distinct (derivative, context) states a query may discover; ``steps``: term
    nodes it may visit while taking derivatives (the work inside a state, which a huge term or a
    wide alphabet partition makes large); ``seconds``: wall time, or ``None`` for no clock."""

    states: int = 5_000
    steps: int = 50_000
    seconds: float | None = None


DEFAULT_BUDGET: Final = Budget()


class OutOfBudget(Exception):  # noqa: N818 - a signal between the explorer and the query, not an error
    """Raised inside a query when its budget is spent; the query turns it into ``UNDECIDED``."""


Cost = tuple[int, int]  # states, steps


class Allowance:
    """What the queries of one judgement may spend together (see the module's docstring).
    ``cut``: whether a query answered ``UNDECIDED`` because the allowance, not its own budget,
    ran out — an answer that depends on what was asked before it, not to be remembered.

    A judgement costs what each distinct answer it needs cost to work out, once: an answer
    remembered from another judgement is charged that cost the first time this allowance uses
    it (``afford``), one worked out here is charged as it is explored (``spend``, then
    ``bought``). So what was judged before in the process, or remembered, changes no verdict.
    ``recording`` gathers the answers a block of work used, with their costs, so that a value
    remembered from that block charges them again (``afford_all``)."""

    __slots__ = ("_recorders", "cut", "paid", "states", "steps")

    def __init__(self, states: int, steps: int) -> None:
        self.states = states
        self.steps = steps
        self.cut = False
        self.paid: dict[object, Cost] = {}  # the answers this allowance has paid for
        self._recorders: list[dict[object, Cost]] = []

    def spend(self, states: int, steps: int) -> None:
        self.states -= states
        self.steps -= steps
        if self.states < 0 or self.steps < 0:
            self.cut = True
            _give_up()

    def bought(self, key: object, cost: Cost) -> None:
        """The answer ``key`` was worked out here, for ``cost`` (spent already)."""
        self.paid[key] = cost
        self._used(key, cost)

    def afford(self, key: object, states: int, steps: int) -> bool:
        """Spend what the answer ``key``, known already, cost when it was worked out, unless
        this allowance has paid for it, if that much is left (True); else spend nothing (False),
        and the caller works it out again, to be cut short where it would have been."""
        return self.afford_all({key: (states, steps)})

    def afford_all(self, costs: dict[object, Cost]) -> bool:
        """``afford`` for every answer of ``costs`` together: all of them, or none."""
        due = [(key, cost) for key, cost in costs.items() if key not in self.paid]
        states = sum(cost[0] for _, cost in due)
        steps = sum(cost[1] for _, cost in due)
        if states > self.states or steps > self.steps:
            return False
        self.states -= states
        self.steps -= steps
        self.paid.update(due)
        for key, cost in costs.items():
            self._used(key, cost)
        return True

    def recording(self) -> _Recording:
        """A block whose used answers, with their costs, the ``with`` gives (a dict, filled as
        the block runs)."""
        return _Recording(self)

    def _used(self, key: object, cost: Cost) -> None:
        for recorder in self._recorders:
            recorder[key] = cost


class _Recording:
    __slots__ = ("_allowance", "_used")

    def __init__(self, allowance: Allowance) -> None:
        self._allowance = allowance
        self._used: dict[object, Cost] = {}

    def __enter__(self) -> dict[object, Cost]:
        self._allowance._recorders.append(self._used)  # noqa: SLF001 - its own allowance's
        return self._used

    def __exit__(self, *_: object) -> None:
        recorders = self._allowance._recorders  # noqa: SLF001 - its own allowance's
        # By identity: a nested recording's dict may be equal to this one (both empty).
        del recorders[next(i for i, used in enumerate(recorders) if used is self._used)]


# The allowance of each thread's judgement under way, by thread. A judgement runs to its end
# without yielding (the gate judges on its event loop, or in a worker thread), so one per thread
# is all there is; a ``ContextVar`` would do the same at the cost of importing ``contextvars``
# (~0.4 ms of ``silence check``'s start-up), where ``_thread`` is loaded with the interpreter.
_SHARED: dict[int, Allowance] = {}


class sharing:  # noqa: N801 - used as a function: `with budget.sharing(allowance): ...`
    """The queries asked inside the block draw on ``allowance`` too; an enclosing block's
    allowance stands (a judgement inside an audit spends the audit's), unless ``apart``: then
    the block has ``allowance`` to itself, and the enclosing one is not charged for it. Given
    ``size`` (states, steps) instead, the allowance is made only when the block needs its own
    (an audit enters a judgement's block for each of 50,000 silences)."""

    __slots__ = ("_allowance", "_apart", "_entered", "_outer", "_size")

    def __init__(
        self, allowance: Allowance | None = None, *, apart: bool = False, size: tuple[int, int] = (0, 0)
    ) -> None:
        self._allowance = allowance
        self._size = size
        self._apart = apart
        self._entered = False
        self._outer: Allowance | None = None

    def __enter__(self) -> Allowance:
        thread = get_ident()
        outer = _SHARED.get(thread)
        if outer is not None and not self._apart:
            return outer
        if self._allowance is None:
            self._allowance = Allowance(*self._size)
        self._entered, self._outer = True, outer
        _SHARED[thread] = self._allowance
        return self._allowance

    def __exit__(self, *_: object) -> None:
        if self._entered:
            self._entered = False
            if self._outer is None:
                del _SHARED[get_ident()]
            else:
                _SHARED[get_ident()], self._outer = self._outer, None


def shared() -> Allowance | None:
    """The allowance the queries asked now (on this thread) draw on, if any."""
    return _SHARED.get(get_ident()) if _SHARED else None


class Meter:
    """What one query has spent so far (and charged to the shared allowance, if any: the same
    amounts). ``exhausted``: it gave up because its own budget ran out, not the allowance — an
    answer (``UNDECIDED``) as much a fact about the question as a decided one."""

    __slots__ = ("_budget", "_deadline", "_shared", "exhausted", "states", "steps")

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._deadline = None if budget.seconds is None else time.monotonic() + budget.seconds
        self._shared = shared()
        self.states = 0
        self.steps = 0
        self.exhausted = False
        if self._shared is not None:
            self._shared.spend(0, 0)  # an allowance spent already: UNDECIDED at once

    def add_state(self) -> None:
        self.states += 1
        if self._shared is not None:
            self._shared.spend(1, 0)
        if self.states > self._budget.states:
            self._exhaust()
        self._check_clock()

    def add_steps(self, steps: int) -> None:
        self.steps += steps
        if self._shared is not None:
            self._shared.spend(0, steps)
        if self.steps > self._budget.steps:
            self._exhaust()
        self._check_clock()

    def _exhaust(self) -> NoReturn:
        self.exhausted = True
        _give_up()

    def _check_clock(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            _give_up()


def _give_up() -> NoReturn:
    raise OutOfBudget
