"""The private cache: an entry is read back only from directories that are the user's alone, only
from a regular file reached without a symlink, without blocking, and only for its own key."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from oncall_policy import private_cache
from tests.planting import within

PARTS = ("oncall-policy", "test")
KEY = b"built from: source v1"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _read(name: str = "entry", key: bytes = KEY) -> bytes | None:
    return within(5, lambda: private_cache.read(PARTS, name, key, 1024))


def test_an_entry_is_read_back_for_its_key(home: Path):
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert _read() == b"payload"
    assert (home / "oncall-policy").stat().st_mode & 0o777 == 0o700
    assert (home / "oncall-policy" / "test").stat().st_mode & 0o777 == 0o700
    assert (home / "oncall-policy" / "test" / "entry").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (home / "oncall-policy" / "test").iterdir()] == ["entry"]  # no temporary left


def test_an_entry_made_for_another_key_is_a_miss(home: Path):
    """A stale entry, or a "lax" one built from something else, is not used for this key."""
    private_cache.write(PARTS, "entry", b"built from: source v0", b"lax payload")
    assert _read() is None


def test_an_entry_whose_payload_was_changed_is_a_miss(home: Path):
    private_cache.write(PARTS, "entry", KEY, b"payload")
    entry = home / "oncall-policy" / "test" / "entry"
    entry.write_bytes(entry.read_bytes().replace(b"payload", b"PAYLOAD"))
    assert _read() is None


@pytest.mark.parametrize(
    "planted",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not an entry at all", id="garbage"),
        pytest.param(private_cache.MAGIC + b"\0" * 32 + b"payload", id="wrong-digest"),
    ],
)
def test_a_damaged_entry_is_a_miss(home: Path, planted: bytes):
    private_cache.write(PARTS, "entry", KEY, b"payload")
    (home / "oncall-policy" / "test" / "entry").write_bytes(planted)
    assert _read() is None


def _chmod(mode: int) -> Callable[[Path], None]:
    return lambda directory: directory.chmod(mode)


def _give_to_nobody(directory: Path) -> None:
    os.chown(directory, 65534, 65534)


def _replace_by_symlink(directory: Path) -> None:
    """``directory`` moved aside (still ours, mode 0700) and a symlink to it put in its place."""
    moved = directory.with_name(directory.name + "-real")
    directory.rename(moved)
    directory.symlink_to(moved)


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another uid needs root")
UNTRUSTED = [
    pytest.param(_chmod(0o777), id="world-writable"),
    pytest.param(_chmod(0o770), id="group-writable"),
    pytest.param(_give_to_nobody, id="owned-by-another-uid", marks=root_only),
    pytest.param(_replace_by_symlink, id="a-symlink"),
]


@pytest.mark.parametrize("level", ["oncall-policy", "oncall-policy/test"])
@pytest.mark.parametrize("spoil", UNTRUSTED)
def test_nothing_is_read_from_a_directory_another_user_could_write(home: Path, level: str, spoil):
    private_cache.write(PARTS, "entry", KEY, b"payload")
    spoil(home / level)
    assert _read() is None


@pytest.mark.parametrize("spoil", UNTRUSTED)
def test_nothing_is_written_to_a_directory_another_user_could_write(home: Path, spoil):
    (home / "oncall-policy" / "test").mkdir(parents=True)
    spoil(home / "oncall-policy")
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert not list(home.rglob("entry"))


def test_a_directory_planted_before_the_first_run_is_not_adopted(home: Path):
    """Another user makes ``oncall-policy`` 0777 in a shared cache home (``/tmp``) before we do."""
    (home / "oncall-policy").mkdir(parents=True)
    (home / "oncall-policy").chmod(0o777)
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert not (home / "oncall-policy" / "test").exists()
    assert _read() is None


def test_a_symlinked_entry_is_not_followed(home: Path):
    private_cache.write(PARTS, "real", KEY, b"payload")
    (home / "oncall-policy" / "test" / "entry").symlink_to("real")
    assert _read("real") == b"payload"
    assert _read("entry") is None


def test_a_fifo_in_place_of_an_entry_is_a_miss_without_blocking(home: Path):
    private_cache.write(PARTS, "other", KEY, b"payload")  # makes the directories
    os.mkfifo(home / "oncall-policy" / "test" / "entry")
    assert _read() is None


def test_a_directory_in_place_of_an_entry_is_a_miss(home: Path):
    (home / "oncall-policy" / "test" / "entry").mkdir(parents=True, mode=0o700)
    assert _read() is None
    private_cache.write(PARTS, "entry", KEY, b"payload")  # cannot replace it: no error
    assert (home / "oncall-policy" / "test" / "entry").is_dir()


def test_an_entry_larger_than_its_limit_is_a_miss(home: Path):
    private_cache.write(PARTS, "entry", KEY, b"x" * 1025)
    assert _read() is None


def test_a_cache_home_that_cannot_be_used_costs_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert _read() is None


def test_a_relative_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """As the XDG spec says: a relative ``XDG_CACHE_HOME`` would name a different place in
    every directory the command runs from."""
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert private_cache.base() == tmp_path / ".cache"


def test_no_home_directory_at_all_means_no_cache(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # "~" as it is, when no home is found
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert _read() is None


def test_an_entry_counts_only_with_this_users_secret(monkeypatch: pytest.MonkeyPatch):
    """Red team: the digest was no secret, so a cache base inside a repository (a CI job's)
    took entries a merge request committed. Entries are now kept with 32 random bytes from the
    user's config directory, which no cached or committed file holds."""
    private_cache.write(PARTS, "entry", KEY, b"payload")
    assert _read() == b"payload"
    monkeypatch.setattr(private_cache, "_secrets", [bytes(32)])  # another user's, or none known
    assert _read() is None
    monkeypatch.setattr(private_cache, "_secrets", [])
    monkeypatch.setenv("XDG_CONFIG_HOME", "/proc/no-such-place")  # no secret can be had: no cache
    assert _read() is None
    private_cache.write(PARTS, "entry", KEY, b"other")  # nothing written either
    monkeypatch.undo()
    assert _read() == b"payload"
