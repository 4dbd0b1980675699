"""amtool's configuration files, read as amtool reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall_policy.silence import amtool_config
from oncall_policy.silence.amtool_config import AmtoolConfig, AmtoolConfigError


def _files(tmp_path: Path, *texts: str | None) -> list[str]:
    """One file per text, in order (``None``: a file that does not exist)."""
    paths = []
    for number, text in enumerate(texts):
        path = tmp_path / f"amtool-{number}.yml"
        if text is not None:
            path.write_text(text)
        paths.append(str(path))
    return paths


def test_each_setting_comes_from_the_first_file_that_has_it(tmp_path: Path):
    files = _files(
        tmp_path,
        None,
        "author: alice@example.invalid\noutput: json\n",
        "alertmanager.url: http://am.example.invalid:9093/\nauthor: bob@example.invalid\n",
    )
    assert amtool_config.read(files) == AmtoolConfig(
        "http://am.example.invalid:9093/", "alice@example.invalid"
    )


def test_no_files_and_empty_files_set_nothing(tmp_path: Path):
    assert amtool_config.read(_files(tmp_path, None, "", "# only a comment\n")) == AmtoolConfig(None, None)


def test_a_setting_that_is_not_text_is_not_taken(tmp_path: Path):
    files = _files(tmp_path, "author: 12\n", "author: carol@example.invalid\n")
    assert amtool_config.read(files).author == "carol@example.invalid"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("alertmanager.url: http://x/\nbogus: [\n", "cannot read its configuration"),
        ("- a list\n", "is not a mapping"),
    ],
)
def test_a_file_amtool_would_refuse_is_an_error_naming_it(tmp_path: Path, text: str, says: str):
    [path] = _files(tmp_path, text)
    with pytest.raises(AmtoolConfigError, match=says) as refused:
        amtool_config.read([path])
    assert path in str(refused.value)


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".config" / "prometheus").mkdir(parents=True)
    (tmp_path / ".config" / "prometheus" / "amtool.yml").write_text("author: dave@example.invalid\n")
    assert amtool_config.read(["~/.config/prometheus/amtool.yml"]).author == "dave@example.invalid"
