"""``Record``: fields named once, as annotations, give what a frozen dataclass with slots has."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import pytest

from oncall_policy import record_shapes
from oncall_policy.records import Record, _compiled, shape_name
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import KW_ONLY


class Point(Record):
    x: int
    y: int = 0


class Named(Record, kw_only=True):
    name: str
    size: int = 1


class Mixed(Record):
    first: str
    _: KW_ONLY
    rest: tuple[str, ...] = ()


class Derived(Record):
    __slots__ = ("_double",)

    x: int

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError(self.x)
        self._double = self.x * 2


def test_fields_become_slots_match_args_and_init():
    assert Point.__slots__ == ("x", "y")
    assert Point.__match_args__ == ("x", "y")
    assert Point(1) == Point(1, 0) == Point(x=1, y=0)
    assert Point(1, 2).y == 2
    with pytest.raises(AttributeError):
        Point(1).z = 3  # type: ignore[attr-defined]


def test_keyword_only_fields_as_in_a_dataclass():
    assert Named(name="a") == Named(name="a", size=1)
    with pytest.raises(TypeError):
        Named("a")  # type: ignore[misc]
    assert Named.__match_args__ == ()
    assert Mixed("a", rest=("b",)).rest == ("b",)
    with pytest.raises(TypeError):
        Mixed("a", ("b",))  # type: ignore[misc]
    assert Mixed.__match_args__ == ("first",)
    assert Mixed.__slots__ == ("first", "rest")


def test_equality_hash_repr_and_replace_go_by_the_fields():
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != (1, 2)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert repr(Mixed("a")) == "Mixed(first='a', rest=())"
    assert Named(name="a").replace(size=3) == Named(name="a", size=3)
    assert Derived(2).replace(x=5)._double == 10


def test_post_init_works_out_state_beside_the_fields():
    assert Derived(3)._double == 6
    assert Derived.__slots__ == ("x", "_double")
    assert Derived(3) == Derived(3)
    with pytest.raises(ValueError, match="-1"):
        Derived(-1)


def test_records_pickle_as_the_audit_sends_them_between_processes():
    for value in (Point(1, 2), Named(name="a"), Mixed("a", rest=("b",)), Derived(4)):
        copy = pickle.loads(pickle.dumps(value))  # noqa: S301 - our own bytes
        assert copy == value
    assert pickle.loads(pickle.dumps(Derived(4)))._double == 8  # noqa: S301


def test_a_field_listed_again_in_slots_is_refused():
    with pytest.raises(TypeError, match=r"__slots__ lists only what is not a field, not \['x'\]"):

        class Twice(Record):
            __slots__ = ("x",)

            x: int


class Labelled(Point):
    """Another type of the same value, as ``api.KeyViolation`` is of ``Violation``."""

    __slots__ = ()


def test_a_record_of_a_record_keeps_its_parents_fields():
    """Equal values of the subtype are equal, different ones are not, and each is another type."""
    assert Labelled(1, 2) == Labelled(1, 2)
    assert Labelled(1, 2) != Labelled(2, 1)
    assert Labelled(1, 2) != Point(1, 2)
    assert Labelled.__match_args__ == ("x", "y")
    assert Labelled(1, 2).replace(y=5) == Labelled(1, 5)
    assert repr(Labelled(1)) == "Labelled(x=1, y=0)"


def test_a_record_of_a_record_adds_no_fields():
    with pytest.raises(TypeError, match="adds no fields"):

        class Wider(Point):
            z: int


def test_fields_in_slots_with_a_hand_written_init_are_refused():
    """The way records were written before would have no fields, and compare every two equal."""
    with pytest.raises(TypeError, match="declare a record's fields as annotations"):

        class Old(Record):
            __slots__ = ("x",)

            def __init__(self, x: int) -> None:
                self.x = x


def _package_records() -> list[type[Record]]:
    import oncall_policy  # noqa: PLC0415

    for module in pkgutil.walk_packages(oncall_policy.__path__, "oncall_policy."):
        if not module.name.endswith("__main__"):  # it runs the command line
            importlib.import_module(module.name)
    found, stack = [], list(Record.__subclasses__())
    while stack:
        made = stack.pop()
        stack.extend(made.__subclasses__())
        if made.__module__.startswith("oncall_policy.") and "_fields" in made.__dict__:
            found.append(made)
    return found


def test_every_record_in_the_package_has_its_shape_compiled_ahead() -> None:
    records = _package_records()
    assert len(records) > 30  # the package's own: its records are found at all
    missing = {
        made.__qualname__: name
        for made in records
        if not hasattr(
            record_shapes,
            name := shape_name(
                len(made.__match_args__),
                len(made._fields) - len(made.__match_args__),
                post=hasattr(made, "__post_init__"),
            ),
        )
    }
    assert not missing, f"add these shapes to oncall_policy/record_shapes.py: {missing}"


@pytest.mark.parametrize("name", [name for name in vars(record_shapes) if name[:1] == "p"])
def test_a_shape_compiled_ahead_is_the_code_compiled_from_text(name: str) -> None:
    written = getattr(record_shapes, name).__code__
    positional, keyword = (int(n) for n in name.removeprefix("p").removesuffix("_post").split("k"))
    compiled = _compiled(positional, keyword, name.endswith("_post"))
    for attribute in ("co_code", "co_consts", "co_names", "co_varnames", "co_argcount", "co_kwonlyargcount"):
        assert getattr(written, attribute) == getattr(compiled, attribute), attribute
