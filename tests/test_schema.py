"""The committed JSON Schema is fresh, editors find it, and it accepts the example policies."""

from __future__ import annotations

import json

import jsonschema
import pytest

from oncall_policy.cli import main
from oncall_policy.load import fast
from oncall_policy.model.json_schema import render
from tests.conftest import EXAMPLES, ROOT

COMMITTED = ROOT / "policy.schema.json"


def test_committed_schema_is_fresh():
    assert COMMITTED.read_text(encoding="utf-8") == render(), "run: oncall-policy schema > policy.schema.json"


def test_schema_command_prints_it(capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_points_editors_at_the_schema(name):
    first = EXAMPLES[name].read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (EXAMPLES[name].parent / first.split("$schema=", 1)[1]).resolve()
    assert target == COMMITTED


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_schema_accepts_the_examples(name):
    data = fast.parse(EXAMPLES[name].read_text(encoding="utf-8"))
    assert data is not None
    jsonschema.validate(data, json.loads(COMMITTED.read_text(encoding="utf-8")))


def test_schema_rejects_an_unknown_field():
    data = fast.parse((ROOT / "tests" / "policies" / "minimal.yaml").read_text(encoding="utf-8"))
    assert data is not None
    data["organisation"]["handoff"] = "monday"
    with pytest.raises(jsonschema.ValidationError, match="handoff"):
        jsonschema.validate(data, json.loads(COMMITTED.read_text(encoding="utf-8")))
