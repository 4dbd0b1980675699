"""Regex-language terms made from two threads at once are still one term per kind and fields.

The gate judges a write with regexes in a thread while its event loop assesses listed silences,
so terms are made from two threads at once. The engine compares terms by identity (states of
its explorer, remembered answers): two live copies of one term would be a state more and an
answer not found, spent from a judgement's allowance, so that what it decides would depend on
what another thread did meanwhile (red team)."""

from __future__ import annotations

import sys
import threading

from oncall_policy.matching import terms
from oncall_policy.matching.charset import Charset

MADE = 20_000


def test_two_threads_making_one_term_get_the_same_term():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the GIL changes hands as often as it can
    try:
        base = 300_000
        made: list[list[terms.Term]] = [[], []]
        barrier = threading.Barrier(2)

        def work(which: int) -> None:
            barrier.wait()
            made[which] = [terms.chars(Charset((base + 2 * i, base + 2 * i + 1))) for i in range(MADE)]

        threads = [threading.Thread(target=work, args=(which,)) for which in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    twice = sum(1 for one, other in zip(*made, strict=True) if one is not other)
    assert twice == 0, f"{twice} terms made twice, live at once"
