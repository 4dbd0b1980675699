"""Target ``silence_rules``: ``generated/silence-rules.json``. The silence unit writes it
(``oncall_policy.silence.document``), beside the reader that reads it back. What this compile
makes is remembered as verified (``silence.source``): the silence path then reads the file it
wrote without compiling the policy again to check it."""

from __future__ import annotations

from oncall_policy.silence import source as rules_source
from oncall_policy.silence.document import write
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall_policy.model import Policy
    from oncall_policy.provenance import Source


def build(policy: Policy, source: Source) -> dict[str, str]:
    files = write.build(policy, source)
    rules_source.remember_verified(source.sha256, files[write.PATH].encode("utf-8"))
    return files
