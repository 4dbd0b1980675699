"""``oncall_policy.datetimes`` gives ``datetime``'s own classes, and takes them without running
``datetime.py`` when the C module is there."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from oncall_policy import datetimes


def test_the_classes_are_datetimes_own():
    for name in datetimes.__all__:
        assert getattr(datetimes, name) is getattr(dt, name)


def test_importing_them_does_not_run_datetime_py():
    code = "import sys; import oncall_policy.datetimes; print('datetime' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"
