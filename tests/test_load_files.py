"""Files are checked for type and size before a byte is read, and a file too large for the
loader's caps is refused in seconds: the command exits 1 with one clear problem, never hangs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oncall_policy.load import bounds
from oncall_policy.load.document import read_document

# Each command must end within this, or the test fails instead of hanging. Timings are reported
# by bench/, not asserted: a loaded machine is slower, never a hang.
DEADLINE = 60


def _check(*args: str) -> tuple[int, str]:
    """The status and output of a command, which must end within ``DEADLINE``."""
    done = subprocess.run(
        [sys.executable, "-m", "oncall_policy", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=DEADLINE,
    )
    assert done.stderr == ""
    return done.returncode, done.stdout


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo: Path):
    assert _check("check", str(fifo)) == (
        1,
        f"{fifo}:1:1: [error] cannot read file: is not a regular file (a FIFO) (unreadable)\n",
    )


def test_dev_zero_is_refused_without_reading_it():
    assert _check("check", "/dev/zero") == (
        1,
        "/dev/zero:1:1: [error] cannot read file: is not a regular file (a character device) (unreadable)\n",
    )


def test_a_directory_is_refused(tmp_path: Path):
    assert _check("check", str(tmp_path)) == (
        1,
        f"{tmp_path}:1:1: [error] cannot read file: is not a regular file (a directory) (unreadable)\n",
    )


def test_a_file_over_16_mib_is_refused_before_it_is_read(tmp_path: Path):
    big = tmp_path / "policy.yaml"
    with big.open("wb") as out:
        out.truncate(17 * 1024 * 1024)  # sparse: its size, not its bytes, is what is refused
    assert _check("check", str(big)) == (
        1,
        (
            f"{big}:1:1: [error] file is 17,825,792 bytes; at most 16,777,216 are read; "
            "split it or remove generated content (file-too-large)\n"
        ),
    )


def test_compile_refuses_a_fifo_too(fifo: Path, tmp_path: Path):
    status, out = _check("compile", "--policy", str(fifo), "--out", str(tmp_path / "out"))
    assert (status, out) == (
        1,
        f"{fifo}:1:1: [error] cannot read file: is not a regular file (a FIFO) (unreadable)\n",
    )


def test_a_document_that_is_a_fifo_is_refused(fifo: Path):
    """Silence request files are read the same way."""
    document = read_document(fifo)
    assert document.data is None
    assert [str(p) for p in document.problems] == [
        f"{fifo}:1:1: [error] cannot read file: is not a regular file (a FIFO) (unreadable)"
    ]


def test_a_16_mib_flow_list_is_refused_at_the_node_cap_in_seconds(tmp_path: Path):
    """8 million items fill 16 MiB; the fast path declines such a text before parsing it and the
    position-keeping path counts its nodes before building anything (measured: about 3 s, where
    parsing it whole took 32 s and 559 MB)."""
    head = "version: oncall-policy/v1\nx: ["
    items = (bounds.MAX_BYTES - len(head) - 2) // 2
    big = tmp_path / "policy.yaml"
    big.write_text(head + "1," * items + "]\n", encoding="utf-8")
    status, out = _check("check", str(big))
    cap = bounds.MAX_NODES
    column = len("x: [") + 2 * (cap - 5) + 1  # the root mapping, two keys, a value and the list come first
    assert (status, out) == (
        1,
        (
            f"{big}:2:{column}: [error] the document holds more than {cap:,} nodes, or aliases "
            "multiply to that many (a 'billion laughs'?) (too-large)\n"
        ),
    )
