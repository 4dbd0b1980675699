"""``TYPE_CHECKING`` without importing ``typing``.

``typing`` costs a third of an interactive command's CPU time (``silence check``: 48 ms with it,
33 without; bench/tricks.py, ``static-type-checking``), and mypy treats any constant of this
name as true; importing it from the package root instead would make every module depend on
everything the root re-exports.
"""

TYPE_CHECKING = False
