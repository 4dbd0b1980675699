from oncall_policy.cli import run

run()
