"""The command line's stand-in for pydantic's private ``pydantic.plugin._loader`` (see
``oncall_policy.cli._without_pydantic_plugins``) relies on pydantic asking that module for
``get_plugins`` alone, and on an empty iterable meaning "no plugins". pydantic has no upper
bound here: these tests fail loudly when a release changes either, so the stand-in is revised
(or dropped) instead of quietly costing its saving or a command.

Each runs in a fresh interpreter: the stand-in is planted in ``sys.modules`` before pydantic is
imported, as the command line plants it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A model built, validated and dumped with the stand-in in place, whose ``get_plugins`` counts
# its calls; then what pydantic did with the stand-in.
WITH_THE_STAND_IN = """
import sys
from oncall_policy import cli
cli._without_pydantic_plugins()
stand_in = sys.modules["pydantic.plugin._loader"]
calls = []
stand_in.get_plugins = lambda: calls.append(1) or ()
import pydantic
class Model(pydantic.BaseModel):
    name: str
assert Model.model_validate({"name": "a"}).model_dump() == {"name": "a"}
print(len(calls) > 0, sys.modules["pydantic.plugin._loader"] is stand_in, "importlib.metadata" in sys.modules)
"""


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_pydantic_asks_the_loader_for_get_plugins_and_nothing_else():
    """pydantic still consults ``get_plugins`` of that module (else the stand-in saves nothing),
    asks it for no other name (else the stand-in hands over to the real module, saving
    nothing), and so never imports ``importlib.metadata`` (the ~19 ms the stand-in saves)."""
    assert run(WITH_THE_STAND_IN) == "True True False"


def test_the_real_loader_has_what_the_stand_in_replaces():
    """``get_plugins()`` takes no argument and returns an iterable, which pydantic tests for
    truth (``if plugins:``): the stand-in's ``()`` means no plugins."""
    code = (
        "import inspect, collections.abc\n"
        "from pydantic.plugin import _loader, _schema_validator\n"
        "found = _loader.get_plugins()\n"
        "print(isinstance(found, collections.abc.Iterable), not inspect.signature(_loader.get_plugins).parameters,"
        " 'get_plugins' in inspect.getsource(_schema_validator.create_schema_validator))"
    )
    assert run(code) == "True True True"


def test_any_other_name_comes_from_the_real_loader():
    """Should pydantic ask the module for more, the stand-in gives way and commands still run."""
    code = (
        "import sys\n"
        "from oncall_policy import cli\n"
        "cli._without_pydantic_plugins()\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "loader = sys.modules['pydantic.plugin._loader']\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP, loader.__file__.endswith('_loader.py'))"
    )
    assert run(code) == "pydantic True"


def test_tools_probing_the_stand_in_do_not_replace_it():
    code = (
        "import sys\n"
        "from oncall_policy import cli\n"
        "cli._without_pydantic_plugins()\n"
        "stand_in = sys.modules['pydantic.plugin._loader']\n"
        "print(getattr(stand_in, '__file__', None), sys.modules['pydantic.plugin._loader'] is stand_in)"
    )
    assert run(code) == "None True"


def test_the_stand_in_is_off_when_plugins_are_asked_for():
    code = (
        "import os, sys\n"
        "os.environ['ONCALL_POLICY_PYDANTIC_PLUGINS'] = '1'\n"
        "from oncall_policy import cli\n"
        "cli._without_pydantic_plugins()\n"
        "print('pydantic.plugin._loader' in sys.modules)"
    )
    assert run(code) == "False"
