"""secret-keys: no two secret files map to one key of a team's prometheus-operator Secret. With
``targets.prometheus_operator.alertmanager_configs``, a file's key in the Secret is its path with
``/`` as ``.`` (a Secret's keys cannot hold ``/``): ``pd/payments.key`` and ``pd.payments/key``
would both be ``pd.payments.key``, and one service would page through the other's integration
key. The problem names both files; rename one."""

from __future__ import annotations

from collections.abc import Iterator

from oncall_policy.checks.rule_context import Context
from oncall_policy.leaks.redact import shown
from oncall_policy.model.targets import secret_key
from oncall_policy.problems import Finding, Location
from oncall_policy.rulebook import CHECK, Rule

RULE = Rule("secret-keys", CHECK, __doc__)


def check(context: Context) -> Iterator[Finding]:
    policy = context.policy
    operator = policy.targets.prometheus_operator
    if operator is None or not operator.alertmanager_configs:
        return
    files: list[tuple[Location, str]] = [
        (("paging_services", i, "integration_key_file"), service.integration_key_file)
        for i, service in enumerate(policy.paging_services)
    ]
    files += [
        (("chat_channels", i, "webhook_url_file"), channel.webhook_url_file)
        for i, channel in enumerate(policy.chat_channels)
    ]
    first: dict[str, str] = {}
    for location, path in files:
        key = secret_key(path)
        taken = first.setdefault(key, path)
        if taken != path:
            yield Finding(
                location,
                f"secret file {shown(path)} and {shown(taken)} are both key {shown(key)} of the team's "
                "Secret (a key holds no '/', so '/' becomes '.'); rename one of the files",
                RULE.id,
            )
