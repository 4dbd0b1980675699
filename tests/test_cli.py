"""The command line's contract: --version, --help, exit codes, output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from oncall_policy import __version__
from oncall_policy.cli import columns, main
from tests.conftest import ROOT

BROKEN = "version: oncall-policy/v1\norganisation: {name: X}\n"


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"oncall-policy {__version__}\n"


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "compile", "schema"):
        assert f"    {command} " in out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as done:
        main(["check", "--format", "xml"])
    assert done.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_invalid_policy_exits_1_with_every_problem(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text(BROKEN)
    assert main(["check", str(policy)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"{policy}:1:1: [error] roles: required field is missing; add it (missing-field)" in lines
    assert all(line.startswith(f"{policy}:") for line in lines)


def test_check_json_format(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text(BROKEN)
    assert main(["check", "--format", "json", str(policy)]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {
        "file": str(policy),
        "line": 1,
        "column": 1,
        "field": "roles",
        "message": "required field is missing; add it",
        "rule": "missing-field",
    } in rows


def test_check_github_format(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text(BROKEN)
    assert main(["check", "--format", "github", str(policy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=")
    assert "line=1,col=1,title=missing-field::" in out


def test_unreadable_file_is_a_problem_not_a_traceback(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["check", str(missing)]) == 1
    assert (
        capsys.readouterr().out
        == f"{missing}:1:1: [error] cannot read file: No such file or directory (unreadable)\n"
    )


def test_console_script_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "check", str(ROOT / "policy.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("policy.yaml: ok\n")


def test_console_script_flushes_all_output_before_its_hard_exit(tmp_path):
    """The entry point leaves with ``os._exit``: piped output (block-buffered) must still arrive
    whole, and the command's exit status must be the process's."""
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    schema = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "schema"],
        capture_output=True,
        text=True,
        check=False,
        env=buffered,
    )
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout) == json.loads((ROOT / "policy.schema.json").read_text())
    assert len(schema.stdout) > 8192  # more than one pipe buffer's worth: flushing matters

    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    check = subprocess.run(
        [sys.executable, "-m", "oncall_policy", "check", str(broken)],
        capture_output=True,
        text=True,
        check=False,
        env=buffered,
    )
    assert check.returncode == 1
    assert check.stdout.startswith(f"{broken}:")
    assert check.stdout.endswith(")\n")


def test_importing_the_package_loads_no_heavy_library():
    """`import oncall_policy` (and the CLI's parser) must not import pydantic or YAML libraries."""
    code = (
        "import sys, oncall_policy, oncall_policy.cli; oncall_policy.cli.build_parser(); "
        "print(sorted(m for m in ('pydantic', 'ruamel', 'yaml_rs', 'jinja2', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("value", [None, "", "0", "-3", "abc", "37", "200"])
def test_help_is_as_wide_as_argparse_would_make_it(monkeypatch: pytest.MonkeyPatch, value: str | None):
    """The help formatter sizes itself without shutil, exactly as shutil would."""
    import shutil  # noqa: PLC0415

    if value is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", value)
    assert columns() == shutil.get_terminal_size().columns


@pytest.mark.parametrize(
    ("buffering", "status"),
    [
        pytest.param({}, 120, id="buffered: the flush at exit fails"),
        pytest.param({"PYTHONUNBUFFERED": "1"}, 1, id="unbuffered: a print fails"),
    ],
)
def test_a_reader_that_goes_away_is_not_a_bug(buffering: dict[str, str], status: int):
    """``oncall-policy check | head -0``: the output is lost, and that is all: no traceback."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with subprocess.Popen(
        [sys.executable, "-m", "oncall_policy", "check", str(ROOT / "policy.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**env, **buffering},
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # before the command writes anything
        errors = process.stderr.read().decode()
        assert process.wait() == status
    assert errors == ""


def test_a_closed_standard_output_is_not_a_bug():
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m oncall_policy check "$1" >&-', sys.executable, str(ROOT / "policy.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
