"""Plain YAML documents that are not policies (an Alertmanager configuration, for instance):
text → data, no positions, no policy rules. Kept in the loader, the one place that imports a
YAML library."""

from __future__ import annotations

from typing import Any

from oncall_policy.errors import OncallPolicyError


class YamlError(OncallPolicyError):
    """A document that is not YAML."""


def parse(text: str, name: str = "<text>") -> Any:
    import yaml_rs  # noqa: PLC0415 - only paid for by the paths that read YAML

    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception as error:  # noqa: BLE001 - the parser raises its own error types
        raise YamlError(f"{name}: not valid YAML: {error}") from None
