"""Shared fixtures: the example policies, real tools (amtool, pre-commit), hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CLIPPER = ROOT / "policy.yaml"
ACME = ROOT / "examples" / "acme" / "policy.yaml"
GLOBEX = ROOT / "examples" / "globex" / "policy.yaml"
EXAMPLES = {"clipper": CLIPPER, "acme": ACME, "globex": GLOBEX}

# Bounded so that the whole suite stays within minutes; `HYPOTHESIS_PROFILE=thorough` for more.
settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session", autouse=True)
def _cache_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The commands the tests run keep their compiled templates in a directory of the run's own,
    not in the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _every_rule_id_reported_is_registered() -> Iterator[None]:
    """Every rule id a problem or a silence violation made by oncall-policy carries during the run
    is one of the rulebook's: recorded as each is made, checked when the run ends (a failure is an
    error at the teardown of the last test). Those the tests make themselves are not recorded."""
    from oncall_policy.problems import Problem  # noqa: PLC0415
    from oncall_policy.silence.verdict import Violation  # noqa: PLC0415

    seen: dict[str, str] = {}

    def note(rule: str) -> None:
        maker = sys._getframe(2).f_globals.get("__name__", "")  # the frame that made it
        if maker.startswith("oncall_policy.") and rule not in seen:
            seen[rule] = maker

    make_problem, make_violation = Problem.__new__, Violation.__init__

    def new_problem(cls: type[Problem], *args: Any, **kwargs: Any) -> Problem:
        problem = make_problem(cls, *args, **kwargs)
        note(problem.rule)
        return problem

    def new_violation(self: Violation, *args: Any, **kwargs: Any) -> None:
        make_violation(self, *args, **kwargs)
        note(self.rule)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Problem, "__new__", new_problem)
        patch.setattr(Violation, "__init__", new_violation)
        yield
    from oncall_policy.cli.list_rules import rulebook  # noqa: PLC0415 - it imports every layer

    book = rulebook()
    unknown = {rule: maker for rule, maker in seen.items() if rule not in book}
    assert not unknown, f"rule ids reported but not registered (id: the module that made it): {unknown}"


def missing(message: str) -> NoReturn:
    """A real part a test needs is not here: locally the test skips; under CI=true it fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    """The path of a real tool (``missing`` when it is not on PATH)."""
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` not found; install it (make setup installs prometheus-alertmanager)")
    return path


@pytest.fixture(scope="session")
def amtool() -> str:
    return require_tool("amtool")


@pytest.fixture(scope="session")
def alertmanager_binary() -> str:
    return require_tool("prometheus-alertmanager")


@pytest.fixture(params=sorted(EXAMPLES), ids=sorted(EXAMPLES))
def example_policy(request: pytest.FixtureRequest) -> Path:
    return EXAMPLES[request.param]


@pytest.fixture
def alertmanager(alertmanager_binary: str, amtool: str, tmp_path: Path):
    """A real Alertmanager on 127.0.0.1 (gossip off), stopped after the test."""
    from tests.alertmanager_server import running  # noqa: PLC0415 - a test helper module beside this one

    with running(alertmanager_binary, tmp_path / "am") as server:
        yield server


@pytest.fixture(scope="session")
def oracle(alertmanager_binary: str, tmp_path_factory: pytest.TempPathFactory):
    """One real Alertmanager for the whole run, asked through ``tests.oracle.Oracle`` (what a
    silence mutes, whether a regex is accepted). Missing binary: skip locally, fail under CI=true."""
    from tests.oracle import running_oracle  # noqa: PLC0415 - a test helper module beside this one

    with running_oracle(alertmanager_binary, tmp_path_factory.mktemp("oracle")) as found:
        yield found


@pytest.fixture(scope="session")
def postgresql():
    """A real PostgreSQL cluster for the whole run (``tests.postgres_server.Cluster``), with a
    database and a user with a password. Not installed: skip locally, fail under CI=true."""
    from tests import postgres_server  # noqa: PLC0415 - a test helper module beside this one

    programs = postgres_server.programs()
    if programs is None:
        missing("PostgreSQL (`initdb`) not found; install it (make setup installs postgresql)")
    with postgres_server.running(programs) as cluster:
        yield cluster
