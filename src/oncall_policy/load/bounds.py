"""What the loader reads at most: bounds on the cost of any file, held by both of its paths."""

from __future__ import annotations

# 16 MiB: a policy of 60,000 alerts; anything larger is generated content or not a policy.
MAX_BYTES = 16 * 1024 * 1024
# Nodes (keys, values, items, collections, and what aliases expand to): a 10,000-alert policy
# has about 200,000.
MAX_NODES = 1_000_000
MAX_DEPTH = 100


def node_bound(text: str) -> int:
    """A cheap bound, before parsing, on how many nodes ``text`` can hold: at most three times this.

    A node starts after one of these characters (a block sequence's ``-``, a mapping value's
    ``:``, an explicit key's ``?``, a flow collection's bracket or ``,``) or is the key or
    collection that starts with the node after it, or an empty value after one of them; so a
    text that counts few of them cannot hold many nodes, whatever it says.
    """
    # The UTF-8 bytes less every other byte (no byte of a longer character is ASCII): one pass
    # in C, where counting each character is six.
    return len(text.encode("utf-8", "surrogatepass").translate(None, _OTHER_BYTES)) + 1


_OTHER_BYTES = bytes(b for b in range(256) if chr(b) not in "-:?,[{")
