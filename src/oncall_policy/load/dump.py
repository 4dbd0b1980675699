"""Policy → YAML text that this loader reads back as the same policy (and YAML 1.1 tools read
the same way: every string a 1.1 reader would take for a boolean or number is quoted)."""

from __future__ import annotations

import io
from typing import Any

from oncall_policy.load.scalars import yaml11_trap
from oncall_policy.model import Policy


def dump_policy(policy: Policy) -> str:
    from ruamel.yaml import YAML  # noqa: PLC0415 - only when dumping

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    # Keep the model's field order (ruamel's stubs type this setting as None).
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.representer.add_representer(str, _represent_str)
    stream = io.StringIO()
    yaml.dump(policy.model_dump(mode="json", by_alias=True, exclude_defaults=True), stream)
    return stream.getvalue()


def _represent_str(representer: Any, value: str) -> Any:
    style = None
    if any(not char.isprintable() or char in _LINE_BREAKS for char in value):
        style = '"'  # escapes survive; a raw NEL or LINE SEPARATOR would be read as a line break
    elif yaml11_trap(value) is not None:
        style = "'"
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LINE_BREAKS = frozenset("\x85\u2028\u2029")
