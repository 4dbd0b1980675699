"""google-re2's extension loaded without its package (``matching.re2_extension``): the same
module ``import`` gives, registered so that ``import re2`` later uses it, and the plain import
whenever the direct way does not apply."""

from __future__ import annotations

import subprocess
import sys

import pytest

from oncall_policy.matching import re2_extension

FRESH = """
import sys
from oncall_policy.matching import re2_extension
extension = re2_extension.load()
assert extension.__name__ == "re2._re2", extension.__name__
assert "re2" not in sys.modules, "the package ran"
assert sys.modules["re2._re2"] is extension
options = extension.RE2.Options()
options.never_capture = True
regexp = extension.RE2(b"a+b", options)
assert regexp.ok() and regexp.ProgramSize() > 0
assert regexp.Match(extension.RE2.Anchor.ANCHOR_START, b"aab", 0, 3)[0][0] >= 0
assert re2_extension.load() is extension
import re2
assert re2._re2 is extension
assert re2.compile("a+b").fullmatch("aab")
from re2 import _re2
assert _re2 is extension
print("ok")
"""


def test_the_extension_loads_alone_and_the_package_later_shares_it():
    done = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_without_a_spec_it_imports_the_package(monkeypatch):
    monkeypatch.delitem(sys.modules, "re2._re2", raising=False)
    monkeypatch.delitem(sys.modules, "re2", raising=False)
    monkeypatch.setattr(re2_extension, "_spec", lambda _name, _path: None)
    extension = re2_extension.load()
    assert extension is sys.modules["re2._re2"]
    assert "re2" in sys.modules


def test_a_failure_on_the_direct_way_falls_back_to_the_plain_import(monkeypatch):
    monkeypatch.delitem(sys.modules, "re2._re2", raising=False)
    monkeypatch.delitem(sys.modules, "re2", raising=False)

    def broken(_name: str, _path: list[str] | None) -> object:
        raise OSError("a finder that fails")

    monkeypatch.setattr(re2_extension, "_spec", broken)
    assert re2_extension.load() is sys.modules["re2._re2"]


@pytest.mark.parametrize("loaded", ["re2", "re2._re2"])
def test_once_loaded_the_loaded_module_is_used(loaded):
    import re2  # noqa: PLC0415
    from re2 import _re2  # noqa: PLC0415

    assert loaded in sys.modules
    assert re2_extension.load() is _re2
    assert re2.compile("x").search("yx")
