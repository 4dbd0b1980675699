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


FALLBACK = """
import sys
from oncall_policy.matching import re2_extension
def spec(name, path):
    {finder}
re2_extension._spec = spec
extension = re2_extension.load()
assert extension is sys.modules["re2._re2"]
assert "re2" in sys.modules, "the plain import ran"
assert extension.RE2(b"a+b", extension.RE2.Options()).ok()
print("ok")
"""


NOT_AN_EXTENSION = (
    "return __import__('importlib.machinery').machinery.ModuleSpec(name, object(), origin='_re2.py')"
)


@pytest.mark.parametrize("finder", ["return None", "raise OSError('a finder that fails')", NOT_AN_EXTENSION])
def test_the_plain_import_when_the_direct_way_does_not_apply(finder):
    code = FALLBACK.format(finder=finder)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_once_loaded_the_loaded_module_is_used():
    import re2  # noqa: PLC0415
    from re2 import _re2  # noqa: PLC0415

    assert re2_extension.load() is _re2 is sys.modules["re2._re2"]
    assert re2.compile("x").search("yx")
