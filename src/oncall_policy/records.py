"""``Record``: a small immutable value class for the silence path, in place of ``@dataclass``.

``oncall-policy silence check`` must finish within 0.1 s. Importing ``dataclasses`` (it imports
``inspect``) costs about 10 ms and each ``@dataclass`` about 1 ms more, as it generates and
``exec``s its methods: some 25 ms for the classes that path uses. A record lists its fields in
``__match_args__`` (and ``__slots__``), assigns each once in ``__init__`` as ``Final`` (so mypy
refuses a later assignment), and gets from them what a frozen dataclass has: equality, a hash, a
``repr`` and ``replace``.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self


class Record:
    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__name__}({fields})"

    def replace(self, **changes: object) -> Self:
        """A copy with some fields changed, as ``dataclasses.replace`` makes one."""
        fields = {name: getattr(self, name) for name in self.__match_args__}
        return type(self)(**{**fields, **changes})
