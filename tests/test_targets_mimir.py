"""The Mimir / Cortex tenant target: one document per tenant in the shape ``mimirtool
alertmanager load`` and the configuration API take, holding no ``*_file`` field (a multi-tenant
Alertmanager refuses them) and no secret, only placeholders; filled, as the deploy step fills
them, the configuration and its templates are accepted by the real amtool."""

from __future__ import annotations

import re

import pytest

from oncall_policy.checks.checked import load_policy
from oncall_policy.compile import mimir
from oncall_policy.load import yamldata
from oncall_policy.verify import amtool as runner
from tests.alertmanager_support import GOLDEN, SOURCE

POLICY = load_policy(GOLDEN / "operator" / "in" / "policy.yaml")
FILES = mimir.build(POLICY, SOURCE)
PLACEHOLDER = re.compile(r"\$\{ONCALL_SECRET_[A-Z0-9_]+\}")


def _document(tenant: str) -> dict[str, object]:
    return yamldata.parse(FILES[f"mimir/{tenant}.yaml"], tenant)


def _receivers(tenant: str) -> list[str]:
    config = yamldata.parse(str(_document(tenant)["alertmanager_config"]), tenant)
    return [receiver["name"] for receiver in config["receivers"]]


def test_one_document_per_tenant_in_the_shape_mimir_takes():
    assert sorted(FILES) == ["mimir/acme-infra.yaml", "mimir/acme.yaml"]
    for path in FILES:
        document = yamldata.parse(FILES[path], path)
        assert sorted(document) == ["alertmanager_config", "template_files"]
        assert sorted(document["template_files"]) == ["alertmanager.tmpl"]


def test_a_team_tenant_holds_its_routes_and_the_organisations_only():
    assert "pagerduty-payments-outage" in _receivers("acme")
    infra = _receivers("acme-infra")
    assert not [name for name in infra if "payments" in name]
    assert {"pagerduty-infra-outage", "slack-firehose", "slack-tickets"} <= set(infra)


def test_no_file_fields_and_no_secrets_only_placeholders():
    for text in FILES.values():
        config = str(yamldata.parse(text, "x")["alertmanager_config"])
        assert "_file:" not in config
        assert POLICY.secrets.directory not in config
    config = str(_document("acme-infra")["alertmanager_config"])
    assert "routing_key: '${ONCALL_SECRET_PD_INFRA_OUTAGE}'" in config
    assert "api_url: '${ONCALL_SECRET_SLACK_INFRA}'" in config


@pytest.mark.amtool
@pytest.mark.parametrize("tenant", ["acme", "acme-infra"])
def test_amtool_accepts_each_tenant_once_its_placeholders_are_filled(amtool, tenant, tmp_path):
    document = _document(tenant)
    for name, text in dict(document["template_files"]).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = str(document["alertmanager_config"])
    filled = PLACEHOLDER.sub(
        lambda m: "https://chat.invalid/hook" if "SLACK" in m.group() else "0" * 32, config
    )
    path = tmp_path / "alertmanager.yml"
    path.write_text(filled, encoding="utf-8")
    report = runner.check_config(path)
    assert "SUCCESS" in report
    assert " - 1 templates" in report
