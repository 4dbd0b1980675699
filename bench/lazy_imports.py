"""What each import made inside a function saves, command by command.

Usage: python bench/lazy_imports.py [--all]   (--all: also the statements that save nothing)

``bench/tricks.py lazy-imports`` times them all made eagerly at once. This bench tells them
apart: for each command, one process runs it (``cli.main``, output discarded), then, for each
lazy import whose module that command loaded, a forked copy makes that import and reports the
CPU time it took and the modules it loaded: what moving it to the top of its module would add
to that command. Shares are of the command's whole-process CPU time (``SECONDS``, the medians
of bench/tricks.py); a statement that costs under 0.5 ms and loads no module costs nothing (the
fork and the timer take that long). ``never`` marks an import whose module loads the same
modules anyway when imported alone: lazy on every command, it saves nothing anywhere.

The process that measures imports nothing beyond ``os``, ``sys`` and ``time`` before the
command, so that what it finds loaded is what the command loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import ENV

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "oncall_policy"
POLICY = str(ROOT / "policy.yaml")
SILENCE = ["alertname=HighErrorRate", "-d", "2h", "-c", "deployment", "-a", "engineer-a@clipper.app"]
THRESHOLD = 0.05
# (command, its whole-process CPU seconds as bench/tricks.py measured them)
COMMANDS: list[tuple[list[str], float]] = [
    (["silence", "check", "--policy", POLICY, *SILENCE], 0.033),
    (["check", POLICY], 0.226),
    (["who", "--policy", POLICY, "--at", "2025-03-03T10:00:00Z"], 0.257),
    (["compile", "--policy", POLICY, "--out", "{out}"], 0.544),
]

# Run by a fresh interpreter: argv[1] the statements file, the rest the command's arguments.
# With ``None`` for the command, each statement is measured after importing its module alone.
MEASURE = r"""
import os, sys, time
statements = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
if sys.argv[2:] != ["None"]:
    from oncall_policy.cli import main
    null = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(null, 1); os.dup2(null, 2)
    main(sys.argv[2:]); sys.stdout.flush(); sys.stderr.flush()
    os.dup2(saved[0], 1); os.dup2(saved[1], 2)
for module, where, code in statements:
    if sys.argv[2:] != ["None"] and module not in sys.modules:
        continue
    reading, writing = os.pipe()
    if os.fork() == 0:
        if sys.argv[2:] == ["None"]:
            __import__(module)
        before, started = set(sys.modules), time.process_time()
        try:
            exec(code.replace(";", "\n"), dict(vars(sys.modules[module])))
        except ImportError:
            pass
        taken = time.process_time() - started
        os.write(writing, f"{where} {taken} {len(set(sys.modules) - before)}".encode())
        os._exit(0)
    os.close(writing)
    print(os.read(reading, 1000).decode()); os.wait()
"""


def statements() -> list[tuple[str, str, str, str]]:
    """(module, file:line, the import binding private names only, its source) of each lazy import."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        module = ".".join(("oncall_policy", *parts)).removesuffix(".__init__")
        for function in ast.walk(ast.parse(text)):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                        source = (ast.get_source_segment(text, node) or "").splitlines()[0]
                        found.append((module, where, ";".join(_private(node)), source))
    return found


def _private(node: ast.Import | ast.ImportFrom) -> list[str]:
    names = [f"_lazy_{index}" for index in range(len(node.names))]
    if isinstance(node, ast.Import):
        return [f"import {a.name} as {n}" for a, n in zip(node.names, names, strict=True)]
    source = "." * node.level + (node.module or "")
    return [f"from {source} import {a.name} as {n}" for a, n in zip(node.names, names, strict=True)]


def measure(listing: Path, argv: list[str]) -> dict[str, tuple[float, int]]:
    code = [sys.executable, "-c", MEASURE, str(listing), *argv]
    done = subprocess.run(code, capture_output=True, text=True, check=True, env=ENV, cwd=ROOT)
    found = {}
    for line in done.stdout.splitlines():
        where, seconds, loaded = line.split()
        found[where] = (float(seconds), int(loaded))
    return found


def main() -> int:
    show_all = "--all" in sys.argv
    listed = statements()
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch) / "statements.txt"
        listing.write_text("".join(f"{m}\t{w}\t{c}\n" for m, w, c, _ in listed), encoding="utf-8")
        alone = measure(listing, ["None"])
        per_command = []
        for argv, seconds in COMMANDS:
            name = " ".join(argv[:2]) if argv[0] == "silence" else argv[0]
            filled = [part.replace("{out}", str(Path(scratch) / "out")) for part in argv]
            per_command.append((name, seconds, measure(listing, filled)))
    print(f"{len(listed)} imports inside functions; share of each command's CPU time if made eagerly")
    for _, where, _, source in listed:
        shares = {
            name: (found[where][1], found[where][0] / seconds)
            for name, seconds, found in per_command
            if where in found
        }
        pays = any(share >= THRESHOLD for _, share in shares.values())
        never = alone.get(where, (0.0, 1))[1] == 0
        if pays or never or show_all:
            verdict = "pays" if pays else ("never: make it eager" if never else "under 5% here")
            costs = " ".join(f"{name}={share:.1%}/{loaded}m" for name, (loaded, share) in shares.items())
            print(f"{where:38} {verdict:21} {costs:56} {source.strip()[:60]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
