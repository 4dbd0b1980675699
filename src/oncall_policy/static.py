"""``TYPE_CHECKING`` without importing ``typing``.

``typing`` costs about 10 ms of an interactive command's start-up (``silence check``), and mypy
treats any constant of this name as true; importing it from the package root instead would make
every module depend on everything the root re-exports.
"""

TYPE_CHECKING = False
