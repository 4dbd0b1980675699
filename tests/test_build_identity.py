"""``build``: the identity of the build running, worked out by a scan or adopted from an earlier
scan's manifest, which must then find exactly what a new scan would."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from oncall_policy import build

AN_HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a process that has worked out no identity yet, whose scans take a directory
    changed before them as settled (its change time cannot be put back to make it older)."""
    monkeypatch.setattr(build, "_IDENTITY", [])
    monkeypatch.setattr(build, "_MANIFEST", [])
    monkeypatch.setattr(build, "SETTLED_NS", 0)


def package(tmp_path: Path) -> Path:
    """A package of three modules in two directories, none changed in the last hour."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "sub/__init__.py"):
        (root / name).write_text("x = 1\n")
    settle(root)
    return root


def settle(root: Path) -> None:
    for directory in (root, root / "sub"):
        os.utime(directory, ns=(AN_HOUR_AGO_NS, AN_HOUR_AGO_NS))


def scanned(root: Path) -> tuple[str, build.Manifest]:
    found, manifest = build._scan(str(root))
    assert manifest is not None
    return found, manifest


def test_a_manifest_that_holds_gives_the_identity_a_scan_gives(tmp_path: Path):
    root = package(tmp_path)
    found, manifest = scanned(root)
    assert {path for path, *_ in manifest[1]} == {str(p) for p in root.rglob("*.py")}
    assert build.adopt(manifest, str(root))
    assert build.identity() == found == build._scan(str(root))[0]
    assert build.manifest() is None  # adopted: nothing newer to give a later process


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda root: (root / "a.py").write_text("x = 2\n"), id="a module edited in place"),
        pytest.param(lambda root: (root / "sub" / "b.py").write_text(""), id="a module added"),
        pytest.param(lambda root: (root / "a.py").unlink(), id="a module removed"),
        pytest.param(lambda root: (root / "sub" / "c").mkdir(), id="a directory added"),
        pytest.param(lambda root: (root / "a.py").rename(root / "sub" / "a.py"), id="a module moved"),
    ],
)
def test_a_manifest_that_no_longer_holds_is_not_adopted(tmp_path: Path, change):
    root = package(tmp_path)
    found, manifest = scanned(root)
    stat = (root / "a.py").stat()
    change(root)
    if (root / "a.py").exists():  # the same size and second: only the nanoseconds tell
        os.utime(root / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert build._scan(str(root))[0] != found
    assert not build.adopt(manifest, str(root))
    assert build._IDENTITY == []  # nothing taken: the next identity() scans


def test_a_directory_changed_just_before_its_scan_gives_no_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A name added in the same tick of a directory's clock leaves its times as they were: only a
    directory unchanged for ``SETTLED_NS`` before the scan vouches for its names, whatever its
    modification time says (it can be put back; its change time cannot)."""
    monkeypatch.setattr(build, "SETTLED_NS", 2_000_000_000)
    root = package(tmp_path)  # its modification times an hour ago, its change times now
    assert build._scan(str(root))[1] is None
    monkeypatch.setattr(build, "SETTLED_NS", -(10**12))  # as if scanned a quarter of an hour later
    assert build._scan(str(root))[1] is not None


@pytest.mark.parametrize(
    "reshape",
    [
        pytest.param(lambda _dirs, _modules: None, id="none"),
        pytest.param(lambda _dirs, _modules: (), id="empty"),
        pytest.param(lambda _dirs, _modules: ("a", "b"), id="strings"),
        pytest.param(lambda _dirs, modules: ((), modules), id="no directory"),
        pytest.param(lambda dirs, modules: (dirs, (*modules, ("x", 1, 2, 3, 4, 5))), id="a long entry"),
        pytest.param(lambda dirs, modules: (dirs, ((b"\0", 1, 2, 3, 4), *modules)), id="a path with NUL"),
        pytest.param(
            lambda dirs, modules: (dirs, ((modules[0][0], "1", *modules[0][2:]),)), id="a size as text"
        ),
        pytest.param(lambda _dirs, modules: ((("x", 1),), modules), id="a short directory"),
    ],
)
def test_a_manifest_of_another_shape_is_not_adopted(tmp_path: Path, reshape):
    root = package(tmp_path)
    _, (directories, modules) = scanned(root)
    assert not build.adopt(reshape(directories, modules), str(root))
    assert build._IDENTITY == []


def test_the_manifest_of_another_copy_of_the_package_is_not_adopted(tmp_path: Path):
    """A copy of a checkout, its image and all: the manifest holds for the original it was made
    from, whose modules the image runs (red team: a copy ran the original's code, not its edits)."""
    original = package(tmp_path / "original")
    _, manifest = scanned(original)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    assert not build.adopt(manifest, str(copy))
    assert build.adopt(manifest, str(original))


def test_an_identity_worked_out_is_never_replaced(tmp_path: Path):
    root = package(tmp_path)
    _, manifest = scanned(root)
    build._IDENTITY.append("worked out")
    assert not build.adopt(manifest, str(root))
    assert build.identity() == "worked out"
