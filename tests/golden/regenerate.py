"""Regenerate every golden file under tests/golden/ from the example policies.

Run ``python tests/golden/regenerate.py`` after a deliberate change to the output, then review
``git diff tests/golden``; the tests fail whenever the output and the goldens differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
EXAMPLES = {"clipper": ROOT / "policy.yaml", "acme": ROOT / "examples" / "acme" / "policy.yaml"}


def guide(name: str) -> str:
    """The on-call guide of an example policy, exactly as ``compile`` writes it."""
    from oncall_policy.compile import Source, guide  # noqa: PLC0415
    from oncall_policy.load import load_policy_bytes  # noqa: PLC0415

    path = EXAMPLES[name]
    raw = path.read_bytes()
    return guide.build(load_policy_bytes(raw, str(path)), Source.of(path, raw))[guide.OUTPUT]


def goldens() -> dict[Path, str]:
    """Every golden file and the text it should hold."""
    return {GOLDEN / "guide" / f"{name}.md": guide(name) for name in sorted(EXAMPLES)}


def main() -> int:
    for path, text in goldens().items():
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
