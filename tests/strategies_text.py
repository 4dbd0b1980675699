"""Texts for holding a hand-written reader equal to the regular expression it replaces.

Made of the reader's own syntax (``pieces``) and of characters that trip hand-written readers:
digits that are not ASCII (``str.isdigit`` takes them, ``[0-9]`` does not), whitespace beyond
ASCII (Python's ``\\s`` on ``str`` takes it, ``[ \\t\\n\\r]`` does not), invisible characters
that are not whitespace, lone surrogates, look-alike letters and the empty string.
"""

from __future__ import annotations

from hypothesis import strategies as st

DIGITS = ["0", "1", "7", "9", "00", "012", "99999999999999999999"]
NON_ASCII_DIGITS = ["١", "൧", "०", "０", "²", "߀", "𝟘"]  # Arabic-Indic, Malayalam, Devanagari, …
SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2000", "\u2028", "\u3000"]
NOT_SPACES = ["\u200b", "\ufeff", "\x00", "\u180e"]  # zero-width, BOM, NUL, Mongolian vowel separator
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
# Cyrillic a and e, Greek Zeta, Cyrillic Te, fullwidth m, long s, Kelvin sign
LOOK_ALIKES = ["а", "е", "Ζ", "Т", "ｍ", "ſ", "K"]
TRICKY = [*NON_ASCII_DIGITS, *SPACES, *NOT_SPACES, *SURROGATES, *LOOK_ALIKES, ""]


def texts(*pieces: str, max_pieces: int = 12) -> st.SearchStrategy[str]:
    """Texts joined from ``pieces``, ASCII digits and the tricky characters (mostly ``pieces``),
    or any text at all, surrogates included."""
    piece = st.sampled_from(pieces) if pieces else st.nothing()
    parts = st.one_of(piece, piece, piece, st.sampled_from(DIGITS), st.sampled_from(TRICKY), st.characters())
    return st.one_of(
        st.lists(parts, max_size=max_pieces).map("".join),
        st.text(st.characters(exclude_categories=()), max_size=max_pieces),
    )


def mutated(text: str) -> st.SearchStrategy[str]:
    """``text`` with one character replaced, dropped or doubled, or a tricky one put anywhere."""
    if not text:
        return st.sampled_from(TRICKY)
    index, gap = st.integers(0, len(text) - 1), st.integers(0, len(text))
    replacement = st.sampled_from([*TRICKY, *DIGITS, "-", ":", ".", ",", "+", "Z", "T", "@", "<", ">"])
    return st.one_of(
        st.tuples(index, replacement).map(lambda at: text[: at[0]] + at[1] + text[at[0] + 1 :]),
        index.map(lambda at: text[:at] + text[at + 1 :]),
        index.map(lambda at: text[:at] + text[at] + text[at:]),
        st.tuples(gap, replacement).map(lambda at: text[: at[0]] + at[1] + text[at[0] :]),
    )
