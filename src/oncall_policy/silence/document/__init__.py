"""The silence-rules document, ``generated/silence-rules.json``: its format, written from the policy
by ``write`` (at ``compile``, or in memory when the file is stale) and read back by ``read``
without pydantic or YAML. Reader and writer live here together so that they change together."""

FORMAT = "oncall-policy/silence-rules/v5"  # v3: sealed; v4: reason tables; v5: team roles
