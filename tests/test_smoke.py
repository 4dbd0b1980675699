from oncall_policy.cli import main


def test_example_policies_check_clean(example_policy, capsys):
    assert main(["check", str(example_policy)]) == 0
    assert capsys.readouterr().out == f"{example_policy}: ok\n"
