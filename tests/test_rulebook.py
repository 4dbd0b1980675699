"""Every rule is found by id in one rulebook: each check, loader rule, silence rule and rule-file
rule has a unique kebab-case id and documentation; every id the code reports is registered; the
listing (``check --list-rules``) and the README's list are made from the rulebook."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import oncall_policy
from oncall_policy import checks
from oncall_policy.checks import references, unique_ids
from oncall_policy.cli import main
from oncall_policy.cli.list_rules import listing, rulebook
from oncall_policy.errors import PolicyError
from oncall_policy.rulebook import CHECK, KINDS, LOADER, SILENCE, Rule, Rulebook
from tests.conftest import CLIPPER, ROOT
from tests.golden import regenerate

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SUMMARY_LENGTH = 90
SRC = Path(oncall_policy.__file__).parent
# The calls that make a problem, a finding or a violation, and the place of the rule id in their
# positional arguments.
RULE_ARGUMENT = {"Problem": 5, "Finding": 2, "Violation": 0, "KeyViolation": 0, "problem": 2}


def _modules() -> list[ModuleType]:
    """Every module of the package but ``__main__`` (which runs the command line)."""
    names = [m.name for m in pkgutil.walk_packages(oncall_policy.__path__, "oncall_policy.")]
    return [importlib.import_module(name) for name in names if not name.endswith("__main__")]


def test_the_rulebook_holds_each_id_once():
    book = rulebook()  # raises on an id declared twice
    assert len(book) == len({rule.id for rule in book}) > 60


def test_a_rulebook_refuses_an_id_given_twice_and_an_unknown_kind():
    with pytest.raises(ValueError, match="'a' is declared twice"):
        Rulebook([Rule("a", CHECK, "x."), Rule("a", LOADER, "y.")])
    with pytest.raises(ValueError, match="no known kind"):
        Rulebook([Rule("a", "lint", "x.")])


@pytest.mark.parametrize("rule", list(rulebook()), ids=lambda rule: rule.id)
def test_every_rule_has_a_kebab_case_id_a_kind_and_a_one_line_summary(rule: Rule):
    assert KEBAB.fullmatch(rule.id)
    assert rule.kind in KINDS
    assert rule.summary, "a rule is documented"
    assert len(rule.summary) <= SUMMARY_LENGTH, "the first sentence is the summary: keep it short"
    assert rule.summary[0].islower(), "summaries read on from the id, as in yamllint's list"


def test_every_rule_declared_anywhere_is_in_the_rulebook():
    declared = {id(value): value for module in _modules() for value in vars(module).values()}
    rules = {key: value for key, value in declared.items() if isinstance(value, Rule)}
    listed = {id(rule) for rule in rulebook()}
    assert sorted(rules[key].id for key in rules.keys() - listed) == []


def test_every_check_module_is_a_registered_check_documented_by_its_docstring():
    package = Path(checks.__file__).parent
    names = {p.stem for p in package.glob("*.py")} - {"__init__", "rule_context", "checked"}
    modules = {importlib.import_module(f"oncall_policy.checks.{name}") for name in names}
    assert modules == set(checks.CHECKS)
    for module in checks.CHECKS:
        assert module.RULE.kind == CHECK
        assert module.RULE.doc == module.__doc__
        assert (module.__doc__ or "").startswith(f"{module.RULE.id}: ")
    assert tuple(module.RULE for module in checks.CHECKS) == checks.RULES


def test_the_prerequisites_are_named_and_run_first():
    assert (unique_ids, references) == checks.PREREQUISITES
    assert not set(checks.PREREQUISITES) & set(checks.DEPENDENT)


def test_the_other_checks_run_only_once_the_prerequisites_pass(monkeypatch: pytest.MonkeyPatch):
    """A dangling reference is reported alone: no dependent check sees the policy."""
    from oncall_policy import load_policy_text  # noqa: PLC0415

    seen: list[object] = []

    class Spy:
        RULE = Rule("spy", CHECK, "spy: sees what the dependent checks see.")

        @staticmethod
        def check(context: object) -> tuple[()]:
            seen.append(context)
            return ()

    monkeypatch.setattr(checks, "DEPENDENT", (Spy,))
    text = CLIPPER.read_text(encoding="utf-8")
    load_policy_text(text, str(CLIPPER))
    assert len(seen) == 1
    with pytest.raises(PolicyError) as raised:
        load_policy_text(text.replace("escalation_policy: clipper", "escalation_policy: clippr", 1), "p.yaml")
    assert {p.rule for p in raised.value.problems} == {references.RULE.id}
    assert len(seen) == 1


def _rule_literals(path: Path) -> list[tuple[str, int]]:
    """The rule ids written as string literals where a problem, finding or violation is made."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        place = RULE_ARGUMENT.get(str(name))
        arguments = [*node.args[place : place + 1]] if place is not None else []
        arguments += [k.value for k in node.keywords if k.arg == "rule"]
        found += [
            (a.value, a.lineno) for a in arguments if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
    return found


def test_every_rule_id_written_in_the_code_is_registered():
    """Ids are the registered rules' (``RULE.id``); the few literals left must still be registered."""
    book = rulebook()
    unknown = [
        f"{path.relative_to(SRC)}:{line}: {rule_id}"
        for path in sorted(SRC.rglob("*.py"))
        for rule_id, line in _rule_literals(path)
        if rule_id not in book
    ]
    assert unknown == []


def test_the_listing_groups_rules_by_kind_one_line_each():
    book = Rulebook(
        [
            Rule("b-rule", SILENCE, "a silence is fine. More words."),
            Rule("a", LOADER, "a: the file is ``fine``.\n\nAnd more."),
        ]
    )
    assert listing(book, "text") == (
        f"loader rules: {KINDS[LOADER]}\n"
        "  a       the file is `fine`\n"
        "\n"
        f"check rules: {KINDS[CHECK]}\n"
        "\n"
        f"silence rules: {KINDS[SILENCE]}\n"
        "  b-rule  a silence is fine\n"
        "\n"
        "rule-file rules: what Prometheus alerting rules must agree on with the catalog (`rules`)\n"
    )


def test_check_list_rules_prints_every_rule(capsys: pytest.CaptureFixture[str]):
    assert main(["check", "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    assert listed == [rule.id for kind in KINDS for rule in rulebook().of_kind(kind)]
    assert [line.split()[0] for line in lines if line and not line.startswith(" ")] == [
        f"{kind}" for kind in KINDS
    ]


def test_check_list_rules_as_json(capsys: pytest.CaptureFixture[str]):
    assert main(["check", "--list-rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows] == [rule.id for rule in rulebook()]
    unique = next(row for row in rows if row["id"] == "unique-ids")
    assert unique == {
        "id": "unique-ids",
        "kind": "check",
        "summary": "every id (and alert name) is used once in its section, so references are unambiguous",
        "doc": unique_ids.__doc__,
    }


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--format", "github"], "takes no --format github"),
        (["policy.yaml"], "takes no files"),
    ],
    ids=["github", "files"],
)
def test_check_list_rules_usage_errors_exit_2(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]):
    assert main(["check", "--list-rules", *argv]) == 2
    assert says in capsys.readouterr().err


def test_check_help_mentions_the_list(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "--list-rules" in capsys.readouterr().out


def test_the_readme_lists_every_rule_as_the_command_does():
    """Regenerate with ``python tests/golden/regenerate.py`` after adding, removing or rewording a rule."""
    assert (ROOT / "README.md").read_text(encoding="utf-8") == regenerate.readme()


def _named_in_prose(text: str, prose: str) -> set[str]:
    """The rule ids a document names outside the generated list: at the end of a problem
    (``… (unique-ids)``), in a verdict (``x over-cap: …``), and in backquotes where ``prose``
    (a pattern with one group) says the prose names a rule."""
    outside = re.sub(r"<!-- rules:begin.*?<!-- rules:end -->", "", text, flags=re.DOTALL)
    named = set(re.findall(r"\[error\] .* \(([a-z0-9-]+)\)$", outside, flags=re.MULTILINE))
    named |= set(re.findall(r"^\s+x ([a-z0-9-]+): ", outside, flags=re.MULTILINE))
    for passage in re.findall(prose, outside, flags=re.DOTALL):
        named |= set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", passage))
    return named


# Where each document names rules in its prose: the README in its section on what `check`
# enforces; the silence contract in parentheses, or after "refused as".
PROSE = {
    "README.md": r"### What `check` enforces\n(.*?)\n## ",
    "docs/silences.md": r"((?:\(|refused as )`[a-z0-9-]+`)",
}


@pytest.mark.parametrize("document", sorted(PROSE))
def test_every_rule_id_the_docs_name_is_registered(document: str):
    named = _named_in_prose((ROOT / document).read_text(encoding="utf-8"), PROSE[document])
    assert len(named) > 3, "the patterns still find the ids the document names"
    assert sorted(named - {rule.id for rule in rulebook()}) == []
