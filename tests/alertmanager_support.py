"""Helpers shared by the Alertmanager tests: compile a policy in memory, write it for amtool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oncall_policy.compile.alertmanager import FILE
from oncall_policy.model import Policy
from oncall_policy.provenance import Source
from oncall_policy.verify.matrix import Matrix, generated

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "alertmanager"
#: Every policy the Alertmanager tests carry: the examples and the golden inputs.
POLICIES = {
    "clipper": ROOT / "policy.yaml",
    "acme": ROOT / "examples" / "acme" / "policy.yaml",
    "globex": ROOT / "examples" / "globex" / "policy.yaml",
    **{case.name: case / "in" / "policy.yaml" for case in sorted(GOLDEN.iterdir()) if case.is_dir()},
}
SOURCE = Source("policy.yaml", "0" * 64)


def compiled(policy: Policy) -> tuple[dict[str, str], Any, Matrix]:
    files, config = generated(policy, SOURCE)
    return files, config, Matrix(policy, config)


def write(files: dict[str, str], directory: Path) -> Path:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory / FILE
