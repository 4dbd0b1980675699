"""The gate's dependencies are an extra (``pip install 'oncall-policy[gate]'``): everything else
runs without them, and what needs them says how to install them.

Each command runs in a child where the extra's modules cannot be imported (``None`` in
``sys.modules``: what Python does for a module that is not installed, ``ModuleNotFoundError``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oncall_policy.errors import GATE_EXTRA
from tests.conftest import CLIPPER, ROOT
from tests.test_precommit_hooks import GOOD_SILENCE

WITHOUT_THE_EXTRA = f"""
import sys
for name in {GATE_EXTRA!r}:
    sys.modules[name] = None
from oncall_policy.cli import main
sys.exit(main(sys.argv[1:]))
"""
INSTALL = "pip install 'oncall-policy[gate]'"


def without_the_extra(*words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_THE_EXTRA, *words],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )


def with_the_extra(*words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oncall_policy", *words],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )


def test_the_hooks_and_the_silence_wrapper_need_no_gate(tmp_path: Path):
    """What pre-commit hooks, CI and the silence wrapper run answers as it does with the extra."""
    silence = tmp_path / "silence.yaml"
    silence.write_text(GOOD_SILENCE)
    policy = str(CLIPPER)
    commands = [
        ["check", policy],
        ["compile", "--check", "--policy", policy],
        ["rules", "--policy", policy, str(ROOT / "tests" / "rules" / "positive")],
        ["silence", "check-files", "--policy", policy, str(silence)],
        ["silence", "check", "--policy", policy, "alertname=HighErrorRate", "-d", "2h", "-c", "deploy"],
    ]
    for words in commands:
        without, usual = without_the_extra(*words), with_the_extra(*words)
        assert "Traceback" not in without.stderr, words
        assert (without.returncode, without.stdout, without.stderr) == (
            usual.returncode,
            usual.stdout,
            usual.stderr,
        ), words
    assert with_the_extra(*commands[0]).returncode == 0  # they are not all refusals


@pytest.mark.parametrize(
    "words",
    [
        ["gate", "--policy", str(CLIPPER), "--upstream", "http://127.0.0.1:9"],
        ["gate", "keygen", "--out", "{tmp}/gate.key"],
    ],
    ids=["gate", "gate keygen"],
)
def test_the_gate_without_its_extra_says_how_to_install_it(tmp_path: Path, words: list[str]):
    done = without_the_extra(*(word.format(tmp=tmp_path) for word in words))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("oncall-policy: error: this needs ")
    assert done.stderr.rstrip().endswith(
        f"part of oncall-policy's gate extra, which is not installed: {INSTALL}"
    )
    assert not list(tmp_path.iterdir())  # no key written


def test_an_audits_verifying_key_without_the_extra_says_how_to_install_it(tmp_path: Path):
    """``silence audit --verify-key`` checks the gate's proofs with cryptography."""
    program = WITHOUT_THE_EXTRA.replace(
        "from oncall_policy.cli import main\nsys.exit(main(sys.argv[1:]))",
        "from oncall_policy.silence import proof\nproof.public_key(sys.argv[1])",
    )
    key = tmp_path / "gate.key.pub"
    key.write_text("not read")
    done = subprocess.run(
        [sys.executable, "-c", program, str(key)], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.rstrip().endswith(
        f"OncallPolicyError: this needs cryptography, part of oncall-policy's gate extra, "
        f"which is not installed: {INSTALL}"
    )
