"""jinja2's compiled templates between runs: used when they are the user's own and made from the
templates' current source; never run when someone else could have planted them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType

import pytest
from jinja2 import Environment

from oncall_policy import template_cache
from oncall_policy.cli import main
from oncall_policy.compile import jinja
from oncall_policy.template_cache import TemplateCache
from tests.conftest import CLIPPER

TEMPLATE = "ON_CALL.md.j2"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ONCALL_POLICY_NO_CACHE", raising=False)
    jinja.environment.cache_clear()
    yield tmp_path / "cache"
    jinja.environment.cache_clear()


def _fresh() -> Environment:
    """The package's environment as a new process builds it: nothing compiled in memory yet."""
    jinja.environment.cache_clear()
    return jinja.environment(template_cache.default())


def _counting(environment: Environment) -> tuple[Environment, list[str]]:
    """``environment``, and the names of the templates it compiles from now on."""
    compiled: list[str] = []
    original = environment.compile

    def count(source: str, name: str | None = None, *args: object, **kwargs: object) -> CodeType:
        compiled.append(str(name))
        return original(source, name, *args, **kwargs)  # type: ignore[arg-type,no-any-return]

    environment.compile = count  # type: ignore[method-assign,assignment]
    return environment, compiled


def test_templates_compiled_once_are_loaded_by_the_next_run(home: Path):
    environment = _fresh()
    for name in environment.list_templates():
        environment.get_template(name)
    again, compiled = _counting(_fresh())
    for name in again.list_templates():
        again.get_template(name)
    assert compiled == []
    entries = sorted((home / "oncall-policy" / "jinja2").iterdir())
    assert len(entries) == len(again.list_templates())
    assert all(entry.stat().st_mode & 0o777 == 0o600 for entry in entries)


def test_no_cache_when_the_user_turns_it_off(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ONCALL_POLICY_NO_CACHE", "1")
    assert _fresh().bytecode_cache is None
    jinja.environment.cache_clear()


def _plant(marker: Path, *, source_suffix: str = "") -> None:
    """An entry for ``ON_CALL.md.j2`` that works as the template and, once run, leaves ``marker``
    behind, written both
    as this cache writes entries and as jinja2's ``FileSystemBytecodeCache`` would (the issue's
    ``__jinja2_<key>.cache``). ``source_suffix`` makes it an entry for another version of the
    template."""
    environment = _fresh()
    source, filename, _ = environment.loader.get_source(environment, TEMPLATE)  # type: ignore[union-attr]
    cache = TemplateCache()
    bucket = cache.get_bucket(environment, TEMPLATE, filename, source + source_suffix)
    python = environment.compile(source, TEMPLATE, filename, raw=True)  # the template, as Python
    bucket.code = compile(f"open({str(marker)!r}, 'w').close()\n{python}", filename, "exec")
    cache.dump_bytecode(bucket)
    directory = marker.parent / "cache" / "oncall-policy" / "jinja2"
    (directory / f"__jinja2_{bucket.key}.cache").write_bytes(bucket.bytecode_to_string())


def test_a_planted_entry_for_the_current_template_would_run(home: Path):
    """The control for the tests below: what they plant is code the cache would run, had the
    user's own directory held it."""
    marker = home.parent / "ran"
    _plant(marker)
    _fresh().get_template(TEMPLATE)
    assert marker.exists()


def _give_to_nobody(directory: Path) -> None:
    os.chown(directory, 65534, 65534)
    directory.chmod(0o777)


def _leave_as_it_is(directory: Path) -> None:
    pass


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another uid needs root")


@pytest.mark.parametrize(
    ("spoil", "source_suffix"),
    [
        pytest.param(lambda directory: directory.chmod(0o777), "", id="world-writable"),
        pytest.param(_give_to_nobody, "", id="owned-by-nobody-0777", marks=root_only),
        pytest.param(_leave_as_it_is, "{# an older version #}", id="made-for-another-source"),
    ],
)
def test_a_planted_entry_is_never_run(home: Path, spoil: Callable[[Path], None], source_suffix: str):
    marker = home.parent / "ran"
    _plant(marker, source_suffix=source_suffix)
    spoil(home / "oncall-policy")
    environment, compiled = _counting(_fresh())
    environment.get_template(TEMPLATE)
    assert not marker.exists()
    assert compiled == [TEMPLATE]  # compiled from its source instead


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another uid needs root")
def test_compile_with_a_cache_home_another_user_prepared(home: Path, capsys: pytest.CaptureFixture[str]):
    """The issue's case: ``XDG_CACHE_HOME=/tmp``, where ``nobody`` made ``oncall-policy/`` 0777
    and planted compiled templates; root's ``compile`` runs none of them and writes the guide."""
    marker = home.parent / "ran"
    _plant(marker)
    _give_to_nobody(home / "oncall-policy")
    planted = sorted((home / "oncall-policy" / "jinja2").iterdir())
    jinja.environment.cache_clear()
    out = home.parent / "out"
    assert main(["compile", "--policy", str(CLIPPER), "--out", str(out)]) == 0
    assert not marker.exists()
    assert (out / "ON_CALL.md").read_text() == (CLIPPER.parent / "generated" / "ON_CALL.md").read_text()
    assert sorted((home / "oncall-policy" / "jinja2").iterdir()) == planted  # nothing kept there either
