"""Markdown text that stays what it says: the one escape both the guide and the reports need."""


def cell(text: object) -> str:
    """Text for a Markdown table cell: pipes escaped, on one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")
