"""Fuzzing the loader with mutants of the example policies: bytes flipped, odd characters and
escapes inserted, lines duplicated, the file cut short. For each mutant the fast path and the
position-keeping path give the same answer (the same policy, or the same problems at the same
places), the loader raises nothing but ``PolicyError``, and a mutant it accepts compiles.

The mutants are drawn from a fixed seed, so a run is repeatable; set ``ONCALL_POLICY_FUZZ_SEED``
to draw others (a failure names the seed and the mutant).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from oncall_policy.checks.checked import load_policy_text
from oncall_policy.compile import build_all
from oncall_policy.errors import PolicyError
from oncall_policy.load import fast, reading
from oncall_policy.model import Policy
from oncall_policy.problems import Problem
from oncall_policy.provenance import Source
from tests.conftest import EXAMPLES

MUTANTS = 100  # for each example: 300 in all, 10 to 20 s
SEED = int(os.environ.get("ONCALL_POLICY_FUZZ_SEED", "20261201"))

INSERTS = [
    *("\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\ufeff", "\t", "\r", "\r\n"),
    *("\\e", "\\0", "\\x07", "\\x1b", "\\u0085", "\\N", "\\L", "\\r", '"\\e"', '"\\x7f"', "'\\t'"),
    *("#", ":", ": ", ":,", "- ", "? ", "|", ">", "[", "]", "{", "}", ", ", "&a ", "*a", "!!str ", "%"),
    *("'", '"', "\\", "9" * 4301, "9223372036854775808", "on", "017", "~", "é", "\U0001f525"),
]


def _mutate(rng: random.Random, raw: bytes) -> bytes:
    for _ in range(rng.randint(1, 3)):
        raw = rng.choice(_MUTATIONS)(rng, raw)
    return raw


def _flip(rng: random.Random, raw: bytes) -> bytes:
    at = rng.randrange(len(raw))
    return raw[:at] + bytes([raw[at] ^ (1 << rng.randrange(8))]) + raw[at + 1 :]


def _insert(rng: random.Random, raw: bytes) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice(INSERTS).encode() + raw[at:]


def _duplicate_line(rng: random.Random, raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    at = rng.randrange(len(lines))
    return b"\n".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])


def _truncate(rng: random.Random, raw: bytes) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]


def _delete(rng: random.Random, raw: bytes) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + raw[at + rng.randint(1, 40) :]


_MUTATIONS = [_flip, _insert, _insert, _duplicate_line, _truncate, _delete]


def _answer(text: str, *, fast_path: bool, path: str = "policy.yaml") -> Policy | list[Problem]:
    """The loader's answer; any exception but ``PolicyError`` escapes and fails the test. ``path``
    is where the mutant stands in for the example: its parts, if any, are read beside it."""
    try:
        return load_policy_text(text, path, fast_path=fast_path)
    except PolicyError as error:
        return error.problems


def _judge(raw: bytes, path: str = "policy.yaml") -> Policy | list[Problem]:
    """Both paths' answer, which must be one."""
    text = reading.decode(raw, path)
    if isinstance(text, Problem):
        return [text]  # refused before either path reads it
    slow = _answer(text, fast_path=False, path=path)
    if fast.parse(text) is not None:  # else the loader takes the position-keeping path alone
        assert _answer(text, fast_path=True, path=path) == slow
    return slow


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_mutants_get_one_answer_and_compile_when_accepted(example: str):
    original = Path(EXAMPLES[example]).read_bytes()
    rng = random.Random(f"{SEED}/{example}")  # noqa: S311 - mutants, not secrets
    accepted = 0
    for index in range(MUTANTS):
        raw = _mutate(rng, original)
        try:
            accepted += _holds(raw, str(EXAMPLES[example]))
        except Exception as error:  # noqa: BLE001 - a failure names the mutant, to replay it
            pytest.fail(f"seed {SEED}, {example} mutant {index}: {error!r}\n{raw!r}")
    assert accepted > 0  # some mutants (in comments, in free text) are still valid policies


def _holds(raw: bytes, path: str = "policy.yaml") -> bool:
    """Check one mutant; whether it was accepted (and compiled)."""
    answer = _judge(raw, path)
    if isinstance(answer, Policy):
        assert build_all(answer, Source.of(Path("policy.yaml"), raw))
        return True
    assert answer
    assert all(p.line >= 1 and p.column >= 1 for p in answer)
    return False
