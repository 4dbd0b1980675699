"""What a secret looks like in text, so that a policy never holds one and nothing shows one back.

``kinds.secret(text)`` says what kind of secret a text holds (a PagerDuty key or token, a Slack
webhook URL or token, or base64 of one), in any spelling a reader of it would accept;
``suspects.among`` finds, at C speed, the few texts of a whole document worth asking about; and
``redact`` shows values and messages with every secret replaced by what it looks like.
"""
