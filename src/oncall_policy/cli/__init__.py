"""The command line: argument parsing, the one error boundary, exit codes.

Exit codes: 0 ok; 1 a problem in the user's input (invalid policy, rejected silence, stale
output); 2 usage; 3 a bug in oncall-policy; 130 interrupted.
"""

from __future__ import annotations

import gc
import os
import sys

from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: ``typing`` costs ~10 ms of an interactive start-up
    import argparse
    from collections.abc import Sequence
    from types import SimpleNamespace
    from typing import NoReturn, Protocol

    from oncall_policy.code_image import Image

    class Command(Protocol):
        def configure(self, parser: argparse.ArgumentParser) -> None: ...

        def run(self, args: argparse.Namespace) -> int: ...


# Each command is a module of this package, registered here with its one-line help. Only the
# module of the command being run is imported, and command modules keep heavy imports inside
# ``run``, so that ``--help`` and the silence path start fast.
COMMANDS: dict[str, str] = {
    "check": ("check policy files: schema and semantic rules; every problem as file:line:col"),
    "compile": ("compile the policy into generated/ (with --check: fail on stale output, write nothing)"),
    "gate": (
        "serve Alertmanager's API and UI through the policy: every silence written is judged, "
        "its author authenticated; everything else passes through"
    ),
    "diff": (
        "what changes for people between two policies: alert routing and escalation, rotations, "
        "service levels, silence caps and approvals (exit 0 whatever changed)"
    ),
    "route": "route an alert by its labels through the compiled Alertmanager config; print its receivers",
    "rules": (
        "check Prometheus alerting-rule files against the alert catalog: unknown alerts, catalog "
        "alerts without a rule, severity labels and runbook links that disagree"
    ),
    "schema": ("print the JSON Schema of policy.yaml (for editors' YAML language server)"),
    "silence": ("judge silences by the policy: check, add (through amtool), audit, check-files"),
    "test": "the routing matrix: does every catalog alert reach what the policy says? (exit 1 if not)",
    "who": ("who is on call (every slot of every rotation) at a time, and the next hand-off"),
}


# As ``types`` defines them, without importing it (about 0.4 ms of every start-up).
_ModuleType = type(sys)
_SimpleNamespace: type[SimpleNamespace] = type(sys.implementation)  # type: ignore[assignment]


def _command(name: str) -> Command:
    module = f"oncall_policy.cli.{name.replace('-', '_')}"
    __import__(module)  # importlib.import_module without importlib (with warnings, about 1 ms)
    return sys.modules[module]


def columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size().columns`` gives it: ``$COLUMNS``,
    else the width of the terminal on standard output, else 80."""
    try:
        width = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        width = 0
    if width <= 0:
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            width = 0
    return width or 80


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser, with the arguments of the command ``argv`` names (if any) configured."""
    import argparse  # noqa: PLC0415 - `silence check|add` reads its words without it (``_silence``)

    from oncall_policy.cli.help import HelpFormatter  # noqa: PLC0415
    from oncall_policy.version import __version__  # noqa: PLC0415 - `silence check` never shows it

    parser = argparse.ArgumentParser(
        prog="oncall-policy",
        description="Compile one typed on-call policy into the configuration that enforces it.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"oncall-policy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((word for word in argv if not word.startswith("-")), None)
    for name, summary in _listed(argv, chosen).items():
        sub = commands.add_parser(name, help=summary, description=summary, formatter_class=HelpFormatter)
        if name == chosen:
            command = _command(name)
            command.configure(sub)
            sub.set_defaults(run=command.run)
    return parser


def _listed(argv: Sequence[str], chosen: str | None) -> dict[str, str]:
    """The commands to give the parser: only the one named, when it is one and no help is asked
    for before it. The others' parsers (~1 ms each) serve only the top-level help and the error
    for an unknown command, which list them all."""
    if chosen in COMMANDS and not {"-h", "--help"} & set(argv[: list(argv).index(chosen)]):
        return {chosen: COMMANDS[chosen]}
    return COMMANDS


def _silence(words: list[str], image: Image | None = None) -> argparse.Namespace | None:
    """``silence check|add`` read without argparse (about 8 ms of a command typed during an
    incident), when ``silence_words`` can read the words; None leaves them to argparse."""
    if len(words) < 2 or words[0] != "silence" or words[1] not in ("check", "add"):
        return None
    from oncall_policy.cli import silence_words  # noqa: PLC0415
    from oncall_policy.silence.amtool import expand_files  # noqa: PLC0415

    options = silence_words.parse(expand_files(words[2:]))
    if options is None:
        return None
    from oncall_policy.cli.silence_judge import judge  # noqa: PLC0415

    if image is not None:
        image.keep()
    create = words[1] == "add"
    return _SimpleNamespace(run=lambda _: judge(options, create=create))  # type: ignore[return-value]


def _gate_keygen(words: list[str]) -> argparse.Namespace | None:
    """``gate keygen …``: a command of its own under ``gate`` (``cli/gate_keygen``)."""
    if words[:2] != ["gate", "keygen"]:
        return None
    from oncall_policy.cli import gate_keygen  # noqa: PLC0415

    return _SimpleNamespace(run=lambda _: gate_keygen.run(words[2:]))  # type: ignore[return-value]


def _without_pydantic_plugins() -> None:
    """Tell pydantic this process uses no plugins, unless something has already asked for them.

    pydantic looks for plugins the first time it builds a validator, in its private module
    ``pydantic.plugin._loader``, which imports ``importlib.metadata`` (about 19 ms of CPU) and
    scans every installed distribution's entry points (3-4 ms), for plugins the command line
    never uses. pydantic's documented ``PYDANTIC_DISABLE_PLUGINS`` skips only the scan. So a
    stand-in takes the module's place: its ``get_plugins`` (all pydantic asks of it) finds none.
    bench/tricks.py: ``check`` 9-10% faster, ``who`` 15%. The library is left alone; only the
    command line does this, and ``ONCALL_POLICY_PYDANTIC_PLUGINS=1`` keeps plugins on.

    tests/test_pydantic_plugin_stub.py fails when pydantic stops asking ``get_plugins`` of that
    module or asks it for more; should a pydantic release do so anyway, the stand-in hands any
    other name over to the real module (which then replaces it), so a command still runs.
    """
    name = "pydantic.plugin._loader"
    if name in sys.modules or os.environ.get("ONCALL_POLICY_PYDANTIC_PLUGINS") == "1":
        return
    loader = _ModuleType(name)
    loader.get_plugins = tuple  # type: ignore[attr-defined]  # no plugins: an empty iterable
    loader.__getattr__ = _real_plugin_loader  # type: ignore[method-assign]  # PEP 562
    sys.modules[name] = loader


def _real_plugin_loader(attribute: str) -> object:
    """Any name but ``get_plugins``, from pydantic's own ``pydantic.plugin._loader``. Dunder
    names (``__file__``, ``__path__``: what tools probe modules for) stay the stand-in's."""
    name = "pydantic.plugin._loader"
    if attribute.startswith("__"):
        raise AttributeError(attribute)
    del sys.modules[name]
    __import__(name)
    return getattr(sys.modules[name], attribute)


def run() -> NoReturn:
    """The console script: ``main``, then leave without tearing the interpreter down.

    A command is a short-lived process with nothing left to release when it returns, yet
    Python's teardown, which frees every module and object pydantic and the model created, costs
    a share of every run: ``check`` 24% of CPU time, ``compile`` 12%, ``silence check`` 15%
    (bench/tricks.py, ``hard-exit``). mypy leaves the same way
    (``mypy.util.hard_exit``). Output is flushed first; no other work is pending, as commands
    write and close their files before they return. Usage errors, ``--help`` and ``--version``
    leave through ``SystemExit`` as usual: they never load pydantic.

    For the same reason the cyclic garbage collector runs rarely: importing pydantic and
    building the model allocate a few hundred thousand objects and almost no cycles, and at
    Python's default thresholds about 60 collections find nothing to free: ``check`` 12% of CPU
    time, ``compile`` 15%, ``silence check`` 7% (bench/tricks.py, ``gc-threshold``; mypy raises
    its thresholds likewise).
    """
    gc.set_threshold(100_000, 50, 100)
    image = None
    if sys.argv[1:3] in (["silence", "check"], ["silence", "add"]):
        from oncall_policy import code_image  # noqa: PLC0415 - the silence path's own

        try:
            image = code_image.install()  # runs the silence path's modules: before ``main``'s boundary
        except KeyboardInterrupt:
            print("oncall-policy: interrupted", file=sys.stderr)
            os._exit(130)
    status = main(image=image)
    for stream in (sys.stdout, sys.stderr):  # None when started with the descriptor closed
        try:
            if stream is not None:
                stream.flush()
        except OSError:  # the reader went away: Python's own exit status for a failed flush
            status = status or 120
    os._exit(status)


def main(argv: Sequence[str] | None = None, *, image: Image | None = None) -> int:
    """The command line ``argv`` (else ``sys.argv``'s) run; its exit status. ``image``: the
    silence path's code image ``run`` installed, to bring up to date once its modules are in."""
    # Imported here, after ``run`` has installed the silence path's code image, which holds them.
    from oncall_policy.errors import OncallPolicyError, PolicyError  # noqa: PLC0415
    from oncall_policy.printable import printable, printable_lines  # noqa: PLC0415

    _without_pydantic_plugins()
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _silence(words, image) or _gate_keygen(words) or build_parser(words).parse_args(words)
        status: int = args.run(args)
    except PolicyError as error:
        for problem in error.problems:
            print(printable(str(problem)))
        return 1
    except OncallPolicyError as error:  # its text may quote a file or a server: lines kept, no controls
        print(f"oncall-policy: error: {printable_lines(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("oncall-policy: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): not a bug. What is still buffered goes nowhere, and
        # the exit status is Python's for this case (see "Note on SIGPIPE" in the signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception:  # noqa: BLE001 - the boundary: anything else is our bug
        import traceback  # noqa: PLC0415 - only for a bug: it costs ~5 ms of every start-up

        traceback.print_exc()
        print(
            "oncall-policy: internal error; this is a bug in oncall-policy, please report it "
            "with the traceback above",
            file=sys.stderr,
        )
        return 3
    return status
