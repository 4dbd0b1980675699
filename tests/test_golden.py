"""Golden outputs: every ``tests/golden/alertmanager/<case>/in/policy.yaml`` compiles to exactly
``out/``. Regenerate with ``python tests/golden/regenerate.py``."""

from __future__ import annotations

import sys

import pytest

from oncall_policy.checks.checked import load_policy_bytes
from oncall_policy.compile import build_all
from oncall_policy.provenance import Source
from tests.alertmanager_support import GOLDEN

CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_golden_output_is_current(case):
    policy_path = GOLDEN / case / "in" / "policy.yaml"
    raw = policy_path.read_bytes()
    files = build_all(load_policy_bytes(raw, str(policy_path)), Source.of(policy_path, raw))
    out = GOLDEN / case / "out"
    written = sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")
    )
    assert written == sorted(files)
    for name, text in files.items():
        # Bytes, not read_text: calendars end their lines in CRLF (RFC 5545), which universal
        # newlines would turn into LF.
        assert (out / name).read_bytes().decode("utf-8") == text, (
            f"stale: run {sys.executable} tests/golden/regenerate.py"
        )


def test_synthetic_input_is_what_make_policy_makes():
    from tests.golden.regenerate import synthetic_policy  # noqa: PLC0415

    assert (GOLDEN / "synthetic" / "in" / "policy.yaml").read_text(encoding="utf-8") == synthetic_policy()
