"""Record ``__init__`` templates, one for each shape the package's records have, compiled ahead.

``records`` makes each record class's ``__init__`` from the template of its shape (how many
positional and keyword-only fields, and whether it calls ``__post_init__``), renaming the stand-in
names ``p0``, ``k0``… to the fields. Compiling a template from text costs about 60 µs, and
``silence check`` needs eleven; written here, Python's bytecode cache keeps them compiled. A shape
not here is compiled from text as before. tests/test_records.py holds that every record in the
package has its shape here and that each template is exactly the code ``records`` compiles.
"""

# ruff: noqa: PLR0913, PLR0917 - stand-in names, as many as a shape has fields

from __future__ import annotations

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def p0k6(self: Any, *, k0: object, k1: object, k2: object, k3: object, k4: object, k5: object) -> None:
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3
    self.k4 = k4
    self.k5 = k5


def p0k8(
    self: Any,
    *,
    k0: object,
    k1: object,
    k2: object,
    k3: object,
    k4: object,
    k5: object,
    k6: object,
    k7: object,
) -> None:
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3
    self.k4 = k4
    self.k5 = k5
    self.k6 = k6
    self.k7 = k7


def p0k14_post(
    self: Any,
    *,
    k0: object,
    k1: object,
    k2: object,
    k3: object,
    k4: object,
    k5: object,
    k6: object,
    k7: object,
    k8: object,
    k9: object,
    k10: object,
    k11: object,
    k12: object,
    k13: object,
) -> None:
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3
    self.k4 = k4
    self.k5 = k5
    self.k6 = k6
    self.k7 = k7
    self.k8 = k8
    self.k9 = k9
    self.k10 = k10
    self.k11 = k11
    self.k12 = k12
    self.k13 = k13
    self.__post_init__()


def p1k0_post(self: Any, p0: object) -> None:
    self.p0 = p0
    self.__post_init__()


def p1k10(
    self: Any,
    p0: object,
    *,
    k0: object,
    k1: object,
    k2: object,
    k3: object,
    k4: object,
    k5: object,
    k6: object,
    k7: object,
    k8: object,
    k9: object,
) -> None:
    self.p0 = p0
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3
    self.k4 = k4
    self.k5 = k5
    self.k6 = k6
    self.k7 = k7
    self.k8 = k8
    self.k9 = k9


def p2k0(self: Any, p0: object, p1: object) -> None:
    self.p0 = p0
    self.p1 = p1


def p3k0(self: Any, p0: object, p1: object, p2: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2


def p3k0_post(self: Any, p0: object, p1: object, p2: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.__post_init__()


def p4k0(self: Any, p0: object, p1: object, p2: object, p3: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3


def p4k0_post(self: Any, p0: object, p1: object, p2: object, p3: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.__post_init__()


def p4k6(
    self: Any,
    p0: object,
    p1: object,
    p2: object,
    p3: object,
    *,
    k0: object,
    k1: object,
    k2: object,
    k3: object,
    k4: object,
    k5: object,
) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3
    self.k4 = k4
    self.k5 = k5


def p5k0(self: Any, p0: object, p1: object, p2: object, p3: object, p4: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4


def p5k0_post(self: Any, p0: object, p1: object, p2: object, p3: object, p4: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.__post_init__()


def p5k3(
    self: Any,
    p0: object,
    p1: object,
    p2: object,
    p3: object,
    p4: object,
    *,
    k0: object,
    k1: object,
    k2: object,
) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2


def p5k4(
    self: Any,
    p0: object,
    p1: object,
    p2: object,
    p3: object,
    p4: object,
    *,
    k0: object,
    k1: object,
    k2: object,
    k3: object,
) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.k0 = k0
    self.k1 = k1
    self.k2 = k2
    self.k3 = k3


def p6k0(self: Any, p0: object, p1: object, p2: object, p3: object, p4: object, p5: object) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.p5 = p5


def p7k0(
    self: Any, p0: object, p1: object, p2: object, p3: object, p4: object, p5: object, p6: object
) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.p5 = p5
    self.p6 = p6


def p8k0(
    self: Any, p0: object, p1: object, p2: object, p3: object, p4: object, p5: object, p6: object, p7: object
) -> None:
    self.p0 = p0
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
    self.p5 = p5
    self.p6 = p6
    self.p7 = p7
