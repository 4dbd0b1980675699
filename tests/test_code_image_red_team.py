"""Red team: the silence path's code image (``code_image``) against its promise, "exactly as
trustworthy as Python's own __pycache__ bytecode, and never a change of behaviour": never code
that is not the package's current source, never another verdict, never a crash or a hang.

Each test runs a copy of the package (``copy``: the tree under src/ is never touched) in a child
process. Each failed when the image first landed, for the reason its docstring gives; fixed by:
``build.identity`` stats through symlinks (and their directories) and takes the inode too, and is
worked out before the modules are imported; an image is unmarshalled only after its mark, length
and CRC-32 hold, and any error marshal raises is a miss; a directory that cannot be listed means
no image; the image goes where Python puts bytecode (``sys.pycache_prefix``); a reload is left to
Python's own finders.
"""

from __future__ import annotations

import marshal
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oncall_policy import build, code_image
from tests.conftest import CLIPPER

SILENCE_CHECK = ["silence", "check", "--policy", str(CLIPPER), "alertname=HighErrorRate", "-d", "2h"]
SILENCE_CHECK += ["-c", "deployment", "-a", "engineer-a@clipper.app"]
CONSOLE = "import sys; from oncall_policy.cli import run; sys.argv[0] = 'oncall-policy'; run()"
# As CONSOLE, where a directory changed before the run's scan counts as settled (``build``: two
# seconds after, in use); its change time, unlike its modification time, cannot be put back.
SETTLED = "import oncall_policy.build as b; b.SETTLED_NS = 0\n"

# Installs the image at argv[1], imports the silence path, prints the MARK of argv[2] (a module),
# then brings the image up to date.
SCRIPT = """
import importlib, sys
from oncall_policy import code_image
image = code_image.install(sys.argv[1])
from oncall_policy.cli.silence_judge import judge
module = importlib.import_module(sys.argv[2])
print(type(module.__loader__).__name__, getattr(module, "MARK", None))
image.keep()
"""


def copy(tmp_path: Path) -> Path:
    """A copy of the package, without its bytecode; the directory to put on PYTHONPATH."""
    root = tmp_path / "copy"
    shutil.copytree(build.PACKAGE, root / "oncall_policy", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def environment(root: Path, **extra: str) -> dict[str, str]:
    kept = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    return kept | {"PYTHONPATH": str(root)} | extra


def script(root: Path, image: Path, module: str, program: str = SCRIPT) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", program, str(image), module],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=environment(root),
    )
    assert done.stderr == ""
    return done.stdout.split()


def console(
    root: Path, *, command: list[str] | None = None, preexec=None, settled: bool = False, **extra: str
):
    program = SETTLED + CONSOLE if settled else CONSOLE
    return subprocess.run(
        [*(command or []), sys.executable, "-c", program, *SILENCE_CHECK],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=environment(root, **extra),
        preexec_fn=preexec,
    )


def image_of(root: Path) -> Path:
    return root / "oncall_policy" / "__pycache__" / f"silence-path.{sys.implementation.cache_tag}.image"


def mark(path: Path) -> None:
    """An edit of the module at ``path``: it now has a MARK."""
    with path.open("a") as file:
        file.write("\nMARK = 'edited'\n")


# --- (a) stale code -------------------------------------------------------------------------------


@pytest.mark.parametrize("shared", ["module", "subpackage"])
def test_an_edit_to_a_symlinked_module_is_run(tmp_path: Path, shared: str):
    """A module (or subpackage) that is a symlink into a tree shared with another checkout: Python
    imports the file it points to and its __pycache__ notices an edit there. ``build.identity``
    takes the symlink's own lstat (module) or does not descend into it at all (subpackage), so the
    edit leaves the identity alone and the image keeps serving the code from before the edit."""
    root = copy(tmp_path)
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    if shared == "module":
        inside, name = root / "oncall_policy" / "silence" / "report.py", "oncall_policy.silence.report"
        target = elsewhere / "report.py"
        edited = target
    else:
        inside, name = root / "oncall_policy" / "silence" / "document", "oncall_policy.silence.document.read"
        target = elsewhere / "document"
        edited = target / "read.py"
    shutil.move(inside, target)
    inside.symlink_to(target)
    image = tmp_path / "image"
    assert script(root, image, name)[1] == "None"
    assert script(root, image, name)[0] == "_Loader"  # the image is in use

    mark(edited)
    assert script(root, image, name)[1] == "edited"


ADOPTED = SETTLED + SCRIPT.replace("image.keep()", "print(image.adopted)\nimage.keep()")


@pytest.mark.parametrize("through", ["a module", "a symlink"])
def test_an_identity_adopted_from_the_image_never_hides_an_edit(tmp_path: Path, through: str):
    """A run whose scan found the package's directories settled keeps the manifest of it in the
    image, and later runs adopt the image's identity by it (``build.adopt``: a stat of each
    module and directory, no listing). An edit to a module, or to the file a symlinked module
    names, is then run all the same: the manifest no longer holds, and the run scans."""
    root = copy(tmp_path)
    name = "oncall_policy.silence.report"
    edited = root / "oncall_policy" / "silence" / "report.py"
    if through == "a symlink":
        elsewhere = tmp_path / "shared"
        elsewhere.mkdir()
        shutil.move(edited, elsewhere / "report.py")
        edited.symlink_to(elsewhere / "report.py")
        edited = elsewhere / "report.py"
    image = tmp_path / "image"
    assert script(root, image, name, ADOPTED) == ["SourceFileLoader", "None", "False"]
    assert contents(image)[5] is not None  # the manifest of its scan
    # That run wrote bytecode beside the modules after its scan (new __pycache__ directories):
    # the next one scans again, and keeps the manifest of its own scan.
    assert script(root, image, name, ADOPTED) == ["_Loader", "None", "False"]
    assert script(root, image, name, ADOPTED) == ["_Loader", "None", "True"]
    assert script(root, image, name, ADOPTED) == ["_Loader", "None", "True"]

    mark(edited)
    assert script(root, image, name, ADOPTED) == ["SourceFileLoader", "edited", "False"]


def contents(image: Path) -> tuple[object, ...]:
    payload = code_image._payload(image.read_bytes())
    assert payload is not None
    return tuple(marshal.loads(payload))  # noqa: S302 - our own image


RACE = SCRIPT.replace(
    "image.keep()",
    """
real = code_image._entry
def entry(name, module):  # a save in an editor (a git checkout) lands while the image is written
    taken = real(name, module)
    if name == sys.argv[2]:
        with open(module.__file__, "a") as file:
            file.write("\\nMARK = 'edited'\\n")
    return taken
code_image._entry = entry
image.keep()
""",
)


def test_an_edit_while_the_image_is_written_is_not_served_for_good(tmp_path: Path):
    """On a build's first run ``keep`` takes each module's code, and only then works out
    ``build.identity()``. An edit landing in between (a few ms: a save, a git checkout or pull
    while a silence check runs) is in the identity but not in the code; every later run takes the
    image for this build and runs the code from before the edit, until the package changes again.
    Python's own bytecode records the source's stat from before it read the source."""
    root = copy(tmp_path)
    image = tmp_path / "image"
    name = "oncall_policy.silence.report"
    script(root, image, name, RACE)
    assert "MARK = 'edited'" in (root / "oncall_policy" / "silence" / "report.py").read_text()
    again = script(root, image, name)
    assert again == ["SourceFileLoader", "edited"]


RELOAD = """
import importlib, sys
from oncall_policy import code_image
code_image.install(sys.argv[1])
import oncall_policy.silence.report as module
with open(module.__file__, "a") as file:
    file.write("\\nMARK = 'edited'\\n")
importlib.reload(module)
print(type(module.__loader__).__name__, getattr(module, "MARK", None))
"""


def test_reload_after_an_edit_runs_the_edit(tmp_path: Path):
    """``importlib.reload`` of a module the image served, after its source was edited: Python
    reads the edited source; the finder, first on sys.meta_path for the rest of the process,
    hands back the image's code again. (Minor: only run()'s process has the finder.)"""
    root = copy(tmp_path)
    image = tmp_path / "image"
    script(root, image, "oncall_policy.silence.report")
    assert script(root, image, "oncall_policy.silence.report", RELOAD)[1] == "edited"


# --- (c) crashes and hangs --------------------------------------------------------------------------


def _code_with_bad_counts(root: Path) -> bytes:
    """A real image with one code object damaged: 4 bytes, its positional-only argument count
    made larger than its argument count. marshal raises SystemError, which ``_modules`` does not
    catch (only ValueError, EOFError, TypeError)."""
    console(root)
    data = image_of(root).read_bytes()
    modules = marshal.loads(code_image._payload(data) or b"")[4]  # noqa: S302 - our own
    first = next(iter(modules.values()))[0].encode()  # its source file, then whether a package
    found = re.search(re.escape(first) + rb"[TF][\x63\xe3]", data)  # then its code: argcount, posonly…
    assert found is not None
    at = found.end() - 2
    return data[: at + 6] + (7).to_bytes(4, "little") + data[at + 10 :]


def _huge_tuple(_: Path) -> bytes:
    """Five bytes: a tuple of 2**31-1 items. marshal allocates and clears 16 GiB before it finds
    the data missing (56 s and 16 GiB of RSS on a 23 GiB machine); under a memory limit,
    MemoryError. Here under 1 GiB of address space, which a silence check never comes near."""
    return b"(" + (2**31 - 1).to_bytes(4, "little")


def _one_gib() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize(
    "damage", [_code_with_bad_counts, _huge_tuple], ids=["bad code counts", "huge tuple"]
)
def test_a_damaged_image_never_crashes_the_command(tmp_path: Path, damage):
    """It was: a traceback out of code_image.install (SystemError / MemoryError), exit 1."""
    root = copy(tmp_path)
    damaged = damage(root)
    without = console(root, PYTHONDONTWRITEBYTECODE="1")
    image_of(root).parent.mkdir(exist_ok=True)
    image_of(root).write_bytes(damaged)
    with_damaged = console(root, preexec=_one_gib)
    assert "Traceback" not in with_damaged.stderr
    assert (with_damaged.returncode, with_damaged.stdout) == (without.returncode, without.stdout)
    assert with_damaged.returncode == 0


def _max_rss_kib(root: Path, **extra: str) -> int:
    with Path(os.devnull).open("wb") as null:
        child = subprocess.Popen(
            [sys.executable, "-c", CONSOLE, *SILENCE_CHECK],
            stdout=null,
            stderr=null,
            env=environment(root, **extra),
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return usage.ru_maxrss


def test_a_five_byte_image_costs_no_memory(tmp_path: Path):
    """A damaged image claiming a tuple of 2**27 items: the run touches 1 GiB more memory
    (2**31-1 items: 16 GiB and about a minute), where a damaged image must cost only speed.
    Catching MemoryError would not help this: nothing here fails, it is only slow and big."""
    root = copy(tmp_path)
    baseline = _max_rss_kib(root, PYTHONDONTWRITEBYTECODE="1")
    image_of(root).parent.mkdir(exist_ok=True)
    image_of(root).write_bytes(b"(" + (2**27).to_bytes(4, "little"))
    with_damaged = _max_rss_kib(root, PYTHONDONTWRITEBYTECODE="1")
    assert with_damaged < baseline + 256 * 1024


def _without_dac() -> list[str]:
    """Root reads every directory; without CAP_DAC_OVERRIDE/READ_SEARCH it reads as its modes say."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root, and no setpriv to drop the capabilities that read every directory")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.mark.parametrize("image_there", [False, True], ids=["first run", "image present"])
def test_a_package_directory_it_cannot_list_costs_only_speed(tmp_path: Path, image_there: bool):
    """A directory in the package the user cannot list (a ``sudo pytest`` cache, a
    root-owned 0700 directory; likewise a file or directory removed while it is scanned, as a git
    checkout does). Without the image, silence.source catches the scan's OSError and the check
    runs. With it, ``build.identity()`` raises out of ``keep`` ("internal error; this is a bug",
    exit 3) or, when an image is there to compare with, out of ``install``, before main's handler
    (a bare traceback, exit 1)."""
    root = copy(tmp_path)
    closed = root / "oncall_policy" / ".pytest_cache"
    closed.mkdir(mode=0)
    try:
        without = console(root, command=_without_dac(), PYTHONDONTWRITEBYTECODE="1")  # no image
        assert not image_of(root).exists()
        if image_there:
            closed.chmod(0o755)
            assert console(root).returncode == 0
            assert image_of(root).exists()
            closed.chmod(0)
        shipped = console(root, command=_without_dac())
    finally:
        closed.chmod(0o755)
    assert without.returncode == 0
    assert "Traceback" not in shipped.stderr
    assert (shipped.returncode, shipped.stdout) == (without.returncode, without.stdout)


# --- leftovers -----------------------------------------------------------------------------------


def test_no_image_in_the_source_tree_when_bytecode_goes_elsewhere(tmp_path: Path):
    """PYTHONPYCACHEPREFIX (sys.pycache_prefix): Python writes its bytecode under the prefix and
    nothing beside the source (read-only or shared source trees, containers). The image still
    makes the package's __pycache__ and writes itself there, and is read from there."""
    root = copy(tmp_path)
    prefix = tmp_path / "prefix"
    done = console(root, PYTHONPYCACHEPREFIX=str(prefix))
    assert done.returncode == 0
    assert any(prefix.rglob("*.pyc"))  # Python's own went to the prefix
    assert not list((root / "oncall_policy").rglob("__pycache__"))


def test_the_package_copy_is_the_package(tmp_path: Path):
    """The harness itself: the copy is what the children import, with its own image path."""
    root = copy(tmp_path)
    program = "import oncall_policy.code_image as c; print(c.PATH)"
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, env=environment(root)
    )
    assert done.stdout.strip() == str(image_of(root))
    assert str(image_of(root)) != code_image.PATH
