"""Benchmark of the notification templates: python bench/templates.py [N ...]  (default 100 100000)

The generated ``alertmanager.tmpl`` must cost the same at any catalog size (issue 14): nothing in
it is per alert. For the synthetic policy of bench/make_policy.py at each N this compiles the
output, then times side by side, round after round (median of 21 after a warm-up):

- ``amtool check-config`` of the output, and of the same configuration without its ``templates``
  (the ratio's target is <= 1.2);
- ``amtool template render`` of one PagerDuty summary and one Slack text, for an alert named as
  the last catalog alert (where a per-alert chain would cost the most).

It also prints each template file's size and digest (the same text at every N, but for the
header naming the policy), and the peak memory of each command (one run, ``wait4``'s maxrss).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml_rs

from oncall_policy.compile import alertmanager
from oncall_policy.model import Policy
from oncall_policy.output import write
from oncall_policy.provenance import Source
from timing import interleaved_medians

ROOT = Path(__file__).resolve().parent.parent
RUNS = 21
TARGET = 1.2


def compiled(count: int, work: Path) -> Path:
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_policy.py"), str(count)],
        check=True,
        capture_output=True,
        text=True,
    )
    policy = work / f"synthetic-{count}.yaml"
    raw = made.stdout.encode()
    policy.write_bytes(raw)
    out = work / f"out-{count}"
    # In process, from the model: at 100,000 alerts the policy is past the size the loader reads.
    loaded = Policy.model_validate(yaml_rs.loads(made.stdout, parse_datetime=False))
    write(alertmanager.build(loaded, Source.of(policy, raw)), out)
    bare = out / "without-templates.yml"
    lines = (out / "alertmanager.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    bare.write_text("".join(line for line in lines if not line.startswith("templates:")), encoding="utf-8")
    # The floor: Alertmanager parses its own default templates whenever any template file is named.
    (out / "empty.tmpl").write_text("", encoding="utf-8")
    empty = "".join("templates: [empty.tmpl]\n" if line.startswith("templates:") else line for line in lines)
    (out / "empty-template.yml").write_text(empty, encoding="utf-8")
    (out / "notification.json").write_text(json.dumps(notification(count)), encoding="utf-8")
    return out


def notification(count: int) -> dict[str, object]:
    """One firing alert named as the catalog's last, with the annotations its rule gives it."""
    labels = {"alertname": f"Synthetic{count - 1:05d}Alert", "severity": "P2", "service": "checkout"}
    annotations = {"summary": "s", "meaning": "m", "response": "r", "runbook_url": "https://rb.example/x"}
    alert = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations,
        "startsAt": "2026-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example/graph",
    }
    return {
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {"alertname": labels["alertname"], "service": "checkout"},
        "commonLabels": labels,
        "commonAnnotations": annotations,
    }


def commands(amtool: str, out: Path) -> list[tuple[str, list[str]]]:
    render = [
        amtool,
        "template",
        "render",
        f"--template.glob={out / 'alertmanager.tmpl'}",
        f"--template.data={out / 'notification.json'}",
    ]
    return [
        ("check-config", [amtool, "check-config", str(out / "alertmanager.yml")]),
        ("check-config without templates", [amtool, "check-config", str(out / "without-templates.yml")]),
        ("check-config, an empty template file", [amtool, "check-config", str(out / "empty-template.yml")]),
        (
            "render PagerDuty summary",
            [*render, '--template.text={{ template "oncall_policy.description" . }}'],
        ),
        ("render Slack text", [*render, '--template.text={{ template "oncall_policy.text" . }}']),
    ]


# Run from a small process of its own: a child forked from this one (which holds the big policy)
# would count this process's memory in its peak until it execs.
_PEAK = (
    "import os, subprocess, sys; "
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "print(os.wait4(p.pid, 0)[2].ru_maxrss)"
)


def peak_megabytes(command: list[str]) -> float:
    """The peak resident memory of one run of ``command``, in MB."""
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, check=True)
    return int(done.stdout) / 1024


def main(argv: list[str]) -> int:
    counts = [int(arg) for arg in argv[1:]] or [100, 100_000]
    amtool = shutil.which("amtool")
    if amtool is None:
        print("`amtool` not found; install prometheus-alertmanager", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as directory:
        outs = {count: compiled(count, Path(directory)) for count in counts}
        rows = [
            (count, what, command) for count, out in outs.items() for what, command in commands(amtool, out)
        ]
        medians = interleaved_medians([(command, 0) for _, _, command in rows], RUNS)
        peaks = {(count, what): peak_megabytes(command) for count, what, command in rows}
        for count, out in outs.items():
            text = (out / "alertmanager.tmpl").read_bytes()
            digest = hashlib.sha256(text).hexdigest()[:16]
            print(f"N={count}: alertmanager.tmpl {len(text)} bytes, sha256 {digest}")
    seconds = {(count, what): median for (count, what, _), median in zip(rows, medians, strict=True)}
    print(f"{'N':>7}  {'what (median of ' + str(RUNS) + ')':<38} seconds  peak MB")
    for (count, what), median in seconds.items():
        print(f"{count:>7}  {what:<38} {median:7.3f}  {peaks[count, what]:7.1f}")
    ok = True
    for count in counts:
        ratio = seconds[count, "check-config"] / seconds[count, "check-config without templates"]
        ok &= ratio <= TARGET
        print(f"N={count}: check-config with / without templates = {ratio:.2f} (target <= {TARGET})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
