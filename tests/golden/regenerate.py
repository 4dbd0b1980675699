"""Regenerate every golden file under tests/golden/: ``python tests/golden/regenerate.py``.

- ``guide/<example>.md``: the on-call guide of each example policy, exactly as ``compile`` writes it.
- ``alertmanager/<case>/out/``: everything ``oncall-policy compile`` writes for
  ``alertmanager/<case>/in/policy.yaml``; the ``synthetic`` input is itself made by
  ``bench/make_policy.py``.
- ``delivery/clipper-<act>.json``: what PagerDuty and Slack receive when Clipper's incidents fire
  and one resolves, through a real Alertmanager running the committed ``generated/`` (``tests.delivery``;
  needs ``prometheus-alertmanager``, so ``make compile`` first).
- the list of rules in ``README.md``, between its ``rules:begin`` and ``rules:end`` markers:
  ``oncall-policy check --list-rules``, exactly.

After a deliberate change to the output, run this and review ``git diff tests/golden``; the tests
fail whenever the output and the goldens differ.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = HERE / "alertmanager"
SYNTHETIC_ALERTS = 150
EXAMPLES = {"clipper": ROOT / "policy.yaml", "acme": ROOT / "examples" / "acme" / "policy.yaml"}
README = ROOT / "README.md"
RULES_BEGIN = "<!-- rules:begin"
RULES_END = "<!-- rules:end -->"


def guide(name: str) -> str:
    """The on-call guide of an example policy, exactly as ``compile`` writes it."""
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.compile import guide  # noqa: PLC0415
    from oncall_policy.provenance import Source  # noqa: PLC0415

    path = EXAMPLES[name]
    raw = path.read_bytes()
    return guide.build(load_policy_bytes(raw, str(path)), Source.of(path, raw))[guide.OUTPUT]


def goldens() -> dict[Path, str]:
    """Every golden guide and the text it should hold."""
    return {HERE / "guide" / f"{name}.md": guide(name) for name in sorted(EXAMPLES)}


def readme() -> str:
    """The README with its list of rules as ``oncall-policy check --list-rules`` prints it."""
    from oncall_policy.cli.list_rules import listing, rulebook  # noqa: PLC0415

    text = README.read_text(encoding="utf-8")
    head, rest = text.split(RULES_BEGIN, 1)
    marker, _ = rest.split("\n", 1)
    _, tail = rest.split(RULES_END, 1)
    block = f"```text\n$ oncall-policy check --list-rules\n{listing(rulebook(), 'text')}```\n"
    return f"{head}{RULES_BEGIN}{marker}\n{block}{RULES_END}{tail}"


def synthetic_policy() -> str:
    maker = ROOT / "bench" / "make_policy.py"
    return subprocess.run(
        [sys.executable, str(maker), str(SYNTHETIC_ALERTS)], capture_output=True, text=True, check=True
    ).stdout


def delivery() -> dict[Path, str]:
    """What reaches PagerDuty and Slack in each act of Clipper's story."""
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from tests.delivery import delivering, golden, play  # noqa: PLC0415

    binary = shutil.which("prometheus-alertmanager")
    if binary is None:
        print("prometheus-alertmanager not found: delivery goldens left as they are", file=sys.stderr)
        return {}
    with (
        tempfile.TemporaryDirectory() as work,
        delivering(binary, EXAMPLES["clipper"], Path(work)) as running,
    ):
        story = play(running)
    return {HERE / "delivery" / f"clipper-{act}.json": golden(getattr(story, act)) for act in ACTS}


ACTS = ("incidents", "resolved")


def main() -> int:
    from oncall_policy.cli import main as cli  # noqa: PLC0415

    (HERE / "delivery").mkdir(exist_ok=True)
    for path, text in delivery().items():
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")

    for path, text in {**goldens(), README: readme()}.items():
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    synthetic = CASES / "synthetic" / "in" / "policy.yaml"
    synthetic.parent.mkdir(parents=True, exist_ok=True)
    synthetic.write_text(synthetic_policy(), encoding="utf-8")
    status = 0
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        status |= cli(["compile", "--policy", str(case / "in" / "policy.yaml"), "--out", str(case / "out")])
    return status


if __name__ == "__main__":
    sys.exit(main())
