"""The list of the files a compile wrote, kept in ``--out`` as ``.oncall-policy-files``.

The next compile removes those of them it no longer writes; every other file in ``--out`` is
someone else's and is kept. The list is read from the repository, so it is untrusted: an entry
that is not a plain path below ``--out`` (absolute, ``..``, empty parts) makes the whole list
refused before anything is removed or compared. Symlinked directories need no check here: the
walk of the tree (``previous.scan``) refuses any link below ``--out``.
"""

from __future__ import annotations

from collections.abc import Iterable

from oncall_policy.output.place import OutputError, Place

NAME = ".oncall-policy-files"
LIMIT = 16 << 20  # a list of millions of paths: far more than any policy makes
# Deleting the list makes every file in --out someone else's: kept, never removed.
_DELETE = f"delete {NAME} and remove by hand the files compile no longer writes"


def render(paths: Iterable[str]) -> bytes:
    return "".join(f"{path}\n" for path in paths).encode("utf-8")


def parse(place: Place, data: bytes) -> tuple[str, ...]:
    """The paths the list names, each a plain relative path below ``place``."""
    shown = place.show(NAME)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OutputError(shown, f"is not UTF-8, so not a list compile wrote; {_DELETE}") from None
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        if not plain(line):
            raise OutputError(
                f"{shown}:{number}",
                f"{line!r} is not a relative path below {place.show()}, so the list was not used "
                f"and nothing was removed or compared; correct the line, or {_DELETE}",
            )
        entries.append(line)
    return tuple(entries)


def plain(path: str) -> bool:
    """A relative path of named parts: no root, no ``.`` or ``..``, nothing unprintable."""
    parts = path.split("/")
    return path.isprintable() and all(part not in {"", ".", ".."} for part in parts)
