"""A matcher is a value: equal to another of the same name, operator and value, and hashed alike
wherever it is made — also after a trip through pickle to another process."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from oncall_policy.matchers import Matcher, Op

UNPICKLED_THERE = (
    "import pickle, sys\n"
    "from oncall_policy.matchers import Matcher, Op\n"
    "found = pickle.loads(sys.stdin.buffer.read())\n"
    "made = Matcher('service', Op.REGEX, 'api-.*')\n"
    "print(found == made, hash(found) == hash(made), found.matches('api-1'))\n"
)


def test_matchers_of_the_same_name_operator_and_value_are_equal():
    assert Matcher("service", Op.REGEX, "api-.*") == Matcher("service", Op.REGEX, "api-.*")
    assert hash(Matcher("service", Op.REGEX, "api-.*")) == hash(Matcher("service", Op.REGEX, "api-.*"))
    assert Matcher("service", Op.REGEX, "api-.*") != Matcher("service", Op.NOT_REGEX, "api-.*")


def test_a_matcher_unpickled_in_another_process_hashes_as_one_made_there():
    """A string's hash differs from process to process: a matcher is made again, not copied."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", UNPICKLED_THERE],
        input=pickle.dumps(Matcher("service", Op.REGEX, "api-.*")),
        capture_output=True,
        env=env,
        check=True,
    )
    assert done.stdout.decode().split() == ["True", "True", "True"]
