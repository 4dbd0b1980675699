"""`oncall-policy silence check|add|check-files` at the command line: exit codes and output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oncall_policy.cli import main
from tests.conftest import CLIPPER, ROOT
from tests.planting import within

OK = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "--author=engineer-a@clipper.app"]


def check(*argv: str) -> int:
    return main(["silence", "check", "--policy", str(CLIPPER), *argv])


def test_accepted_exit_0(capsys):
    assert check(*OK) == 0
    assert capsys.readouterr().out == (
        'ACCEPTED: silence alertname="HighErrorRate" for 2h\n'
        "  note: judged without earlier silences: give --alertmanager.url to count re-created ones\n"
        "  reaches: HighErrorRate\n"
        "  rules: p2-warning; cap 4h; approvals: none\n"
    )


def test_rejection_lists_every_violation_with_its_fix(capsys):
    assert (
        check(
            "alertname=ServiceDown", "-d", "3h", "--comment=too many alerts", "-a", "engineer-b@clipper.app"
        )
        == 1
    )
    out = capsys.readouterr().out
    assert out.splitlines()[0] == 'REJECTED: silence alertname="ServiceDown" breaks 4 rules:'
    for rule in ("invalid-reason", "no-valid-reason", "over-cap", "missing-approval"):
        assert f"  x {rule}: " in out
    assert out.count("      fix: ") == 4


def test_flags_anywhere_and_in_both_forms(capsys):
    argv = [
        "--duration",
        "2h",
        "alertname=HighErrorRate",
        "--comment=deployment",
        "-a",
        "engineer-a@clipper.app",
    ]
    assert check(*argv, "--format=json") == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["accepted"]
    assert verdict["duration"] == "2h"
    assert verdict["rules"] == ["p2-warning"]


def test_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as stopped:
        check("alertname=X", "--no-such-flag")
    assert stopped.value.code == 2


def test_missing_policy_rejects_every_silence(tmp_path, capsys):
    assert main(["silence", "check", "--policy", str(tmp_path / "none.yaml"), *OK]) == 1
    captured = capsys.readouterr()
    assert "REJECTED: the policy is missing or invalid" in captured.out
    assert "cannot read the policy" in captured.err


def test_a_fifo_in_place_of_the_policy_rejects_every_silence_without_blocking(tmp_path, capsys):
    os.mkfifo(tmp_path / "policy.yaml")
    assert within(10, lambda: main(["silence", "check", "--policy", str(tmp_path / "policy.yaml"), *OK])) == 1
    captured = capsys.readouterr()
    assert "REJECTED: the policy is missing or invalid" in captured.out
    assert "cannot read the policy: is not a regular file (a FIFO)" in captured.err


def test_invalid_policy_rejects_every_silence(tmp_path, capsys):
    broken = tmp_path / "policy.yaml"
    broken.write_text(CLIPPER.read_text().replace("max_duration: 4h", "max_duration: four hours"))
    assert main(["silence", "check", "--policy", str(broken), *OK]) == 1
    captured = capsys.readouterr()
    assert "REJECTED: the policy is missing or invalid" in captured.out
    assert "policy.yaml:" in captured.err


def test_stale_rules_fall_back_to_the_policy(tmp_path, capsys):
    copy = tmp_path / "policy.yaml"
    copy.write_text(CLIPPER.read_text().replace("max_duration: 4h", "max_duration: 1h30m"))
    shutil.copytree(CLIPPER.parent / "generated", tmp_path / "generated")
    assert main(["silence", "check", "--policy", str(copy), *OK]) == 1
    captured = capsys.readouterr()
    assert "compiled from another version of policy.yaml" in captured.err
    assert "rule p2-warning allows at most 1h30m" in captured.out


P1_FOR_30_DAYS = [
    "alertname=ServiceDown",
    "-d",
    "720h",
    "-c",
    "INC-42 known issue being actively worked",
    "-a",
    "engineer-a@clipper.app",
    "--approved-by",
    "manager-x@clipper.app",
]


def _copy_with_rules(tmp_path: Path) -> tuple[Path, Path]:
    """The example policy and its generated rules, copied: (policy, silence-rules.json)."""
    copy = tmp_path / "policy.yaml"
    shutil.copy(CLIPPER, copy)
    shutil.copytree(CLIPPER.parent / "generated", tmp_path / "generated")
    return copy, tmp_path / "generated" / "silence-rules.json"


def test_the_generated_rules_are_used_as_compiled(tmp_path, capsys):
    copy, _ = _copy_with_rules(tmp_path)
    assert main(["silence", "check", "--policy", str(copy), *OK]) == 0
    assert capsys.readouterr().err == ""  # no fallback to the policy


def test_hand_edited_rules_that_keep_the_policys_sha_are_not_trusted(tmp_path, capsys):
    """The issue's case: the P1 cap raised from 1h to 30 days in silence-rules.json, its
    ``source.sha256`` kept. The silence is judged by the policy's real rules."""
    copy, rules = _copy_with_rules(tmp_path)
    edited = rules.read_text().replace(
        '"max_duration": "1h", "max_duration_ms": 3600000',
        '"max_duration": "720h", "max_duration_ms": 2592000000',
    )
    assert edited != rules.read_text()
    rules.write_text(edited)
    assert main(["silence", "check", "--policy", str(copy), *P1_FOR_30_DAYS]) == 1
    captured = capsys.readouterr()
    assert "x over-cap: the silence lasts 4w2d; rule p1-critical allows at most 1h" in captured.out
    assert captured.err == (
        f"oncall-policy: warning: {tmp_path}/generated/silence-rules.json was changed after it was "
        f"compiled; run `oncall-policy compile`; read {copy} directly\n"
    )


def test_rules_whose_seal_does_not_match_are_not_trusted(tmp_path, capsys):
    """The file's last field vouches for the rest: a wrong one is read as an edit."""
    copy, rules = _copy_with_rules(tmp_path)
    text = rules.read_text()
    rules.write_text(text[: text.rindex('"sha256": "') + 11] + "0" * 64 + '"\n}\n')
    assert main(["silence", "check", "--policy", str(copy), *OK]) == 0
    assert "was changed after it was compiled" in capsys.readouterr().err


def test_a_fifo_in_place_of_the_rules_does_not_block(tmp_path, capsys):
    copy, rules = _copy_with_rules(tmp_path)
    rules.unlink()
    os.mkfifo(rules)
    assert within(10, lambda: main(["silence", "check", "--policy", str(copy), *OK])) == 0
    assert "silence-rules.json is not a regular file (a FIFO); run `oncall-policy compile`" in (
        capsys.readouterr().err
    )


def test_a_symlinked_rules_file_is_not_followed(tmp_path, capsys):
    """Even to rules that would be trusted: where it points is not the file ``compile`` wrote."""
    copy, rules = _copy_with_rules(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    rules.rename(elsewhere)
    rules.symlink_to(elsewhere)
    assert main(["silence", "check", "--policy", str(copy), *OK]) == 0
    assert "silence-rules.json is a symbolic link; refusing to follow it" in capsys.readouterr().err


def test_a_symlinked_generated_directory_is_not_followed(tmp_path, capsys):
    """``generated/`` itself a link: the rules behind it are not the ones ``compile`` wrote."""
    copy, _ = _copy_with_rules(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "generated").rename(elsewhere)
    (tmp_path / "generated").symlink_to(elsewhere)
    assert main(["silence", "check", "--policy", str(copy), *OK]) == 0
    assert f"is inside {tmp_path}/generated, which is not a plain directory" in capsys.readouterr().err


def test_add_refuses_when_earlier_silences_cannot_be_read(capsys):
    """Fail closed: without the silences already there, re-created ones cannot be counted."""
    argv = ["silence", "add", "--policy", str(CLIPPER), "--alertmanager.url=http://127.0.0.1:9", *OK]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "x history-unreadable: the silences already at http://127.0.0.1:9 cannot be read" in out


def test_an_empty_duration_is_refused_as_amtool_refuses_it(capsys):
    """amtool: "empty duration string"; it was read as amtool's default of 1h (red team)."""
    argv = ["silence", "check", "--policy", str(CLIPPER), "alertname=HighErrorRate", "-c", "deployment"]
    assert main([*argv, "-a", "engineer-a@clipper.app", "-d", ""]) == 1
    assert "x bad-duration: not a valid duration: ''" in capsys.readouterr().out


@pytest.mark.amtool
def test_an_unreadable_peer_is_among_the_alertmanagers_the_refusal_names(alertmanager, capsys):
    """Red team: it named --alertmanager.url alone, which answered, as the one that could not be read."""
    argv = ["silence", "check", "--policy", str(CLIPPER), f"--alertmanager.url={alertmanager.url}"]
    assert main([*argv, "--peer", "http://127.0.0.1:9", *OK]) == 1
    out = capsys.readouterr().out
    assert f"in the Alertmanagers asked ({alertmanager.url}, http://127.0.0.1:9) cannot be read" in out
    assert "http://127.0.0.1:9/api/v2/silences: [Errno 111]" in out
    assert "fix: check --alertmanager.url, --peer and" in out


def test_a_policy_may_allow_judging_without_history(tmp_path, capsys):
    relaxed = tmp_path / "policy.yaml"
    relaxed.write_text(
        CLIPPER.read_text().replace(
            "  unknown_alerts: strictest\n", "  unknown_alerts: strictest\n  history: {required: false}\n"
        )
    )
    argv = ["silence", "check", "--policy", str(relaxed), "--alertmanager.url=http://127.0.0.1:9", *OK]
    assert main(argv) == 0
    assert "judged without earlier silences" in capsys.readouterr().out


def test_check_files(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(
        "matchers: [{name: alertname, value: ServiceDown, isRegex: false}]\n"
        "startsAt: '2026-12-01T10:00:00Z'\nendsAt: '2026-12-01T11:00:00Z'\n"
        "createdBy: engineer-a@clipper.app\ncomment: INC-3 investigating\n"
        "approvedBy: [manager-x@clipper.app]\n"
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"matchers": [{"name": "alertname", "value": "ServiceDown", "isRegex": false}],\n'
        ' "startsAt": "2026-12-01T10:00:00Z", "endsAt": "2026-12-01T13:00:00Z",\n'
        ' "createdBy": "engineer-a@clipper.app", "comment": "INC-3"}\n'
    )
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(good)]) == 0
    assert main(["silence", "check-files", "--policy", str(CLIPPER), str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": [error] ")[0] for line in lines] == [f"{bad}:1:1", f"{bad}:2:48"]
    assert lines[0].endswith("(missing-approval)")  # no approvedBy key: the document itself
    assert lines[1].startswith(f"{bad}:2:48: [error] endsAt: the silence lasts 3h; rule p1-critical allows")


def _verified_once() -> None:
    """The first run on a rules file compiles the policy to verify it (``source``): once known
    verified (this user's cache), a run reads the file alone."""
    assert main(["silence", "check", "--policy", str(CLIPPER), *OK]) == 0


def test_silence_check_imports_no_pydantic_nor_yaml():
    _verified_once()
    code = (
        "import sys; from oncall_policy.cli import main; "
        f"rc = main(['silence', 'check', '--policy', {str(CLIPPER)!r}, *{OK!r}]); "
        "heavy = sorted(m for m, module in sys.modules.items() "
        "if m.split('.')[0] in ('pydantic', 'ruamel', 'yaml_rs', 'yaml') "
        "and getattr(module, '__file__', None)); "  # the CLI's stand-in for pydantic's plugin loader has none
        "print(rc, heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stderr.strip() == "0 []"


# What `silence check` must not import: each costs milliseconds of a command run by hand during an
# incident (target: 0.1 s for the whole process), and none is needed to judge a silence.
NOT_ON_THE_CHECK_PATH = (
    "dataclasses",  # with inspect, ~10 ms; the silence classes are oncall_policy.records.Record
    "typing",  # ~10 ms; annotations only, under TYPE_CHECKING
    "pathlib",  # ~7 ms with urllib.parse; paths are strings on this path
    "urllib",  # only to talk to an Alertmanager
    "subprocess",  # only `add` runs amtool
    "traceback",  # only the error boundary, for a bug
    "inspect",
)


def test_silence_check_imports_nothing_it_does_not_need():
    _verified_once()
    code = (
        "import sys; from oncall_policy.cli import main; "
        f"rc = main(['silence', 'check', '--policy', {str(CLIPPER)!r}, *{OK!r}]); "
        f"print(rc, sorted(m for m in {NOT_ON_THE_CHECK_PATH!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stderr.strip() == "0 []"


def test_the_policys_digest_is_hashlibs():
    import hashlib  # noqa: PLC0415

    from oncall_policy.silence.seal import sha256_hex  # noqa: PLC0415

    for data in (b"", b"policy", CLIPPER.read_bytes(), bytes(range(256)) * 1000):
        assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_at_files_are_read_as_amtool_reads_them(tmp_path, capsys):
    """amtool (kingpin) reads ``@FILE`` as the file's lines, each an argument: a comment file can
    hide an ``--end``. The silence judged is the one amtool would create."""
    reason = tmp_path / "reason"
    reason.write_text("deploy in progress\n# a comment line\n--end=2030-01-01T00:00:00Z\n")
    argv = [
        "alertname=HighErrorRate",
        "service=api",
        "-d",
        "2h",
        "-c",
        f"@{reason}",
        "-a",
        "engineer-a@clipper.app",
    ]
    assert check(*argv) == 1
    out = capsys.readouterr().out
    assert "x over-cap:" in out
    assert check("alertname=HighErrorRate", f"@{tmp_path / 'missing'}") == 1
    assert "oncall-policy: error: cannot read @" in capsys.readouterr().err


def test_amtools_configuration_gives_the_defaults_amtool_would(tmp_path, monkeypatch, capsys):
    """amtool takes every flag's default from its configuration file, ``end`` included."""
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / ".config" / "prometheus" / "amtool.yml"
    config.parent.mkdir(parents=True)
    config.write_text('end: "2031-01-01T00:00:00Z"\ncomment: deploy in progress\n')
    assert check("alertname=HighErrorRate", "-d", "30m", "-a", "engineer-a@clipper.app") == 1
    out = capsys.readouterr().out
    assert "x over-cap:" in out
    assert "no-valid-reason" not in out  # the comment came from the file too
