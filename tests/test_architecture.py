"""The tree is the pipeline: import-linter's contracts in pyproject.toml hold, and the top level of
the package keeps only leaf modules (the three lowest layers of the ``pipeline`` contract)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import oncall_policy

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
LEAF_LAYERS = 4  # the layers of leaf modules at the bottom of the pipeline contract


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["contracts"])


def test_every_import_contract_is_kept():
    """Imports point one way, only the loader imports YAML, and nothing imports in a circle."""
    run = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in run.stdout


def test_the_top_level_holds_only_leaf_modules():
    [pipeline] = [c for c in _contracts() if c["id"] == "pipeline"]
    layers = pipeline["layers"]
    assert isinstance(layers, list)
    leaves = {name.strip() for layer in layers[-LEAF_LAYERS:] for name in layer.split(":")}
    package = Path(oncall_policy.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} - {"__init__", "__main__"}
    assert modules <= leaves, f"top-level modules that are not leaves: {sorted(modules - leaves)}"
    subpackages = {p.parent.name for p in package.glob("*/__init__.py")}
    assert not (subpackages & leaves) - {"matching", "leaks"}, "a package among the leaves"
