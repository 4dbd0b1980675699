"""Silence enforcement: the evaluator and everything around it, free of pydantic and YAML.

A silence arrives as ``amtool silence add`` arguments (``amtool``), as Alertmanager API v2 JSON
(``api``) or as a request file under review (``files``); it becomes a ``SilenceRequest``
(``request``). The policy's silence rules arrive precompiled (``rules``, read by ``source``).
``evaluate`` judges one request — shape, reach, rule, approvals, history — into a ``Verdict``
(``verdict``); ``audit`` judges every silence a running Alertmanager holds. Only ``source``'s stale
fallback and ``files`` ever import pydantic or a YAML library, and only when they run.
"""
