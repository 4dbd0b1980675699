"""Target ``silence_rules``: ``generated/silence-rules.json``. The silence unit writes it
(``oncall_policy.silence.document``), beside the reader that reads it back."""

from oncall_policy.silence.document.write import build

__all__ = ["build"]
