"""The settings amtool takes from its configuration files: the Alertmanager URL, the author, the
HTTP client configuration file and the timeout.

``oncall-policy silence add`` must judge a silence with the author amtool will record and
against the Alertmanager amtool will create it in, or a cap on re-created silences would be
checked against one Alertmanager while the silence lands in another. amtool 0.25 reads each
flag's default from YAML files, per setting from the first file that has it, and refuses to run
when one of them is not valid YAML (all measured with Debian's amtool). Debian's build reads
``~/.config/prometheus/amtool.yml`` then ``/etc/prometheus/amtool.yml``; upstream's reads
``~/.config/amtool/config.yml`` then ``/etc/amtool/config.yml``. Which build is installed is not
known here, so Debian's files come first, then upstream's.

Any flag's name is a key (amtool binds every flag to the files): ``http.config.file`` (measured:
a relative path is taken from the working directory, as on the command line, and a missing one
stops amtool: ``path '/nonexistent.yml' does not exist``) and ``timeout`` (measured: ``timeout:
700ms`` made ``silence query`` and ``silence add`` give up after 0.7 s) matter to how silences are
read and created, so that oncall-policy talks to the Alertmanager as amtool will.
"""

from __future__ import annotations

import os

from oncall_policy.errors import OncallPolicyError
from oncall_policy.records import Record
from oncall_policy.regular_files import SMALL_FILE, read_regular
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

FILES = (
    "~/.config/prometheus/amtool.yml",
    "/etc/prometheus/amtool.yml",
    "~/.config/amtool/config.yml",
    "/etc/amtool/config.yml",
)
URL, AUTHOR, HTTP_CONFIG_FILE, TIMEOUT = "alertmanager.url", "author", "http.config.file", "timeout"
# ``silence add``'s own flags: a file saying ``end: 2031-01-01T00:00:00Z`` makes every
# ``amtool silence add`` without --end end then (measured), so a silence is judged with them too.
DURATION, START, END, COMMENT = "duration", "start", "end", "comment"
_KEYS = (URL, AUTHOR, HTTP_CONFIG_FILE, TIMEOUT, DURATION, START, END, COMMENT)


class AmtoolConfigError(OncallPolicyError):
    """An amtool configuration file amtool itself would refuse to read."""


class AmtoolConfig(Record):
    # One value a setting, in _KEYS' order: ``read`` passes them by position.
    url: str | None = None
    author: str | None = None
    http_config_file: str | None = None
    timeout: str | None = None  # a Go duration, as written: amtool.timeout_seconds reads it
    duration: str | None = None
    start: str | None = None
    end: str | None = None
    comment: str | None = None


def read(files: Sequence[str] = FILES) -> AmtoolConfig:
    """The settings amtool would take from ``files``; raise ``AmtoolConfigError`` for a file that
    is not a YAML mapping."""
    settings: dict[str, str] = {}
    for name in files:
        path = os.path.expanduser(name)  # noqa: PTH111 - paths are strings on the silence path
        try:
            text = read_regular(path, SMALL_FILE).decode("utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            raise AmtoolConfigError(f"cannot read amtool's configuration {path}: {error}") from None
        for key, value in _settings(path, text).items():
            settings.setdefault(key, value)
    return AmtoolConfig(*(settings.get(key) for key in _KEYS))


def _settings(path: str, text: str) -> dict[str, str]:
    from oncall_policy.load import yamldata  # noqa: PLC0415 - only when a file exists

    try:
        data = yamldata.parse(text, path)
    except yamldata.YamlError as error:
        raise AmtoolConfigError(
            f"amtool cannot read its configuration {error}; fix the file, or give --{URL} and --{AUTHOR}"
        ) from None
    if data is None:  # empty, or comments only
        return {}
    if not isinstance(data, dict):
        raise AmtoolConfigError(f"amtool's configuration {path} is not a mapping of settings")
    return {key: value for key, value in data.items() if key in _KEYS and isinstance(value, str)}
