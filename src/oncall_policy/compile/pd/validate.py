"""Our own validation of what we emit: the JSON Schema of ``body_schema`` plus ``limits``.

The compiler calls ``validate`` before returning any file, so output PagerDuty would reject is
refused with every reason at once and nothing is written.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from oncall_policy.compile.pd import body_schema, checker, limits
from oncall_policy.errors import OncallPolicyError

Json = dict[str, Any]


class OutputProblem(NamedTuple):
    """One way a generated PagerDuty file breaks our schema or PagerDuty's limits."""

    path: str
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"pagerduty/{self.path}:{where} {self.message}"


class PagerDutyOutputError(OncallPolicyError):
    """The PagerDuty objects compiled from a policy would be rejected; nothing was written."""

    def __init__(self, problems: list[OutputProblem]) -> None:
        super().__init__(problems)
        self.problems = sorted(problems)

    def __str__(self) -> str:
        lines = "".join(f"\n  {problem}" for problem in self.problems)
        return f"the PagerDuty objects compiled from the policy break PagerDuty's limits:{lines}"


def problems(files: dict[str, Json]) -> list[OutputProblem]:
    """Every problem in the files under ``pagerduty/`` (body path → JSON, and ``manifest.json``)."""
    found = [
        OutputProblem(path, where, message)
        for path, body in files.items()
        for where, message in checker.errors(body_schema.schema_for(_kind(path)), body)
    ]
    found += [OutputProblem(*complaint) for complaint in limits.check(files)]
    return sorted(found)


def _kind(path: str) -> str:
    return path if path == "manifest.json" else path.split("/", 1)[0] + "/"


def validate(files: dict[str, Json]) -> None:
    if found := problems(files):
        raise PagerDutyOutputError(found)
