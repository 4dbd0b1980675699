"""Checking the output against the policy and the real tools: Alertmanager's routing reimplemented
(``simulate``), the routing matrix of every catalog alert (``matrix``), the real ``amtool``
(``amtool``), PagerDuty's paging against the policy (``agreement``, ``crosscheck``) and Prometheus
rule files against the catalog (``rule_files``). ``oncall-policy test`` and ``rules`` run these."""
