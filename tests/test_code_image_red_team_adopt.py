"""Red team, second round: the code image's adopted identity (``build.adopt``) and what the
identity leaves out. Each test compares a run with the image against the same run with the
image removed (what Python alone does with the same files); every one of them failed against
eacbd16, fixed by: a manifest is adopted only for the package it was made of; directories are
opened (read) and their change times compared; the identity counts every file Python imports
as a module (bytecode without source, extension modules). Harness:
tests/test_code_image_red_team.py (a copy of the package on PYTHONPATH).
"""

from __future__ import annotations

import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.test_code_image_red_team import ADOPTED, _without_dac, console, contents, copy, image_of, script

EDITED = "EDITED: silence"


def _settled_image(root: Path) -> None:
    """Runs until the image holds a manifest that the next run adopts."""
    for _ in range(3):
        assert console(root, settled=True).returncode == 0
    assert contents(image_of(root))[5] is not None
    assert script(root, image_of(root), "oncall_policy.silence.report", ADOPTED)[-1] == "True"


def _without_image(root: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """The same run with the image out of the way (then put back as it was)."""
    image = image_of(root)
    saved = image.read_bytes()
    image.unlink()
    try:
        return console(root, PYTHONDONTWRITEBYTECODE="1", **extra)
    finally:
        image.write_bytes(saved)
        image.chmod(0o644)


def _edit_report(text: str) -> str:
    assert "ACCEPTED: silence" in text
    return text.replace("ACCEPTED: silence", EDITED)


def _verdicts(root: Path, **extra: str) -> tuple[tuple[int, str], tuple[int, str]]:
    shipped = console(root, settled=True, **extra)
    without = _without_image(root, **extra)
    return (shipped.returncode, shipped.stdout), (without.returncode, without.stdout)


@pytest.mark.parametrize("how", ["shutil.copytree", "cp -r"])
def test_a_copy_of_the_package_runs_its_own_edits(tmp_path: Path, how: str):
    """A copy of a checkout, __pycache__ and all (``cp -r proj proj-try``, a release directory
    made from the previous one and then updated): the copy's image carries the original's
    manifest, whose paths are the ORIGINAL's. ``adopt`` stats those paths (still there, unchanged)
    and never asks whether they are this package's: the copy adopts the original's identity, the
    image's identity matches, and the copy runs the original's code (``__file__`` the original's
    too). Edits to the copy are never run, however often it runs, while the original is untouched.
    Python's own bytecode is not fooled (a copy's edited source has a new mtime and size)."""
    original = copy(tmp_path / "a")
    _settled_image(original)
    other = tmp_path / "b"
    other.mkdir()
    if how == "cp -r":
        subprocess.run(["cp", "-r", str(original / "oncall_policy"), str(other)], check=True)
    else:
        shutil.copytree(original / "oncall_policy", other / "oncall_policy")
    report = other / "oncall_policy" / "silence" / "report.py"
    report.write_text(_edit_report(report.read_text()))

    shipped, without = _verdicts(other)
    assert without[1].startswith(EDITED)
    assert shipped == without  # observed: the original's "ACCEPTED: silence …"


def _extension_compiler() -> list[str]:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    return [compiler, "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}"]


EXTENSION = r"""
#include <Python.h>
/* oncall_policy.silence.report as an extension module (what mypyc, or a build_ext --inplace
   left behind, puts beside the source): the module's source, its verdict line edited. */
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "oncall_policy.silence.report", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_report(void) {
    PyObject *m = PyModule_Create(&def);
    if (!m) return NULL;
    PyObject *d = PyModule_GetDict(m);
    PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins());
    PyDict_SetItemString(d, "__package__", PyUnicode_FromString("oncall_policy.silence"));
    PyObject *r = PyRun_String(
        "import os, oncall_policy.silence as _p\n"
        "_src = open(os.path.join(_p.__path__[0], 'report.py')).read()\n"
        "exec(compile(_src.replace('ACCEPTED: silence', 'EDITED: silence'), 'report', 'exec'))\n",
        Py_file_input, d, d);
    if (!r) { Py_DECREF(m); return NULL; }
    Py_DECREF(r);
    return m;
}
"""


@pytest.mark.parametrize("shadow", ["extension module", "sourceless package"])
def test_a_module_file_that_is_not_python_source_is_in_the_build(tmp_path: Path, shadow: str):
    """``build.identity`` counts only ``*.py`` files, but Python imports more: an extension
    module (``report.cpython-311-x86_64-linux-gnu.so``: extensions come first in FileFinder's
    order) or a package whose ``__init__`` is bytecode alone (``report/__init__.pyc``: a package
    directory wins over a module) takes the place of ``report.py``. Neither changes the identity
    (a full scan finds the same ``.py`` files), so the image keeps running ``report.py``'s code
    where Python runs the file that shadows it. Not adopt-specific: a rescan is fooled too."""
    root = copy(tmp_path)
    _settled_image(root)
    silence = root / "oncall_policy" / "silence"
    if shadow == "extension module":
        c_file = tmp_path / "report.c"
        c_file.write_text(EXTENSION)
        target = silence / f"report{sysconfig.get_config_var('EXT_SUFFIX')}"
        subprocess.run([*_extension_compiler(), str(c_file), "-o", str(target)], check=True)
    else:
        edited = tmp_path / "report.py"
        edited.write_text(_edit_report((silence / "report.py").read_text()))
        (silence / "report").mkdir()
        py_compile.compile(str(edited), cfile=str(silence / "report" / "__init__.pyc"), doraise=True)

    shipped, without = _verdicts(root)
    assert without[1].startswith(EDITED)
    assert shipped == without  # observed: "ACCEPTED: silence …" from report.py
    console(root, settled=True)  # and after a full scan has rewritten the image with a fresh manifest
    assert _verdicts(root)[0] == without


def test_a_subpackage_added_under_a_directory_whose_time_is_put_back(tmp_path: Path):
    """``adopt`` takes a directory's mtime and inode to vouch for its names. A subpackage added
    beside a module of the same name (a package directory wins over ``report.py``), the
    directory's mtime then put back (``touch -r``, ``rsync -a``/``tar``/``cp -a`` of trees
    built with fixed times, SOURCE_DATE_EPOCH): the manifest still holds, the identity is
    adopted, and the image runs ``report.py``. Python lists the directory afresh in every
    process and imports the package: unlike the size-and-mtime-kept edit of a module, this is
    not something Python's own bytecode is fooled by."""
    root = copy(tmp_path)
    _settled_image(root)
    silence = root / "oncall_policy" / "silence"
    before = silence.stat()
    (silence / "report").mkdir()
    (silence / "report" / "__init__.py").write_text(_edit_report((silence / "report.py").read_text()))
    os.utime(silence, ns=(before.st_atime_ns, before.st_mtime_ns))

    shipped, without = _verdicts(root)
    assert without[1].startswith(EDITED)
    assert shipped == without  # observed: "ACCEPTED: silence …"


@pytest.mark.skipif(sys.platform != "linux", reason="setpriv / Linux permission semantics")
def test_a_directory_that_cannot_be_listed_gives_the_same_status_with_an_adopted_image(tmp_path: Path):
    """code_image's docstring: a directory that cannot be listed means no build and no image.
    ``adopt`` never lists: with ``silence/`` searchable but not readable (mode 0311 / 0711 for
    others), an adopted image runs the whole silence path and exits 0, where Python alone
    cannot find ``oncall_policy.silence.amtool`` (FileFinder lists the directory) and the command
    ends in "internal error", exit 3. Another exit status with the image than without it."""
    root = copy(tmp_path)
    _settled_image(root)
    closed = root / "oncall_policy" / "silence"
    closed.chmod(0o311)
    try:
        shipped = console(root, command=_without_dac(), settled=True)
        without = _without_image(root, command=_without_dac())
    finally:
        closed.chmod(0o755)
    assert without.returncode == 3
    assert (shipped.returncode, shipped.stdout) == (without.returncode, without.stdout)  # observed: 0
