"""``Record``: a small immutable value class for the silence path, in place of ``@dataclass``.

``oncall-policy silence check`` must finish within 0.1 s. Importing ``dataclasses`` (it imports
``inspect``) and generating each class's methods make it take 84 ms of CPU instead of 33 with
``@dataclass(frozen=True, slots=True)``, and ``typing.NamedTuple`` 53 ms (``bench/tricks.py``).
A record is written as a frozen dataclass is: its fields are its annotations, each named once,

    class Span(Record):
        silence_id: str
        start: datetime
        cap: timedelta = timedelta(0)

and ``Record`` makes from them, once, when the class is created: ``__slots__``,
``__match_args__`` and an ``__init__`` that assigns each field (then calls ``__post_init__``
when the class has one, for state worked out from the fields, whose slots it lists in its own
``__slots__``). ``Record(kw_only=True)`` or a ``_: KW_ONLY`` line make fields keyword-only, as in
a dataclass. Equality, the hash, ``repr`` and ``replace`` go by the fields. mypy reads the
class as a frozen dataclass (``dataclass_transform``): a field cannot be assigned after
``__init__``.
"""

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, ClassVar, Self, dataclass_transform
else:

    def dataclass_transform(**_options: object) -> object:
        """Only tells mypy how records are made: nothing to do at run time."""
        return lambda cls: cls


_KW_ONLY = (
    "KW_ONLY"  # the annotation (text, as every module here postpones annotations) of dataclasses' marker
)


class _RecordType(type):
    """The class of the record classes: works out each one's fields as it is created."""

    def __new__(
        cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], *, kw_only: bool = False
    ) -> _RecordType:
        positional: list[str] = []
        keyword: list[str] = []
        for field, annotation in namespace.get("__annotations__", {}).items():
            if annotation == _KW_ONLY:
                kw_only = True
            elif not annotation.startswith("ClassVar"):
                (keyword if kw_only else positional).append(field)
        fields = (*positional, *keyword)
        # A class attribute of a slot's name would hide the slot: defaults go to __init__ instead.
        defaults = {field: namespace.pop(field) for field in fields if field in namespace}
        own = tuple(namespace.get("__slots__", ()))
        if own and not fields and "__init__" in namespace:
            # The old way (slots and a hand-written __init__) would compare every two equal.
            raise TypeError(f"{name}: declare a record's fields as annotations, not in __slots__")
        if set(own) & set(fields):
            raise TypeError(
                f"{name}: __slots__ lists only what is not a field, not {sorted(set(own) & set(fields))}"
            )
        if any(getattr(base, "_fields", ()) for base in bases):
            # A record of a record is another type of the same value (``api.KeyViolation``): it
            # keeps its parent's fields, __init__ and __match_args__, and may add none of its own.
            if fields:
                raise TypeError(f"{name}: a record that extends another adds no fields")
            namespace["__slots__"] = own
            return super().__new__(cls, name, bases, namespace)
        namespace["__slots__"] = (*fields, *own)
        namespace["__match_args__"] = tuple(positional)
        namespace["_fields"] = fields
        made = super().__new__(cls, name, bases, namespace)
        if fields and "__init__" not in namespace:
            made.__init__ = _compiled_when_first_made(made, positional, keyword, defaults)  # type: ignore[misc]
        return made


def _compiled_when_first_made(
    made: type, positional: list[str], keyword: list[str], defaults: dict[str, object]
) -> Any:
    """An ``__init__`` that compiles the real one (``_init``) when the first record of ``made``
    is made, and puts it in its place: a command pays only for the records it makes (``silence
    check`` makes few of the forty kinds it imports; compiling them all took 2 ms of its 35)."""

    def __init__(self: object, *args: object, **kwargs: object) -> None:  # noqa: N807 - it is one
        real = _init(positional, keyword, defaults, post=hasattr(made, "__post_init__"))
        made.__init__ = real  # type: ignore[misc]
        real(self, *args, **kwargs)

    return __init__


def _init(positional: list[str], keyword: list[str], defaults: dict[str, object], *, post: bool) -> Any:
    """``__init__`` for these fields: assigning each field by name runs as fast as a
    hand-written ``__init__``, as records are made by the hundred thousand in an audit. The code
    is compiled once per shape (how many fields of each kind, and ``__post_init__``) with
    stand-in names, and each class gets a copy with its own names (``code.replace``, a few
    microseconds where compiling took about 60)."""
    template = _template(len(positional), len(keyword), post=post)
    fields = (*positional, *keyword)
    names = (*fields, "__post_init__") if post else fields
    code = template.replace(co_varnames=("self", *fields), co_names=names, co_name="__init__")
    made = _FUNCTION(code, {}, "__init__")
    made.__defaults__ = tuple(defaults[f] for f in positional if f in defaults) or None
    made.__kwdefaults__ = {f: defaults[f] for f in keyword if f in defaults} or None
    return made


# ``types`` names these two, but importing it costs ``silence check`` about 0.3 ms.
_FUNCTION: Any = type(_init)
_TEMPLATES: dict[tuple[int, int, bool], Any] = {}  # code objects


def _template(positional: int, keyword: int, *, post: bool) -> Any:
    shape = (positional, keyword, post)
    if shape not in _TEMPLATES:
        from oncall_policy import record_shapes  # noqa: PLC0415 - when the first record is made

        written = getattr(record_shapes, shape_name(positional, keyword, post=post), None)
        _TEMPLATES[shape] = written.__code__ if written is not None else _compiled(*shape)
    return _TEMPLATES[shape]


def shape_name(positional: int, keyword: int, *, post: bool) -> str:
    """The name of the shape's template in ``record_shapes``."""
    return f"p{positional}k{keyword}" + ("_post" if post else "")


def _compiled(positional: int, keyword: int, post: bool) -> Any:
    """The template of a shape ``record_shapes`` does not have, compiled from text."""
    first = [f"p{n}" for n in range(positional)]
    rest = [f"k{n}" for n in range(keyword)]
    parameters = ", ".join(["self", *first, *(["*"] if rest else []), *rest])
    body = [f"    self.{field} = {field}" for field in (*first, *rest)] or ["    pass"]
    if post:
        body.append("    self.__post_init__()")
    namespace: dict[str, Any] = {}
    exec(f"def __init__({parameters}):\n" + "\n".join(body), namespace)  # noqa: S102 - stand-in names
    return namespace["__init__"].__code__


@dataclass_transform(frozen_default=True)
class Record(metaclass=_RecordType):
    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()  # every field, the keyword-only ones too

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def replace(self, **changes: object) -> Self:
        """A copy with some fields changed, as ``dataclasses.replace`` makes one."""
        fields = {name: getattr(self, name) for name in self._fields}
        return type(self)(**{**fields, **changes})
