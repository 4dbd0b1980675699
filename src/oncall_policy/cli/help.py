"""argparse's help, sized for the terminal without ``shutil``."""

from __future__ import annotations

import argparse

from oncall_policy.cli import columns


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized as argparse sizes it but without importing ``shutil`` (about
    3 ms of every start-up, for a width that only ``--help`` and usage errors print)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=columns() - 2)
