"""``oncall-policy diff OLD NEW [--format text|markdown|json]``: what a policy change means for people."""

from __future__ import annotations

import argparse
import os
import posixpath
from typing import TYPE_CHECKING

from oncall_policy.errors import OncallPolicyError
from oncall_policy.provenance import glob_matches, pattern_problem

if TYPE_CHECKING:
    from oncall_policy.model import Policy

# Reading one file of a local repository takes milliseconds; a partial clone may fetch it first.
GIT_TIMEOUT = 120.0
_SPEC = "a policy file, or git:REV:PATH to read it from git (e.g. git:origin/main:policy.yaml)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help=f"the policy before: {_SPEC}")
    parser.add_argument("new", metavar="NEW", help=f"the policy after: {_SPEC}")
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text (one change a line), markdown (for a pull-request comment) or json",
    )


def run(args: argparse.Namespace) -> int:
    from oncall_policy.cli import reports  # noqa: PLC0415 - keep --help fast
    from oncall_policy.meaning.diff import diff  # noqa: PLC0415

    print(reports.changes(diff(_load(args.old), _load(args.new)), args.format), end="")
    return 0


def _load(spec: str) -> Policy:
    from oncall_policy.checks.checked import load_policy_bytes  # noqa: PLC0415
    from oncall_policy.load.policy import read_policy_file  # noqa: PLC0415

    if not spec.startswith("git:"):
        spec = _root(spec)
        return load_policy_bytes(read_policy_file(spec), spec)
    revision, colon, path = spec.removeprefix("git:").partition(":")
    if not (revision and colon and path):
        raise OncallPolicyError(f"{spec!r}: write git:REV:PATH, for example git:HEAD~1:policy.yaml")
    if revision.startswith("-"):  # git would read it as an option (--output=FILE writes a file)
        raise OncallPolicyError(f"{spec!r}: a revision does not begin with '-'")
    path = _root(path)
    return load_policy_bytes(git_show(revision, path), f"git:{revision}:{path}", GitParts(revision, path))


def _root(path: str) -> str:
    """The policy to compare for ``path``: itself, or for a policy part the root that includes it
    here (a part's change is judged by what it changes in the whole policy)."""
    from pathlib import Path  # noqa: PLC0415

    from oncall_policy.load.parts import root_of  # noqa: PLC0415

    root = root_of(Path(path))
    return path if root is None else os.path.relpath(root)


class GitParts:
    """A root policy's parts as they were at a revision: names listed by ``git ls-tree`` under
    the root's directory, matched as the loader matches them on disk, read by ``git show``."""

    def __init__(self, revision: str, root: str) -> None:
        self.revision = revision
        self.directory = posixpath.dirname(root)

    def names(self, pattern: str, own: str) -> list[str]:
        from oncall_policy import processes  # noqa: PLC0415

        listed = processes.output(
            [
                "git",
                "ls-tree",
                "-r",
                "--name-only",
                "--end-of-options",
                self.revision,
                "--",
                self.directory or ".",
            ],
            GIT_TIMEOUT,
        ).decode("utf-8", "replace")
        names = [posixpath.relpath(line, self.directory or ".") for line in listed.splitlines()]
        if pattern_problem(pattern) is not None:
            return []
        return sorted(name for name in names if name != own and glob_matches(name, pattern))

    def read(self, name: str) -> bytes:
        return git_show(
            self.revision, posixpath.join(self.directory, name) if self.directory else f"./{name}"
        )


def git_show(revision: str, path: str) -> bytes:
    """A file as it was at a revision (``git show REV:PATH``; ``./PATH`` is relative to here)."""
    from oncall_policy import processes  # noqa: PLC0415 - only for git:REV:PATH

    return processes.output(["git", "show", "--end-of-options", f"{revision}:{path}"], GIT_TIMEOUT)
