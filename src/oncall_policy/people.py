"""People by identity: who an author or an approver is, however the address is spelled.

``Manager X <Manager-X@Clipper.app>``, ``manager-x@clipper.app`` and, when the policy says
subaddresses belong to the same person, ``manager-x+alt@clipper.app`` are all the roster's
``manager-x``; so is the id ``manager-x`` itself (amtool's default author is a user name). An
address is compared case-insensitively, without a display name and without a trailing dot on the
domain. Anything that is not a plain ``local@domain`` in ASCII (comments, quotes, spaces,
look-alike letters) is nobody: it cannot be matched to a roster person, nor admitted as a guest,
so no spelling can make an approver differ from the author they are.

Addresses are read by hand, not with ``re``: importing it (with ``enum``) costs about 8 ms of
``silence check``'s start-up. ``tests/test_silence_text_scan.py`` holds the readers equal to the
regular expressions they replace.
"""

from __future__ import annotations

from oncall_policy.recent import Recent
from oncall_policy.records import Record
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

_LETTERS_AND_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_LOCAL_CHARS = _LETTERS_AND_DIGITS + "!#$%&'*+/=?^_`{|}~.-"  # [A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]
_DOMAIN_CHARS = _LETTERS_AND_DIGITS + ".-"  # [A-Za-z0-9.-]


# Letters that look like Latin ones (Cyrillic, Greek) and typographic marks, as their ASCII look-alike.
LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝһӏɡ", "aeopcyxijsdqwhlg", strict=True)),
        **dict(zip("АВЕКМНОРСТХУІЈЅ", "ABEKMHOPCTXYIJS", strict=True)),
        **dict(zip("αοριυκνχτ", "aopiukvxt", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        **dict.fromkeys("’‘ʼ′´`", "'"),
        **dict.fromkeys("“”„", '"'),
        **dict.fromkeys("‐‑‒–—", "-"),
    }
)


class Person(Record):
    """``roles`` count on any silence; ``team_roles`` (the roles a policy's parts may give, held
    by a person of ``team``) only on a silence every alert of which is ``team``'s (``roles_for``)."""

    id: str
    name: str
    email: str
    roles: frozenset[str]
    team: str | None = None
    team_roles: frozenset[str] = frozenset()

    def roles_for(self, team: str | None) -> frozenset[str]:
        """The roles that count on a silence whose every alert is ``team``'s (None: not one team's)."""
        if self.team_roles and team is not None and team == self.team:
            return self.roles | self.team_roles
        return self.roles


def address(text: str) -> str | None:
    """The plain address ``text`` names (``Name <a@b>`` → ``a@b``), or None if it names none."""
    text = text.strip()
    found = angled(text)
    if found is not None:
        text = found.strip()
    return text if is_plain(text) else None


def display_name(text: str) -> str:
    """The name shown before the address in ``Name <address>`` (its quotes and spaces dropped),
    or ``""`` when ``text`` is no such mailbox or shows none."""
    if angled(text.strip()) is None:
        return ""
    return text[: text.find("<")].strip().strip('"').strip()


def angled(text: str) -> str | None:
    r"""What is between ``<`` and ``>`` in ``Name <address>``: the group of ``[^<>]*<([^<>]*)>\s*``
    when it matches all of ``text`` (``\s`` as Python reads it: ``str.isspace``), else None."""
    opening, closing = text.find("<"), text.find(">")
    if not 0 <= opening < closing or text.count("<") != 1 or text.count(">") != 1:
        return None
    rest = text[closing + 1 :]
    return text[opening + 1 : closing] if not rest or rest.isspace() else None


def is_plain(text: str) -> bool:
    """Whether ``text`` is a plain ``local@domain`` in the characters an address may use unquoted:
    what ``[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+`` matches in full."""
    local, at, domain = text.partition("@")  # no "@" is in the local part's characters
    # Stripping every allowed character leaves nothing only when there is no other one.
    return bool(local and at and domain) and not local.strip(_LOCAL_CHARS) and not domain.strip(_DOMAIN_CHARS)


def mailbox(plain: str, subaddresses: str) -> str:
    """The mailbox a plain address delivers to, as silences compare people: lower case, no
    trailing dot on the domain and, with ``subaddresses: same-person``, no ``+tag``."""
    local, _, domain = plain.lower().rpartition("@")
    if subaddresses == "same-person":
        local = local.split("+", 1)[0]
    return f"{local}@{domain.rstrip('.')}"


class Roster:
    """The policy's people, found by identity; see the module docstring."""

    def __init__(self, people: Sequence[Person], *, guests: bool, subaddresses: str) -> None:
        self.people: Final = tuple(people)
        self.guests: Final = guests
        self.subaddresses: Final = subaddresses
        self._by_key: Final = {self.key(p.email): p for p in people}
        self._by_id: Final = {p.id: p for p in people}
        self._by_name: dict[str, list[Person]] | None = None  # by name as it looks, when first asked
        self._found: Final[Recent[str, Person | None]] = Recent(5000)  # an audit meets the same few often

    def key(self, text: str) -> str | None:
        """The identity an address stands for (None: not a usable address)."""
        plain = address(text)
        return None if plain is None else mailbox(plain, self.subaddresses)

    def find(self, text: str) -> Person | None:
        """The roster person ``text`` names, by id or by address."""
        if text in self._found:
            return self._found.get(text)
        found: Person | None
        if text.strip() in self._by_id:
            found = self._by_id[text.strip()]
        else:
            key = self.key(text)
            found = None if key is None else self._by_key.get(key)
        self._found[text] = found
        return found

    def shown_as(self, name: str) -> list[Person]:
        """The roster people ``name`` (a display name) shows: those whose name looks like it
        (``looks_like``), else the one whose id or address it is (none: nobody's)."""
        if self._by_name is None:
            self._by_name = {}
            for person in self.people:
                self._by_name.setdefault(looks_like(person.name), []).append(person)
        found = self.find(name)
        return self._by_name.get(looks_like(name)) or ([found] if found is not None else [])

    def identity(self, text: str) -> str | None:
        """Who ``text`` is: a roster person's id, a guest's address key, or None (nobody)."""
        person = self.find(text)
        if person is not None:
            return person.id
        return self.key(text)

    def holders(self, role: str, team: str | None = None) -> tuple[Person, ...]:
        """The people whose ``role`` counts on a silence of ``team``'s alerts (None: not one team's)."""
        return tuple(p for p in self.people if role in p.roles_for(team))


def looks_like(name: str) -> str:
    """``name`` as a reader sees it: compatibility forms folded (a full-width letter is the
    letter), look-alike letters made ASCII, invisible format characters (a zero-width space),
    quotes and spaces dropped, case folded — so that no spelling shows one person's name as
    another's without being read as it."""
    if not name.isascii():
        import unicodedata  # noqa: PLC0415 - only for names beyond ASCII

        name = unicodedata.normalize("NFKC", name).translate(LOOK_ALIKES)
        name = "".join(char for char in name if unicodedata.category(char) != "Cf")
    return "".join(char for char in name if not char.isspace() and char not in "\"'").casefold()
