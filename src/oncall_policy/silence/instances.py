"""Which alert *instances* silences share: the ground history is counted on.

A catalog alert is many alerts at run time — one per value of each label it carries (ServiceDown
for ``service="api"``, for ``service="web"``, …); an alert outside the catalog is one per label
set. Two silences on ServiceDown for different services never mute the same alert, so their time
does not add up; three spellings of "every ServiceDown" do. So, for a silence and an alert it
reaches, the instances it mutes are split into *cells*: sets of instances that the same other
silences mute. History is then counted per cell (``evaluate``), exactly as if each cell were an
alert of its own.

A silence's *facet* on an alert is what it says about the labels that vary for that alert (the
carried ones; for the unknown bucket, every label, the name included, outside the catalog's
names). On one label, the values that matter are those other silences name with ``=`` (each its
own cell) and the rest, split by the other silences' regex and negative matchers on the label
(each combination the language engine finds non-empty). Where that would mean too many cells, or
the engine cannot decide, the split stops: cells are merged, which can only make the count
stricter, never looser.
"""

from __future__ import annotations

from itertools import product

from oncall_policy.matchers import Op
from oncall_policy.matching.budget import UNDECIDED
from oncall_policy.records import Record
from oncall_policy.silence import labels
from oncall_policy.silence.history import Timeline
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping
    from datetime import timedelta
    from typing import Final

    from oncall_policy.matchers import Matcher
    from oncall_policy.silence.history import Span

    Constraint = tuple[Matcher, ...]

MAX_CELLS = 2048  # beyond this, cells are merged (stricter, never looser)
MAX_SPLITTERS = 6  # regex/negative constraints on one label split its rest 2**n ways at most


class Facet(Record):
    """A silence's matchers on the labels that vary for one alert, by label."""

    __slots__ = ("key",)  # the constraints as a set: what facets that say the same share

    constraints: dict[str, Constraint]

    def __post_init__(self) -> None:
        self.key = frozenset(
            (name, ((found[0].op.value, found[0].value),) if len(found) == 1 else _sorted(found))
            for name, found in self.constraints.items()
        )

    def value(self, name: str) -> str | None:
        """The value of ``name`` when the facet names it with one ``=`` and nothing else."""
        found = self.constraints.get(name, ())
        return found[0].value if len(found) == 1 and found[0].op is Op.EQUAL else None

    @property
    def equalities(self) -> tuple[tuple[str, str], ...] | None:
        """Label and value for each label, when every label is one ``=`` (else None)."""
        pairs = [(name, self.value(name)) for name in sorted(self.constraints)]
        if any(value is None for _, value in pairs):
            return None
        return tuple(pairs)  # type: ignore[arg-type]


def _sorted(found: Constraint) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((m.op.value, m.value) for m in found))


class Domain(Record):
    """What a varying label may hold for the alert: one of ``values`` (None: any string), never
    one of ``excluded`` (the catalog's names, for the name of an alert outside the catalog)."""

    values: tuple[str, ...] | None = None
    excluded: labels.Excluded | None = None


class Rest(Record):
    """The values of a label that no other silence names with ``=``, that the splitters
    ``inside`` admit and the others do not (``splitters`` are all of them, by index)."""

    inside: frozenset[int]
    splitters: tuple[Constraint, ...]


Cell = dict[str, "str | Rest"]  # label → a value, or a part of the rest


class Shared:
    """Every silence on one alert (its span), by facet, indexed to find the ones that mute a cell."""

    __slots__ = (
        "_cells",
        "_equal",
        "_general",
        "_named",
        "_per_facet",
        "_splitters",
        "_timelines",
        "domains",
        "gap",
        "groups",
        "undecided",
    )

    def __init__(
        self, entries: Iterable[tuple[Facet, Span]], domains: Mapping[str, Domain], gap: timedelta
    ) -> None:
        self.domains: Final = domains
        self.gap: Final = gap
        self.undecided = False  # whether a question about its cells was cut short (see cells)
        self._timelines: Final[dict[tuple[object, ...], Timeline]] = {}
        self._cells: Final[dict[frozenset[object], list[Cell] | None]] = {}
        self._per_facet: Final[dict[frozenset[object], list[tuple[Cell, Timeline]] | None]] = {}
        self.groups: Final[dict[frozenset[object], tuple[Facet, list[Span]]]] = {}
        for facet, item in entries:
            self.groups.setdefault(facet.key, (facet, []))[1].append(item)
        self._equal: Final[dict[tuple[str, ...], dict[tuple[str, ...], list[Facet]]]] = {}
        self._general: Final[list[Facet]] = []
        self._named: Final[dict[str, set[str]]] = {}
        self._splitters: Final[dict[str, dict[Constraint, None]]] = {}
        for facet, _ in self.groups.values():
            self._index(facet)

    def _index(self, facet: Facet) -> None:
        for name in facet.constraints:
            value = facet.value(name)
            if value is not None:
                self._named.setdefault(name, set()).add(value)
            else:
                self._splitters.setdefault(name, {})[facet.constraints[name]] = None
        pairs = facet.equalities
        if pairs is None or not pairs:
            self._general.append(facet)
        else:
            pattern = tuple(name for name, _ in pairs)
            self._equal.setdefault(pattern, {}).setdefault(tuple(v for _, v in pairs), []).append(facet)

    def cells(self, mine: Facet) -> list[Cell] | None:
        """The cells ``mine`` splits into; None when there would be too many. Worked out within
        an allowance of its own (``labels.history_cells``), so that they are the same whichever
        silence, judged with whichever others, asks first (an audit, serial or in parts)."""
        if mine.key not in self._cells:
            with labels.history_cells() as allowance:
                self._cells[mine.key] = self._split(mine)
            self.undecided = self.undecided or allowance.cut
        return self._cells[mine.key]

    def timelines(self, mine: Facet) -> list[tuple[Cell, Timeline]] | None:
        """Each cell ``mine`` splits into, with its timeline; None when there would be too many
        cells (worked out once per facet: an audit judges many silences of one facet)."""
        if mine.key not in self._per_facet:
            cells = self.cells(mine)
            self._per_facet[mine.key] = None if cells is None else [(c, self.timeline(c)) for c in cells]
        return self._per_facet[mine.key]

    def timeline(self, cell: Cell) -> Timeline:
        """Every silence muting ``cell``, in stretches (worked out once per cell)."""
        key = tuple(sorted(cell.items()))
        found = self._timelines.get(key)
        if found is None:
            found = self._timelines[key] = Timeline(self.muting(cell), self.gap)
        return found

    def _split(self, mine: Facet) -> list[Cell] | None:
        names = sorted(set(mine.constraints) | set(self._named) | set(self._splitters))
        per_label: list[list[str | Rest]] = []
        count = 1
        for name in names:
            found = self._label_cells(name, mine, self.domains.get(name, Domain()))
            if found is None:
                return None
            count *= len(found)
            if count > MAX_CELLS:
                return None
            per_label.append(found)
        return [dict(zip(names, combination, strict=True)) for combination in product(*per_label)]

    def _label_cells(self, name: str, mine: Facet, domain: Domain) -> list[str | Rest] | None:
        own = mine.constraints.get(name, ())
        if (value := mine.value(name)) is not None:
            return [value] if _in_domain(value, domain) else []
        if domain.values is not None:  # a finite domain: every value is a cell of its own
            return [v for v in domain.values if labels.admits(own, v)]
        named = sorted(self._named.get(name, ()))
        found: list[str | Rest] = [v for v in named if _in_domain(v, domain) and labels.admits(own, v)]
        splitters = tuple(self._splitters.get(name, {}))
        if len(splitters) > MAX_SPLITTERS:
            return None
        found.extend(
            Rest(inside, splitters)
            for inside in _subsets(len(splitters))
            if _rest_exists(own, named, splitters, inside, domain)
        )
        return found

    def muting(self, cell: Cell) -> list[Span]:
        """The items of the silences that mute the instances of ``cell``."""
        facets = [facet for facet in self._general if admits(facet, cell)]
        for pattern, by_values in self._equal.items():
            values = tuple(cell.get(name) for name in pattern)
            if all(isinstance(v, str) for v in values):
                facets.extend(by_values.get(values, ()))  # type: ignore[arg-type]
        return [item for facet in facets for item in self.groups[facet.key][1]]

    def sharing(self, mine: Facet) -> list[Span]:
        """The items of every silence that mutes some instance ``mine`` mutes (for when the cells
        would be too many: one cell of all of them, which counts more, never less), within an
        allowance of its own as ``cells``."""
        with labels.history_cells() as allowance:
            found = [
                item
                for facet, items in self.groups.values()
                if shares(mine, facet, self.domains)
                for item in items
            ]
        self.undecided = self.undecided or allowance.cut
        return found


def _subsets(count: int) -> Iterable[frozenset[int]]:
    for mask in range(1 << count):
        yield frozenset(i for i in range(count) if mask >> i & 1)


def _rest_exists(
    own: Constraint,
    named: Collection[str],
    splitters: tuple[Constraint, ...],
    inside: frozenset[int],
    domain: Domain,
) -> bool:
    """Whether some value outside ``named`` satisfies ``own`` and exactly the splitters ``inside``."""
    from oncall_policy.matching.language import Language  # noqa: PLC0415 - only when regexes split

    if labels.too_long(own) or any(labels.too_long(splitter) for splitter in splitters):
        return True  # not analysed (labels.MAX_ANALYSED): it may
    if not labels.affordable((*own, *(m for splitter in splitters for m in splitter))):
        return True  # past the judgement's allowance: it may
    language = labels.conjunction(own) - Language.of_strings(sorted(named))
    if domain.excluded is not None:
        language = language - domain.excluded.language
    for index, splitter in enumerate(splitters):
        admitted = labels.conjunction(splitter)
        language = language & admitted if index in inside else language - admitted
    found = language.witness()
    return found is UNDECIDED or found is not None


def _in_domain(value: str, domain: Domain) -> bool:
    if domain.values is not None and value not in domain.values:
        return False
    return domain.excluded is None or value not in domain.excluded.values


def admits(facet: Facet, cell: Cell) -> bool:
    """Whether the silence with ``facet`` mutes the instances of ``cell``."""
    for name, constraint in facet.constraints.items():
        part = cell.get(name)
        if isinstance(part, Rest):
            if not any(s == constraint and i in part.inside for i, s in enumerate(part.splitters)):
                return False  # an `=` never admits the rest; a splitter only where it is inside
        elif part is not None and not labels.admits(constraint, part):
            return False
    return True


def shares(a: Facet, b: Facet, domains: Mapping[str, Domain]) -> bool:
    """Whether two facets mute a common instance (``UNDECIDED`` counts as yes)."""
    for name in set(a.constraints) & set(b.constraints):
        domain = domains.get(name, Domain())
        found = labels.witness((*a.constraints[name], *b.constraints[name]), domain.values, domain.excluded)
        if found is None:
            return False
    return True
