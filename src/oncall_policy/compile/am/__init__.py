"""The parts of the Alertmanager target (``oncall_policy.compile.alertmanager``): receiver names,
timing, the route tree, receivers, inhibit rules and the notification templates. All pure."""
