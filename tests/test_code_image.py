"""The silence path's code image (``code_image``): used when it is this build's and its owner's
alone, ignored (and replaced) otherwise, and never the cause of a failed run."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oncall_policy import build, code_image
from tests.conftest import CLIPPER

# Installs the image at argv[1], imports part of the silence path, says how a module and a
# package were loaded, then brings the image up to date.
SCRIPT = """
import sys
from oncall_policy import code_image
image = code_image.install(sys.argv[1])
import oncall_policy.silence.evaluate as module
import oncall_policy.silence as package
from oncall_policy.cli.silence_judge import judge
print(type(module.__loader__).__name__, module.__file__, module.__spec__.origin, package.__path__[0])
image.keep()
"""
SILENCE_CHECK = ["silence", "check", "--policy", str(CLIPPER), "alertname=HighErrorRate", "-d", "2h"]
SILENCE_CHECK += ["-c", "deployment", "-a", "engineer-a@clipper.app"]


def loaded(image: Path, **env: str) -> list[str]:
    """How the script's modules were loaded, with the image at ``image``."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | env
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(image)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env=environment,
    )
    assert done.stderr == ""
    return done.stdout.split()


def contents(image: Path) -> tuple[Any, ...]:
    payload = code_image._payload(image.read_bytes())
    assert payload is not None
    return tuple(marshal.loads(payload))  # noqa: S302 - our own image


framed = code_image.framed


def header(image: Path) -> tuple[Any, ...]:
    return contents(image)[:4]


def test_a_second_run_reads_the_modules_from_the_image(tmp_path: Path):
    image = tmp_path / "image"
    first = loaded(image)
    assert first[0] == "SourceFileLoader"
    assert header(image) == (code_image.FORMAT, sys.version, sys.flags.optimize, build.identity())
    names = contents(image)[4]
    assert {
        "oncall_policy.silence.evaluate",
        "oncall_policy.cli.silence_judge",
        "oncall_policy.silence",
    } <= set(names)
    assert "oncall_policy.code_image" not in names  # imported before the image: it cannot serve it
    written = image.stat().st_mtime_ns

    second = loaded(image)
    assert second[0] == "_Loader"
    assert second[1:] == first[1:]  # the same file, origin and package path as the usual import
    assert image.stat().st_mtime_ns == written  # it held everything: not written again


def test_an_image_of_another_build_is_ignored_and_replaced(tmp_path: Path):
    image = tmp_path / "image"
    loaded(image)
    *_, modules, manifest = contents(image)
    another = (code_image.FORMAT, sys.version, sys.flags.optimize, "0.1.0 another")
    image.write_bytes(framed(marshal.dumps((*another, modules, manifest))))  # a manifest that holds
    assert loaded(image)[0] == "SourceFileLoader"
    assert header(image)[3] == build.identity()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda _: os.urandom(4096), id="noise"),
        pytest.param(lambda _: b"", id="empty"),
        pytest.param(lambda data: data + b"\0", id="longer than it says"),
        pytest.param(lambda data: data[len(code_image.MARK) :], id="without the mark"),
        pytest.param(lambda _: framed(marshal.dumps((1, 2, 3))), id="another shape"),
        pytest.param(lambda data: data[:-5] + bytes(5), id="damaged inside"),
        pytest.param(
            lambda data: data[: len(code_image.MARK) + 8] + b"(" + (2**31 - 1).to_bytes(4, "little"),
            id="five bytes of a huge tuple where the CRC was",
        ),
        pytest.param(
            lambda data: framed(
                marshal.dumps(
                    (
                        *marshal.loads(code_image._payload(data) or b"")[:4],  # noqa: S302
                        {"oncall_policy.silence.evaluate": ("x", 1, 2)},
                        None,
                    )
                )
            ),
            id="entries of another shape",
        ),
    ],
)
def test_a_damaged_image_costs_nothing_but_speed(tmp_path: Path, damage):
    image = tmp_path / "image"
    loaded(image)
    image.write_bytes(damage(image.read_bytes()))
    assert loaded(image)[0] == "SourceFileLoader"
    assert header(image)[3] == build.identity()  # written whole again


def test_an_image_others_may_write_is_not_read(tmp_path: Path):
    image = tmp_path / "image"
    loaded(image)
    image.chmod(0o664)
    assert loaded(image, PYTHONDONTWRITEBYTECODE="1")[0] == "SourceFileLoader"
    image.chmod(0o644)
    assert loaded(image, PYTHONDONTWRITEBYTECODE="1")[0] == "_Loader"


def test_an_image_of_another_owner_is_not_read(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    image = tmp_path / "image"
    loaded(image)
    os.chown(image, 65534, 65534)
    assert loaded(image, PYTHONDONTWRITEBYTECODE="1")[0] == "SourceFileLoader"


def test_an_image_through_a_symlink_is_not_read(tmp_path: Path):
    real = tmp_path / "real"
    loaded(real)
    link = tmp_path / "image"
    link.symlink_to(real)
    assert loaded(link, PYTHONDONTWRITEBYTECODE="1")[0] == "SourceFileLoader"


def test_a_fifo_in_the_images_place_blocks_nothing(tmp_path: Path):
    image = tmp_path / "image"
    os.mkfifo(image)  # no one ever writes to it: a read would wait for good
    assert loaded(image, PYTHONDONTWRITEBYTECODE="1")[0] == "SourceFileLoader"  # timeout: 30 s


def test_no_image_is_written_where_python_writes_no_bytecode(tmp_path: Path):
    image = tmp_path / "image"
    assert loaded(image, PYTHONDONTWRITEBYTECODE="1")[0] == "SourceFileLoader"
    assert not image.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # and no temporary file left


def test_only_the_silence_path_of_the_console_script_keeps_an_image(tmp_path: Path):
    """``run`` installs and keeps the image for ``silence check|add``; the commands judge the
    same with one in use; ``main`` (the library's entry, and the tests') never touches it."""
    image = tmp_path / "image"
    program = (
        "import sys; from oncall_policy import code_image; code_image.PATH = sys.argv.pop(1); "
        "from oncall_policy.cli import run; sys.argv[0] = 'oncall-policy'; run()"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def console(*words: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-c", program, str(image), *words]
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60, env=environment)

    assert console("silence", "audit", "--help").returncode == 0
    assert not image.exists()
    over_the_cap = [*SILENCE_CHECK[:-5], "9h", *SILENCE_CHECK[-4:]]
    without = [console(*SILENCE_CHECK), console(*over_the_cap)]
    assert image.exists()
    written = image.stat().st_mtime_ns
    with_image = [console(*SILENCE_CHECK), console(*over_the_cap)]
    assert image.stat().st_mtime_ns == written
    assert [(r.returncode, r.stdout, r.stderr) for r in with_image] == [
        (r.returncode, r.stdout, r.stderr) for r in without
    ]
    assert [r.returncode for r in with_image] == [0, 1]


# What the usual import sets on a module and its spec, for each of the image's modules (all of
# them if none are named), and the class of each one's loader.
ATTRIBUTES = """
import json, sys
from importlib.machinery import SourceFileLoader
from oncall_policy import code_image
names = sys.argv[2:] or list(code_image.install(sys.argv[1]).modules)
ran = [name for name in names if name in sys.modules]  # before any import asks for them
for name in names:
    __import__(name)
print(json.dumps([
    {
        name: [
            list(module.__dict__)[:8], module.__name__, module.__file__, module.__cached__,
            module.__package__, getattr(module, "__path__", None), spec.name, spec.origin,
            spec.cached, spec.parent, spec.submodule_search_locations, spec.has_location,
            spec._initializing, isinstance(module.__loader__, SourceFileLoader),
            module.__loader__.name, module.__loader__.path,
        ]
        for name in names
        for module in [sys.modules[name]]
        for spec in [module.__spec__]
    },
    sorted({type(sys.modules[name].__loader__).__name__ for name in names}),
    ran,
]))
"""


def test_the_images_modules_are_run_at_once_as_the_usual_import_makes_them(tmp_path: Path):
    """``install`` runs the image's modules, in the order a run finished them, without the
    import system: each is the module the usual import makes, attributes and spec alike."""
    image = tmp_path / "image"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    loaded(image)

    def attributes(*names: str) -> tuple[dict[str, Any], list[str], list[str]]:
        argv = [sys.executable, "-c", ATTRIBUTES, str(image), *names]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30, env=environment)
        found, loaders, ran = json.loads(done.stdout)
        return found, loaders, ran

    from_image, loaders, ran = attributes()
    assert {"oncall_policy.silence.evaluate", "oncall_policy.cli.silence_judge"} <= from_image.keys()
    assert (loaders, ran) == (["_Loader"], list(from_image))  # all run by install, none imported
    imported, loaders, ran = attributes(*from_image)  # each imported as usual, without the image
    assert (loaders, ran) == (["SourceFileLoader"], [])
    assert imported == from_image


def test_a_module_that_raises_as_the_image_runs_it_is_reported_by_the_command(tmp_path: Path):
    """A module of the image that raises stops the run at it: the modules before it stay run,
    and the command's own import of it raises again, inside the command's error boundary."""
    image = tmp_path / "image"
    loaded(image)
    image_format, version, optimize, identity, modules, manifest = contents(image)
    broken = "oncall_policy.silence.evaluate"
    origin, package, _ = modules[broken]
    modules[broken] = (origin, package, compile("raise RuntimeError('run from the image')", origin, "exec"))
    header = (image_format, version, optimize, identity)
    image.write_bytes(framed(marshal.dumps((*header, modules, manifest))))
    program = (
        "import sys; from oncall_policy import code_image; code_image.PATH = sys.argv.pop(1); "
        "from oncall_policy.cli import run; sys.argv[0] = 'oncall-policy'; run()"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    argv = [sys.executable, "-c", program, str(image), *SILENCE_CHECK]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60, env=environment)
    assert done.returncode == 3  # a bug in the package: the command's boundary says so
    assert "RuntimeError: run from the image" in done.stderr
    assert done.stderr.count("RuntimeError: run from the image") == 1
    assert "oncall-policy: internal error" in done.stderr
