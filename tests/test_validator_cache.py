"""The kept validator: used when present, equal to the model's own, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from pydantic import ValidationError

from oncall_policy import validator_cache
from oncall_policy.load import dump_policy, fast, positional
from oncall_policy.model import Policy
from tests.conftest import ACME, CLIPPER, ROOT
from tests.strategies_load import mutated_texts, valid_policies


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    validator_cache.use(tmp_path)
    try:
        yield tmp_path
    finally:
        validator_cache.use(None)


def _kept_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("policy-validator-*.pickle"))


def _data(text: str) -> object:
    data = fast.parse(text)
    return positional.read(text, "policy.yaml").data if data is None else data


def _run_check(cache_home: Path, policy: Path) -> dict[str, object]:
    """``oncall-policy check`` in a new process, and the model classes pydantic built there."""
    code = (
        "import json, sys\n"
        "from oncall_policy import cli\n"
        "cli._keep_validator()\n"
        "status = cli.main(['check', sys.argv[1]])\n"
        "import oncall_policy.model as model\n"
        "classes = [getattr(model, name) for name in model.__all__]\n"
        "built = sorted(c.__name__ for c in classes if getattr(c, '__pydantic_complete__', False))\n"
        "print(json.dumps({'status': status, 'built': built}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(policy)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
    )
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_first_run_keeps_the_validator_and_the_next_uses_it(tmp_path: Path):
    first = _run_check(tmp_path, CLIPPER)
    assert first["status"] == 0
    assert "Policy" in first["built"]
    kept = _kept_files(tmp_path / "oncall-policy")
    assert len(kept) == 1
    assert kept[0].stat().st_mode & 0o077 == 0  # the user's alone
    second = _run_check(tmp_path, CLIPPER)
    assert second == {"status": 0, "built": []}  # validated without pydantic building any model
    other = _run_check(tmp_path, ACME)  # the key is the model's, not the policy's
    assert other["status"] == 0
    assert "Policy" not in other["built"]


def test_a_broken_policy_is_reported_by_the_model_itself(cache: Path):
    validator_cache.validate(_data(CLIPPER.read_text()))  # keeps the validator
    broken = _data(CLIPPER.read_text().replace("turn_length: 1w", "turn_length: 1 week"))
    with pytest.raises(ValidationError) as refused:
        validator_cache.validate(broken)
    with pytest.raises(ValidationError) as expected:
        Policy.model_validate(broken)
    assert json.loads(refused.value.json()) == json.loads(expected.value.json())
    assert refused.value.title == "Policy"


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda path: path.write_bytes(b"not a pickle"), id="damaged"),
        pytest.param(lambda path: path.chmod(0o666), id="writable-by-others"),
    ],
)
def test_a_kept_file_that_cannot_be_trusted_is_rebuilt(cache: Path, spoil):
    data = _data(CLIPPER.read_text())
    expected = validator_cache.validate(data)
    [kept] = _kept_files(cache)
    spoil(kept)
    assert validator_cache.validate(data) == expected
    [again] = _kept_files(cache)
    assert again.stat().st_mode & 0o022 == 0
    assert again.read_bytes()[:1] == b"\x80"  # a pickle again


def test_an_unwritable_cache_costs_only_speed(tmp_path: Path):
    blocked = tmp_path / "file-not-directory"
    blocked.write_text("")
    validator_cache.use(blocked / "oncall-policy")
    try:
        policy = validator_cache.validate(_data(CLIPPER.read_text()))
    finally:
        validator_cache.use(None)
    assert policy.organisation.name


def test_the_key_covers_every_module_the_model_imports():
    """The kept schema is made from these modules' source: a change to any must change the key."""
    code = (
        "import sys, oncall_policy.model\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('oncall_policy'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(done.stdout.split())
    covered = set(validator_cache.MODEL_HELPERS) | {
        name for name in imported if name == "oncall_policy.model" or name.startswith("oncall_policy.model.")
    }
    assert imported <= covered


def test_the_key_changes_with_the_source_and_the_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    before = validator_cache._file_name()
    source = tmp_path / "extra.py"
    source.write_text("A = 1\n")
    module = types.ModuleType("oncall_policy.model.extra")
    module.__file__ = str(source)
    monkeypatch.setitem(sys.modules, "oncall_policy.model.extra", module)
    with_module = validator_cache._file_name()
    source.write_text("A = 2\n")
    edited = validator_cache._file_name()
    assert len({before, with_module, edited}) == 3
    monkeypatch.delitem(sys.modules, "oncall_policy.model.extra")
    assert validator_cache._file_name() == before
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert validator_cache._file_name() != before


def _kept_validator(directory: Path):
    validator_cache._keep(directory / "kept.pickle")
    kept = validator_cache._kept(directory / "kept.pickle")
    assert kept is not None
    return kept


@pytest.fixture(scope="module")
def kept_validator(tmp_path_factory: pytest.TempPathFactory):
    Policy.model_rebuild()
    return _kept_validator(tmp_path_factory.mktemp("kept"))


def _verdict(validate, data: object) -> tuple[object, object]:
    """What a validator makes of ``data``: (policy, None) or (None, its errors)."""
    try:
        return validate(data), None
    except ValidationError as error:
        return None, json.loads(error.json())  # as text: ``ctx`` holds exceptions, equal only to themselves


def _same_verdict(kept, data: object) -> None:
    got, expected = _verdict(kept.validate_python, data), _verdict(Policy.model_validate, data)
    assert got == expected
    assert type(got[0]) is type(expected[0])


@pytest.mark.parametrize(
    "path",
    [
        CLIPPER,
        ACME,
        *sorted((ROOT / "tests").glob("golden/alertmanager/*/in/policy.yaml")),
        ROOT / "tests" / "policies" / "minimal.yaml",
    ],
)
def test_kept_validator_agrees_on_the_example_policies(kept_validator, path: Path):
    _same_verdict(kept_validator, _data(path.read_text()))


@given(valid_policies())
def test_kept_validator_agrees_on_any_valid_policy(kept_validator, policy: Policy):
    """Property: for any valid policy, the kept validator gives the model's own result."""
    _same_verdict(kept_validator, _data(dump_policy(policy)))


@given(mutated_texts())
def test_kept_validator_agrees_on_mutated_policies(kept_validator, text: str):
    """Property: for any mutation of a valid file, both validators accept the same data with
    equal results, or both refuse it with the same errors."""
    data = _data(text)
    if data is not None:
        _same_verdict(kept_validator, data)


def test_writing_a_validator_forgets_those_unused_for_a_month(cache: Path):
    old, recent = cache / "policy-validator-old.pickle", cache / "policy-validator-recent.pickle"
    for path in (old, recent):
        path.write_bytes(b"")
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(old, (month_ago, month_ago))
    validator_cache.validate(_data(CLIPPER.read_text()))
    assert old not in _kept_files(cache)
    assert recent in _kept_files(cache)
    assert len(_kept_files(cache)) == 2  # the recent one and the one just written
    assert not list(cache.glob(".tmp-*"))


def test_an_invalid_policy_keeps_the_validator_too(cache: Path):
    broken = _data(CLIPPER.read_text().replace("turn_length: 1w", "turn_length: 1 week"))
    with pytest.raises(ValidationError):
        validator_cache.validate(broken)
    assert len(_kept_files(cache)) == 1
