"""Another program's failure, told as pre-commit tells it: the command (shell-quoted, so it can be
pasted), its exit code and what it wrote to each output; a missing program names what to install.
Every message here comes from a program really run (or really looked for on ``PATH``)."""

from __future__ import annotations

import os

import pytest

from oncall_policy import processes
from oncall_policy.cli import main
from oncall_policy.silence import amtool as silence_amtool
from oncall_policy.verify import amtool as verify_amtool

FAILS = ["sh", "-c", "echo out; echo err >&2; exit 3"]


def failure(argv: list[str]) -> processes.CalledToolError:
    with pytest.raises(processes.CalledToolError) as failed:
        processes.output(argv, 10.0)
    return failed.value


def test_a_failed_program_shows_command_exit_code_and_both_outputs():
    failed = failure(FAILS)
    assert (failed.command, failed.returncode, failed.stdout, failed.stderr) == (
        tuple(FAILS),
        3,
        "out\n",
        "err\n",
    )
    assert str(failed) == (
        "sh failed\n"
        "command: sh -c 'echo out; echo err >&2; exit 3'\n"
        "exit code: 3\n"
        "stdout:\n"
        "    out\n"
        "stderr:\n"
        "    err"
    )


def test_an_empty_output_is_said_to_be_none():
    assert str(failure(["sh", "-c", "printf 'a\\n\\nb\\n' >&2; exit 1"])) == (
        "sh failed\ncommand: sh -c 'printf '\"'\"'a\\n\\nb\\n'\"'\"' >&2; exit 1'\nexit code: 1\n"
        "stdout: (none)\nstderr:\n    a\n    \n    b"
    )


def test_long_outputs_are_shown_by_their_end_and_long_lines_cut():
    script = "seq 1 25; printf '%0400d\\n' 0 >&2; exit 1"
    message = str(failure(["sh", "-c", script])).splitlines()
    stdout = message[message.index("stdout:") + 1 : message.index("stderr:")]
    assert stdout == ["    [5 lines before these not shown]", *(f"    {n}" for n in range(6, 26))]
    assert message[-1] == f"    {'0' * processes.SHOWN_LINE_LENGTH}… [100 more characters]"


def test_a_program_that_succeeds_gives_its_output_and_no_error():
    assert processes.output(["sh", "-c", "printf 'a\\0b'"], 10.0) == b"a\0b"
    assert processes.run(["sh", "-c", "echo x; exit 4"], 10.0) == (4, "x\n", "")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("amtool", "`amtool` not found; install prometheus-alertmanager"),
        ("git", "`git` not found; install git"),
        ("no-such-tool", "`no-such-tool` not found on PATH"),
    ],
    ids=["amtool", "git", "unknown"],
)
def test_a_missing_program_is_named_with_what_to_install(tmp_path, monkeypatch, name, message):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: nothing is found
    with pytest.raises(processes.ToolNotFoundError) as missing:
        processes.run([name, "--version"], 10.0)
    assert str(missing.value) == message
    assert isinstance(missing.value, processes.ToolError)


def test_a_program_out_of_time_is_stopped_and_its_command_said():
    with pytest.raises(processes.ToolTimeoutError) as stopped:
        processes.run(["sh", "-c", "sleep 30"], 0.5)
    assert str(stopped.value) == "sh did not answer within 0.5 s; it was stopped\ncommand: sh -c 'sleep 30'"
    assert isinstance(stopped.value, processes.ToolError)


def test_a_program_writing_too_much_is_stopped_and_its_command_said():
    argv = ["sh", "-c", f"head -c {processes.MAX_OUTPUT + 1} /dev/zero >&2"]
    with pytest.raises(processes.ToolOutputError) as stopped:
        processes.run(argv, 30.0)
    assert str(stopped.value) == (
        "sh wrote more than 16 MiB to its standard error; it was stopped\n"
        f"command: sh -c 'head -c {processes.MAX_OUTPUT + 1} /dev/zero >&2'"
    )
    assert isinstance(stopped.value, processes.ToolError)


def test_silence_add_hides_the_alertmanager_password_and_says_the_silence_may_exist(tmp_path, monkeypatch):
    tool = tmp_path / "amtool"
    tool.write_text("#!/bin/sh\nsleep 30\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    argv = ["amtool", "--alertmanager.url=http://ops:hunter2@127.0.0.1:9/am", "silence", "add", "a=b"]
    with pytest.raises(processes.ToolTimeoutError) as stopped:
        silence_amtool.run(argv, 0.5)
    assert str(stopped.value) == (
        "amtool did not answer within 0.5 s; it was stopped, and the silence may or may not have been "
        "created: look with `amtool silence query` (--timeout gives amtool more time)\n"
        "command: amtool --alertmanager.url=http://ops:xxxxx@127.0.0.1:9/am silence add a=b"
    )


@pytest.mark.amtool
def test_a_config_amtool_refuses_is_told_with_amtools_words(amtool, tmp_path):
    config = tmp_path / "alertmanager.yml"
    config.write_text("route:\n  receiver: nowhere\nreceivers: []\n")
    with pytest.raises(processes.CalledToolError) as failed:
        verify_amtool.check_config(config)
    assert str(failed.value) == (
        "amtool failed\n"
        f"command: amtool check-config {config}\n"
        "exit code: 1\n"
        "stdout:\n"
        f"    Checking '{config}'  FAILED: undefined receiver \"nowhere\" used in route\n"
        "stderr:\n"
        "    amtool: error: failed to validate 1 file(s)"
    )


def test_the_command_line_prints_a_missing_amtool_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["test", "--amtool"]) == 1
    assert capsys.readouterr().err == (
        "oncall-policy: error: `amtool` not found; install prometheus-alertmanager\n"
    )
