"""The rules a problem or a silence violation can name, as data, found by id.

A ``Rule`` is an id (the word a problem ends with, ``(unique-ids)``), the kind of rule it is and its
documentation, whose first sentence is its summary. Each rule is declared beside the code that
enforces it: a check module's ``RULE`` (its docstring is its documentation, as in yamllint), and
constants in the loader's and the silence evaluator's modules. ``cli.list_rules`` gathers them
into one ``Rulebook``: only the top of the pipeline may import every layer that declares rules.

This module is a leaf, so that every layer can declare into it, and it is plain on purpose: the
silence path declares its rules as it starts and may pay for neither ``typing`` nor ``enum``.
"""

from __future__ import annotations

from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

# The kinds, in the order a policy meets them, with what each holds (the headings of the list).
LOADER = "loader"
CHECK = "check"
SILENCE = "silence"
RULE_FILE = "rule-file"
KINDS = {
    LOADER: "what the loader refuses as it reads a file and holds it to the schema",
    CHECK: "what a policy must satisfy beyond its schema",
    SILENCE: "what a silence must satisfy (`silence check`, `add`, `check-files`, `audit`)",
    RULE_FILE: "what Prometheus alerting rules must agree on with the catalog (`rules`)",
}


class Rule(Record):
    """One rule: its kebab-case ``id``, its ``kind`` (one of ``KINDS``) and its documentation."""

    id: str
    kind: str
    # A module docstring is None under ``python -OO``; the rule is still found by id.
    documentation: str | None

    @property
    def doc(self) -> str:
        return self.documentation or ""

    @property
    def summary(self) -> str:
        """The documentation's first sentence on one line, without the id it may start with, and
        with its literals quoted as Markdown quotes them (```x``` for the docstrings' ````x````)."""
        text = " ".join(self.doc.split()).removeprefix(f"{self.id}: ").replace("``", "`")
        end = text.find(". ")
        return (text if end < 0 else text[:end]).removesuffix(".")


class Rulebook:
    """Rules by id, in the order given; an id given twice is a bug, raised as ``ValueError``."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in self._by_id:
                raise ValueError(f"rule id {rule.id!r} is declared twice")
            if rule.kind not in KINDS:
                raise ValueError(f"rule {rule.id!r} is of no known kind: {rule.kind!r}")
            self._by_id[rule.id] = rule

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def of_kind(self, kind: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self if rule.kind == kind)
