"""Every wait on an Alertmanager or on amtool is bounded, and every answer is checked before use.

Against servers that drip, never end, send too much, or send what Alertmanager never writes, each
command that talks to one (``silence audit``, ``check --alertmanager.url``, ``add``,
``check-files --alertmanager.url``) ends within its ``--timeout`` and a little, with its
documented exit status (audit: 4, could not audit; the others: 1, the silence refused as history
is unreadable), one clear line saying why, and no traceback. The commands run as processes, as
people run them, so that their time and memory are their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oncall_policy import json_loads, processes
from oncall_policy.cli import main
from oncall_policy.matchers import MAX_REGEX_LENGTH, Matcher, Op
from oncall_policy.silence import audit, client, gojson, history, labels, rfc3339, seal, source
from oncall_policy.silence.sizes import SizeError, format_size, parse_size
from oncall_policy.verify import amtool as amtool_runner
from tests import fault_servers, http_servers
from tests.conftest import CLIPPER, ROOT

TIMEOUT = 1.0
SLACK = 3.0  # a process's start-up (~0.3 s) and a loaded machine's delays; unbounded waits ran > 150 s
SILENCE = ["alertname=HighErrorRate", "-d", "1h", "-c", "deployment", "-a", "engineer-a@clipper.app"]
MiB = 1024 * 1024


def listed(
    i: int, starts: str = "2026-01-01T00:00:00Z", ends: str = "2026-01-01T01:00:00Z"
) -> dict[str, object]:
    return {
        "id": f"id-{i}",
        "status": {"state": "active"},
        "updatedAt": "2026-01-01T00:00:00Z",
        "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False, "isEqual": True}],
        "startsAt": starts,
        "endsAt": ends,
        "createdBy": "engineer-a@clipper.app",
        "comment": "deployment",
    }


ABSURD = json.dumps(
    [listed(1, starts="0001-01-01T00:00:00+14:00"), listed(2, ends="9999-12-31T23:59:59-14:00")]
).encode()


class Ran:
    def __init__(
        self, returncode: int, stdout: str, stderr: str, seconds: float, peak_kb: int | None
    ) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.seconds, self.peak_kb = seconds, peak_kb


# The command line as the console script runs it, then its own peak memory (VmHWM: the high-water
# mark of this program's memory since it started; ``getrusage`` would count the memory of the
# test process it was forked from, which Linux carries over into a child's ru_maxrss).
DRIVER = """
import os, sys
from oncall_policy.cli import main
status = main(sys.argv[1:])
sys.stdout.flush()
sys.stderr.flush()
with open("/proc/self/status") as found, open(os.environ["PEAK_FILE"], "w") as peak:
    peak.write(next(line.split()[1] for line in found if line.startswith("VmHWM:")))
os._exit(status)
"""


def oncall_policy(*argv: str, path: Path | None = None, home: Path) -> Ran:
    """Run the command line as a process; how it ended, how long it took and its peak memory."""
    env = {**os.environ, "HOME": str(home), "PEAK_FILE": str(home / "peak")}  # no amtool.yml of the user's
    if path is not None:
        env["PATH"] = f"{path}{os.pathsep}{env.get('PATH', '')}"
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )
    seconds = time.monotonic() - began
    peak = home / "peak"
    peak_kb = int(peak.read_text()) if peak.exists() else None
    return Ran(done.returncode, done.stdout, done.stderr, seconds, peak_kb)


@pytest.fixture
def no_amtool_allowed(tmp_path: Path) -> Path:
    """A directory whose ``amtool`` leaves a mark when run: `add` must never get that far."""
    directory = tmp_path / "bin"
    directory.mkdir()
    tool = directory / "amtool"
    tool.write_text(f"#!/bin/sh\ntouch {tmp_path / 'amtool-ran'}\necho created-anyway\n")
    tool.chmod(0o755)
    return directory


def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "silence.json"
    path.write_text(
        json.dumps(
            {
                "matchers": [{"name": "alertname", "value": "HighErrorRate", "isRegex": False}],
                "startsAt": "2030-01-01T00:00:00Z",
                "endsAt": "2030-01-01T01:00:00Z",
                "createdBy": "engineer-a@clipper.app",
                "comment": "deployment",
            }
        )
    )
    return path


FAULTS = {
    "headers-drip": (fault_servers.drip_headers(0.25), "no complete answer before the timeout", "(timeout)"),
    "body-drip": (fault_servers.drip_body(0.25), "no complete answer before the timeout", "(timeout)"),
    "endless-chunked": (
        fault_servers.endless_chunked,
        "the answer is larger than the limit of 64 MiB; give --max-response-size=128MiB",
        "(too-large)",
    ),
    "announced-300MB": (
        fault_servers.announced(300_000_000),
        "the answer is 300,000,000 bytes, larger than the limit of 64 MiB; give --max-response-size=512MiB",
        "(too-large)",
    ),
    "not-json": (fault_servers.answer(b"<html>busy</html>"), "the answer is not JSON", "(bad-json)"),
    "nested-100000": (
        fault_servers.answer(b"[" * 100_000 + b"]" * 100_000),
        "nested too deeply: more than 100 levels",
        "(bad-json)",
    ),
}


@pytest.mark.parametrize("command", ["audit", "check", "add", "check-files"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_alertmanager_is_given_up_on_in_time_with_one_clear_line(
    fault, command, tmp_path, no_amtool_allowed
):
    respond, says, reason = FAULTS[fault]
    with fault_servers.serving(respond) as url:
        common = ["--policy", str(CLIPPER), f"--alertmanager.url={url}", f"--timeout={TIMEOUT:g}s"]
        words = {"audit": [], "check": SILENCE, "add": SILENCE, "check-files": [str(request_file(tmp_path))]}
        ran = oncall_policy(
            "silence", command, *common, *words[command], path=no_amtool_allowed, home=tmp_path
        )
    assert ran.seconds < TIMEOUT + SLACK, ran.seconds
    assert "Traceback" not in ran.stdout + ran.stderr
    if command == "audit":
        assert ran.returncode == 4
        [line] = ran.stderr.splitlines()
        assert line.startswith(f"cannot audit: cannot list the silences: {url}/api/v2/silences: ")
    else:
        assert ran.returncode == 1
        [line] = [line for line in ran.stdout.splitlines() if "history-unreadable" in line]
        assert not (tmp_path / "amtool-ran").exists()  # fail closed: nothing created
    assert says in line
    assert reason in line


def test_the_size_limit_is_the_one_given(tmp_path):
    body = json.dumps([listed(i) for i in range(3000)]).encode()
    with fault_servers.serving(fault_servers.answer(body)) as url:
        common = ["--policy", str(CLIPPER), f"--alertmanager.url={url}"]
        refused = oncall_policy("silence", "audit", *common, "--max-response-size=512KiB", home=tmp_path)
        read = oncall_policy("silence", "audit", *common, "--max-response-size=1MiB", home=tmp_path)
        bad = oncall_policy("silence", "check", *common, "--max-response-size=lots", *SILENCE, home=tmp_path)
    assert refused.returncode == 4
    assert len(body) == 955_890
    assert (
        "the answer is 955,890 bytes, larger than the limit of 512 KiB; give --max-response-size=1MiB "
        "(or more) to read it (too-large)" in refused.stderr
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.endswith("3000 live silences checked, 0 break the policy\n")
    assert bad.returncode == 1
    assert bad.stderr == (
        "oncall-policy: error: --max-response-size=lots: give a size such as 64MiB, 1GiB or 500MB\n"
    )


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "chunked"])
def test_a_listing_over_the_limit_is_refused_before_it_is_read(announce, tmp_path):
    """300 MB offered: refused after at most the limit (1 MiB here) has been read, quickly, and
    the process's peak memory stays that of any command (measured: about 25 MB)."""
    respond = fault_servers.announced(300_000_000) if announce else fault_servers.endless_chunked
    with fault_servers.serving(respond) as url:
        ran = oncall_policy(
            "silence",
            "audit",
            "--policy",
            str(CLIPPER),
            f"--alertmanager.url={url}",
            "--max-response-size=1MiB",
            home=tmp_path,
        )
    assert ran.returncode == 4
    assert "(too-large)" in ran.stderr
    assert ran.seconds < 3
    assert ran.peak_kb is not None
    assert ran.peak_kb < 80_000, ran.peak_kb


@pytest.mark.parametrize("command", ["audit", "check", "add"])
def test_absurd_times_in_a_listing_are_said_clearly(command, tmp_path, no_amtool_allowed):
    """Year 1 at +14:00 is year 0 in UTC; 9999 at -14:00 is year 10000: no time Alertmanager can
    hold. The audit reports each such silence as breaking the policy (exit 1); check and add
    cannot place it in time, so they refuse (fail closed)."""
    with fault_servers.serving(fault_servers.answer(ABSURD)) as url:
        common = ["--policy", str(CLIPPER), f"--alertmanager.url={url}", f"--timeout={TIMEOUT:g}s"]
        words = [] if command == "audit" else SILENCE
        ran = oncall_policy("silence", command, *common, *words, path=no_amtool_allowed, home=tmp_path)
    assert "Traceback" not in ran.stdout + ran.stderr
    assert ran.returncode == 1
    if command == "audit":
        between = "is out of range: times must lie between 0001-01-01 and 9999-12-31 in UTC"
        assert [line for line in ran.stdout.splitlines() if "x bad-time" in line] == [
            f"  x bad-time: startsAt: '0001-01-01T00:00:00+14:00' {between}",
            f"  x bad-time: endsAt: '9999-12-31T23:59:59-14:00' {between}",
        ]
    else:
        [line] = [line for line in ran.stdout.splitlines() if "history-unreadable" in line]
        assert "the listed silence id-1 cannot be placed in time: startsAt: " in line
        assert not (tmp_path / "amtool-ran").exists()


def test_times_at_the_ends_of_what_alertmanager_stores_are_judged():
    """A silence from the first second of year 1 to the last of 9999 is a silence Alertmanager can
    hold: it is judged (it breaks the cap), as are the ones it meets, never a crash."""
    rules = source.load(CLIPPER).rules
    ends = ["0001-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
    items = [listed(i * 3 + j, a, b) for i, a in enumerate(ends) for j, b in enumerate(ends) if a < b]
    findings = audit.audit([*items, listed(99)], rules)
    assert {f.silence_id: f.verdict.accepted for f in findings} == {
        "id-1": False,
        "id-2": False,
        "id-5": False,
        "id-99": True,  # the audit blames the silences that break the policy by themselves
    }


def test_a_time_shifted_past_the_ends_is_held_there():
    first, last = rfc3339.parse("0001-01-01T00:00:00Z"), rfc3339.parse("9999-12-31T23:59:59Z")
    assert history._shifted(first, -timedelta(days=1)) == datetime.min.replace(tzinfo=UTC)
    assert history._shifted(last, timedelta(days=1)) == datetime.max.replace(tzinfo=UTC)
    assert history._shifted(last, -timedelta(days=1)) == last - timedelta(days=1)


# The client's bounds, as a library.


def test_a_tls_handshake_that_never_comes_is_bounded():
    with http_servers.black_hole() as url:
        began = time.monotonic()
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences(url.replace("http://", "https://"), timeout=0.5)
        spent = time.monotonic() - began
    assert [f.reason for f in refused.value.failures] == ["timeout"]
    assert spent < 0.5 + 0.5


def test_a_proxy_that_never_answers_is_bounded(tmp_path):
    from oncall_policy.silence import http_config  # noqa: PLC0415

    with http_servers.black_hole() as proxy:
        path = tmp_path / "http.yml"
        path.write_text(f"proxy_url: {proxy}\n")
        began = time.monotonic()
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences("https://am.test:9093", http_config.load(str(path)), timeout=0.5)
        spent = time.monotonic() - began
    assert [f.reason for f in refused.value.failures] == ["timeout"]
    assert spent < 0.5 + 0.5


def test_an_exchange_given_up_on_stops_and_leaves_no_thread():
    """Its socket is shut at the deadline: a server still dripping headers (each byte would
    renew a socket timeout) does not keep the exchange's thread alive."""

    def exchanges() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("oncall-policy ")]

    with fault_servers.serving(fault_servers.drip_headers(0.05)) as url:
        with pytest.raises(client.HistoryUnavailableError):
            client.silences(url, timeout=0.3)
        for thread in exchanges():
            thread.join(1.0)
        assert exchanges() == []


def test_the_clients_default_limit_is_the_transports():
    from oncall_policy.silence import transport  # noqa: PLC0415

    assert client.DEFAULT_MAX_BYTES == transport.MAX_BODY == 64 * MiB


def test_too_large_says_its_limit():
    with (
        fault_servers.serving(fault_servers.endless_chunked) as url,
        pytest.raises(client.HistoryUnavailableError) as refused,
    ):
        client.silences(url, max_bytes=MiB)
    [failure] = refused.value.failures
    assert isinstance(failure, client.TooLargeError)
    assert (failure.reason, failure.limit, failure.size) == ("too-large", MiB, None)


def test_add_says_when_it_created_a_silence_it_could_not_read_back(tmp_path, monkeypatch, capsys):
    """The history is read, amtool creates the silence, and the listing to check for a race then
    fails: the silence's id is still shown, with why it was not checked (exit 1)."""
    directory = tmp_path / "bin"
    directory.mkdir()
    (directory / "amtool").write_text("#!/bin/sh\necho 4f1c-created\n")
    (directory / "amtool").chmod(0o755)
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(tmp_path))
    with fault_servers.serving(fault_servers.answers((200, b"[]"), (500, b"down for maintenance"))) as url:
        status = main(["silence", "add", "--policy", str(CLIPPER), f"--alertmanager.url={url}", *SILENCE])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == "4f1c-created\n"
    assert (
        "oncall-policy: error: created 4f1c-created, but could not read the silences back to check that "
        "none created meanwhile makes it break the policy" in captured.err
    )
    assert "HTTP 500: down for maintenance" in captured.err


# A hung amtool is stopped, with everything it started.


def hung_amtool(tmp_path: Path) -> Path:
    """An ``amtool`` that starts a child which would outlive it, and waits for it forever."""
    directory = tmp_path / "hung-bin"
    directory.mkdir()
    tool = directory / "amtool"
    tool.write_text(f"#!/bin/sh\nsleep 1000 &\necho $! > {tmp_path / 'sleeper.pid'}\nwait\n")
    tool.chmod(0o755)
    return directory


def gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs (a zombie waiting for its reaper has ended too)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:  # noqa: PTH123
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_hung_amtool_is_stopped_with_what_it_started(tmp_path):
    with fault_servers.serving(fault_servers.answer(b"[]")) as url:
        common = ["--policy", str(CLIPPER), f"--alertmanager.url={url}", f"--timeout={TIMEOUT:g}s"]
        ran = oncall_policy("silence", "add", *common, *SILENCE, path=hung_amtool(tmp_path), home=tmp_path)
    assert ran.returncode == 1
    assert ran.seconds < TIMEOUT + SLACK
    *_, error, command = ran.stderr.splitlines()
    assert error == (
        f"oncall-policy: error: amtool did not answer within {TIMEOUT:g} s; it was stopped, and the silence may "
        "or may not have been created: look with `amtool silence query` (--timeout gives amtool more time)"
    )
    assert command.startswith(
        f"command: amtool --alertmanager.url={url} --timeout={TIMEOUT:g}s silence add "
        "--author=engineer-a@clipper.app --comment=deployment --start="
    )
    assert command.endswith(" -- 'alertname=\"HighErrorRate\"'")
    assert "Traceback" not in ran.stderr
    sleeper = int((tmp_path / "sleeper.pid").read_text())
    deadline = time.monotonic() + 5
    while not gone(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(sleeper)


def test_a_hung_amtool_stops_the_routing_test_in_time(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", f"{hung_amtool(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(amtool_runner, "TIMEOUT", 1.0)
    began = time.monotonic()
    assert main(["test", "--amtool"]) == 1
    assert time.monotonic() - began < 1.0 + SLACK
    error, command = capsys.readouterr().err.splitlines()
    assert error == "oncall-policy: error: amtool did not answer within 1 s; it was stopped"
    assert command.startswith("command: amtool check-config ")


# An amtool that writes without end is stopped once it has written more than any amtool writes.


def fake_amtool(tmp_path: Path, script: str) -> Path:
    """A directory holding an ``amtool`` that runs the shell ``script``."""
    directory = tmp_path / "fake-bin"
    directory.mkdir()
    tool = directory / "amtool"
    tool.write_text(f"#!/bin/sh\n{script}\n")
    tool.chmod(0o755)
    return directory


SPEW = "exec yes " + "A" * 70  # gigabytes a second, forever
OVERFLOW = "amtool wrote more than 16 MiB to its {stream}; it was stopped"


def test_a_spewing_amtool_is_stopped_in_time_and_memory(tmp_path):
    """Its output is never all kept: well before ``--timeout``, with little memory, exit 1."""
    with fault_servers.serving(fault_servers.answer(b"[]")) as url:
        common = ["--policy", str(CLIPPER), f"--alertmanager.url={url}", f"--timeout={TIMEOUT:g}s"]
        ran = oncall_policy(
            "silence", "add", *common, *SILENCE, path=fake_amtool(tmp_path, SPEW), home=tmp_path
        )
    assert ran.returncode == 1
    assert ran.seconds < TIMEOUT + SLACK
    assert ran.peak_kb is not None
    assert ran.peak_kb < 200 * 1024
    assert ran.stdout == ""
    error, command = ran.stderr.splitlines()
    assert error == (
        "oncall-policy: error: " + OVERFLOW.format(stream="standard output") + ", and the silence may or "
        "may not have been created: look with `amtool silence query`"
    )
    assert command.startswith(f"command: amtool --alertmanager.url={url} --timeout={TIMEOUT:g}s silence add ")


def test_a_spewing_amtool_stops_the_routing_test(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", f"{fake_amtool(tmp_path, SPEW + ' >&2')}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(amtool_runner, "TIMEOUT", 30.0)
    began = time.monotonic()
    assert main(["test", "--amtool"]) == 1
    assert time.monotonic() - began < 10.0  # the cap stops it, not the timeout
    error, command = capsys.readouterr().err.splitlines()
    assert error == f"oncall-policy: error: {OVERFLOW.format(stream='standard error')}"
    assert command.startswith("command: amtool check-config ")


@pytest.mark.parametrize(
    ("script", "ran"),
    [
        ("head -c 16777216 /dev/zero", (0, "\0" * 16 * MiB, "")),
        ("head -c 16777216 /dev/zero >&2; echo id", (0, "id\n", "\0" * 16 * MiB)),
        ("printf 'a\\r\\nb\\377'; echo warn >&2; exit 3", (3, "a\nb\ufffd", "warn\n")),
    ],
    ids=["at-the-limit", "both-streams", "text"],
)
def test_output_up_to_the_limit_is_kept_whole(tmp_path, script, ran):
    """All of each stream up to the limit, read as text; undecodable bytes replaced, not fatal."""
    tool = fake_amtool(tmp_path, script) / "amtool"
    same = processes.run([str(tool)], TIMEOUT) == ran
    assert same  # not compared in the assert itself: a diff of 16 MiB would bury the failure


@pytest.mark.parametrize(
    "script",
    ["while :; do echo drip; sleep 0.01; done", "exec >&- 2>&-; sleep 1000"],
    ids=["drips-under-the-limit", "closes-its-outputs-then-waits"],
)
def test_an_amtool_that_writes_little_but_never_ends_is_stopped_in_time(tmp_path, script):
    tool = fake_amtool(tmp_path, script) / "amtool"
    began = time.monotonic()
    with pytest.raises(processes.ToolTimeoutError) as stopped:
        processes.run([str(tool)], 1.0)
    assert str(stopped.value) == f"amtool did not answer within 1 s; it was stopped\ncommand: {tool}"
    assert time.monotonic() - began < 1.0 + SLACK


# What the readers give is never nested deeper than they allow, at any depth of the stack.


def at_depth(levels: int, then):  # a call made from deep in the stack
    return then() if levels == 0 else at_depth(levels - 1, then)


@pytest.mark.parametrize("depth", [101, 500, 950, 990, 5000, 100_000])
@pytest.mark.parametrize("stack", [0, 800])
def test_json_nested_past_the_limit_is_refused_wherever_it_is_read(depth, stack):
    text = '[{"id": "x", "status": {"state": ' + "[" * depth + "]" * depth + "}}]"
    with pytest.raises(gojson.GoJSONError, match="nested too deeply"):
        at_depth(stack, lambda: gojson.loads(text))


def test_json_nested_to_the_limit_is_read():
    assert gojson.loads("[" * 100 + "]" * 100) == eval("[" * 100 + "]" * 100)  # noqa: S307 - brackets only
    assert gojson.within_depth([[[]]])
    assert not gojson.within_depth(eval("[" * 101 + "1" + "]" * 101))  # noqa: S307


def test_json_loads_says_too_deep_as_a_value_error():
    with pytest.raises(json_loads.TooDeepError, match="nested too deeply"):
        json_loads.loads(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)


def test_generated_rules_nested_too_deep_fall_back_to_the_policy(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(CLIPPER.read_bytes())
    generated = tmp_path / "generated"
    generated.mkdir()
    nested = '{\n  "a": ' + "[" * 100_000 + "1" + "]" * 100_000 + "\n}\n"
    (generated / "silence-rules.json").write_text(seal.seal(nested))  # as compile seals it
    loaded = source.load(policy)
    assert loaded.stale is not None
    assert "unreadable" in loaded.stale


# Sizes as people write them.


@pytest.mark.parametrize(
    ("text", "size"),
    [("64MiB", 64 * MiB), ("1GiB", 1 << 30), ("500MB", 500_000_000), ("1048576", MiB), (" 2 kib ", 2048)],
)
def test_sizes_are_read(text, size):
    assert parse_size(text, "--max-response-size") == size


@pytest.mark.parametrize("text", ["", "lots", "1.5MiB", "-1MiB", "0", "0MiB", "1TB", "١MiB"])
def test_sizes_that_are_not(text):
    with pytest.raises(SizeError):
        parse_size(text, "--max-response-size")


@pytest.mark.parametrize(
    ("size", "shown", "argument"),
    [(64 * MiB, "64 MiB", "64MiB"), (1 << 30, "1 GiB", "1GiB"), (1000, "1,000 bytes", "1000")],
)
def test_sizes_are_written(size, shown, argument):
    assert format_size(size) == shown
    assert format_size(size, as_argument=True) == argument
    assert parse_size(argument, "-") == size


def test_a_name_that_takes_long_to_resolve_is_bounded_and_nothing_is_sent_later(monkeypatch):
    """Name resolution knows no socket timeout; the deadline bounds it too, and the exchange,
    once the name resolves, sends nothing."""
    import socket  # noqa: PLC0415

    with http_servers.canned(200, b"[]") as (url, log):
        port = int(url.rsplit(":", 1)[1])

        def slow(*_args: object, **_kwargs: object) -> list[tuple[object, ...]]:
            time.sleep(1.0)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

        monkeypatch.setattr(socket, "getaddrinfo", slow)
        began = time.monotonic()
        with pytest.raises(client.HistoryUnavailableError) as refused:
            client.silences("http://am.invalid:9093", timeout=0.3)
        spent = time.monotonic() - began
        for thread in threading.enumerate():
            if thread.name.startswith("oncall-policy "):
                thread.join(5)
    assert [f.reason for f in refused.value.failures] == ["timeout"]
    assert spent < 0.3 + 0.5
    assert log == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://alice:s3cret@am:9093/api/v2/silences", "http://alice:xxxxx@am:9093/api/v2/silences"),
        ("https://alice:p@ss:w@rd@am?x=@y", "https://alice:xxxxx@am?x=@y"),
        ("http://alice@am/", "http://alice@am/"),  # no password: nothing to hide
        ("http://am:9093/a@b", "http://am:9093/a@b"),
        ("not a url", "not a url"),
    ],
)
def test_a_password_in_a_url_is_never_shown(url, shown):
    from oncall_policy.silence.http_errors import UnreachableError, redacted  # noqa: PLC0415

    assert redacted(url) == shown
    assert str(UnreachableError(url, "down")) == f"{shown}: down"


def test_a_password_in_the_url_is_not_in_the_timeout(tmp_path):
    with fault_servers.serving(fault_servers.drip_headers(0.05)) as url:
        with_user = url.replace("http://", "http://alice:s3cret@")
        ran = oncall_policy(
            "silence", "audit", "--policy", str(CLIPPER), f"--alertmanager.url={with_user}", "--timeout=0.5s",
            home=tmp_path,
        )  # fmt: skip
    assert ran.returncode == 4
    assert "(timeout)" in ran.stderr
    assert "s3cret" not in ran.stderr


def test_a_regex_longer_than_judged_is_refused_without_being_parsed(capsys):
    value = "(a|b)" * (MAX_REGEX_LENGTH // 5 + 1)
    matcher = Matcher("service", Op.REGEX, value)
    assert matcher.too_complex == f"{len(value):,} characters; the longest judged is {MAX_REGEX_LENGTH:,}"
    argv = ["silence", "check", "--policy", str(CLIPPER), f"service=~{value}", "-d", "1h", "-c", "deployment"]
    assert main([*argv, "-a", "engineer-a@clipper.app"]) == 1
    out = capsys.readouterr().out
    assert "x too-complex: " in out
    assert "fix: write a shorter regex, or several silences" in out


def test_a_long_regex_is_not_analysed_and_its_reach_is_taken_as_anything(capsys):
    """Past labels.MAX_ANALYSED characters, no language question is explored: reach is 'may'."""
    value = "a" * (labels.MAX_ANALYSED + 1)
    argv = ["silence", "check", "--policy", str(CLIPPER), f"service=~{value}", "-d", "1h", "-c", "deployment"]
    assert main([*argv, "-a", "engineer-a@clipper.app"]) == 1
    out = capsys.readouterr().out
    assert "not decided exactly, so taken as reached" in out
    assert "ServiceDown" in out  # a P1 alert: its rule applies, as to any silence that may reach it
