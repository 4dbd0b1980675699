"""The prometheus-operator targets: the configuration Secret holds exactly a configuration the
real amtool accepts, with its template where the operator mounts it; every AlertmanagerConfig is
valid by the operator's own CRD schema (0.93.0, v1alpha1) and names secrets only by reference;
and ``oncall-policy test`` routes through the configuration the operator assembles from them."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.cli import main
from oncall_policy.compile import prometheus_operator
from oncall_policy.compile.operator import amconfig, mounts, secret
from oncall_policy.load import yamldata
from oncall_policy.verify import amtool as runner
from oncall_policy.verify.operator import OperatorMatrix, deployed
from tests.alertmanager_support import GOLDEN, SOURCE

CASE = GOLDEN / "operator" / "in" / "policy.yaml"
POLICY = load_policy(CASE)
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "alertmanagerconfig-v1alpha1.json").read_text())
FILES = prometheus_operator.build(POLICY, SOURCE)


def _closed(schema: Any) -> Any:
    """The schema with unknown fields refused, as ``kubectl apply --validate=strict`` refuses them;
    the CRD leaves child routes unchecked (``x-kubernetes-preserve-unknown-fields``): they are held
    to the route's own schema, as the operator holds them."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


def _validate(document: dict[str, Any]) -> None:
    """Held to the schema (Kubernetes' OpenAPI v3 is JSON Schema draft 4 with extensions; the
    schema itself is not checked against the meta-schema, whose ``regex`` format is Python's and
    refuses some of the CRD's Go patterns, in parts we never write)."""
    schema = _closed(SCHEMA)
    jsonschema.Draft4Validator(schema).validate(document)
    route = jsonschema.Draft4Validator(schema["properties"]["spec"]["properties"]["route"])
    stack = list(document["spec"]["route"].get("routes", []))
    while stack:
        child = stack.pop()
        route.validate(child)
        stack += child.get("routes", [])


def _secret_data() -> dict[str, str]:
    data = yamldata.parse(FILES[secret.FILE], secret.FILE)["data"]
    return {key: base64.b64decode(value).decode() for key, value in data.items()}


def test_every_alertmanager_config_is_valid_by_the_operators_schema():
    documents = [
        yamldata.parse(FILES[amconfig.file_name(c)], "x")
        for c in POLICY.targets.prometheus_operator.alertmanager_configs
    ]
    assert documents
    for document in documents:
        _validate(document)


def test_the_schema_check_refuses_what_the_operator_refuses():
    document = yamldata.parse(FILES["prometheus-operator/alertmanagerconfig-payments.yaml"], "x")
    document["spec"]["route"]["routes"][0]["matchers"][0]["matchType"] = "=="
    with pytest.raises(jsonschema.ValidationError):
        _validate(document)
    document = yamldata.parse(FILES["prometheus-operator/alertmanagerconfig-payments.yaml"], "x")
    document["spec"]["receivers"][1]["pagerdutyConfigs"][0]["routingKeyFile"] = "/etc/x"
    with pytest.raises(jsonschema.ValidationError):
        _validate(document)


def test_keys_and_webhooks_are_secret_references_never_values_or_files():
    text = FILES["prometheus-operator/alertmanagerconfig-payments.yaml"]
    document = yamldata.parse(text, "x")
    refs = [
        config.get("routingKey") or config.get("apiURL")
        for receiver in document["spec"]["receivers"]
        for config in receiver.get("pagerdutyConfigs", []) + receiver.get("slackConfigs", [])
    ]
    assert sorted(r["key"] for r in refs) == ["pd.payments-degraded", "pd.payments-outage", "slack.payments"]
    assert {r["name"] for r in refs} == {"oncall-policy"}
    assert "_file" not in text
    assert POLICY.secrets.directory not in text


def test_the_secret_holds_the_template_where_the_operator_mounts_it():
    data = _secret_data()
    assert sorted(data) == ["alertmanager.tmpl", mounts.CONFIG_KEY]
    config = yamldata.parse(data[mounts.CONFIG_KEY], mounts.CONFIG_KEY)
    assert config["templates"] == ["/etc/alertmanager/config/alertmanager.tmpl"]


@pytest.mark.amtool
def test_amtool_accepts_the_secrets_decoded_content(amtool, tmp_path):
    """Decoded as the operator decodes it, laid out as it mounts it (its config directory here
    stands in for ``/etc/alertmanager/config``), so that the template is checked too."""
    data = _secret_data()
    for key, text in data.items():
        (tmp_path / key).write_text(text.replace(mounts.CONFIG_DIR, str(tmp_path)), encoding="utf-8")
    report = runner.check_config(tmp_path / mounts.CONFIG_KEY)
    assert "SUCCESS" in report
    assert " - 1 templates" in report


def test_test_routes_through_the_configuration_the_operator_assembles():
    config = deployed(POLICY, SOURCE)
    cases = OperatorMatrix(POLICY, config).cases()
    assert all(case.ok for case in cases)
    checkout = next(c for c in cases if c.alert == "PaymentsCheckoutErrors")
    assert checkout.receivers == (
        "payments/oncall-policy/pagerduty-payments-outage",
        "payments/oncall-policy/slack-payments-alerts",
        "slack-firehose",
    )


@pytest.mark.amtool
def test_amtool_routes_the_assembled_configuration_as_the_simulator_does(amtool, tmp_path):
    from oncall_policy.compile.yamltext import render  # noqa: PLC0415

    config = deployed(POLICY, SOURCE)
    path = tmp_path / "assembled.yml"
    path.write_text(render({k: v for k, v in config.items() if k != "templates"}), encoding="utf-8")
    cases = OperatorMatrix(POLICY, config).cases()
    assert runner.routes_test_many(path, [c.labels for c in cases]) == [c.receivers for c in cases]


def test_test_fails_when_alerts_do_not_carry_the_namespace(tmp_path, capsys):
    """The operator lets a namespace's routes see only alerts labelled with it: a catalog that
    does not promise the label is told so, not shown a matrix that only holds without the operator."""
    text = CASE.read_text().replace(", namespace: payments}}", "}}")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    assert main(["test", "--policy", str(policy)]) == 1
    err = capsys.readouterr().err
    assert (
        "prometheus-operator: PaymentsCheckoutErrors: the operator's configuration sends it to slack-firehose;"
        in err
    )
    assert main(["test", "--policy", str(CASE)]) == 0
