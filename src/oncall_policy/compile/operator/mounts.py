"""Where prometheus-operator puts things, as its ``pkg/alertmanager`` (0.93) does.

The keys of the configuration Secret other than ``alertmanager.yaml`` are copied into the Secret
it generates and mounted at ``/etc/alertmanager/config``; the configuration itself is written to
``/etc/alertmanager/config_out/alertmanager.env.yaml``. A relative ``templates`` entry would be
looked for in ``config_out``, where there are none: templates are named by absolute path.
"""

from __future__ import annotations

import posixpath

CONFIG_DIR = "/etc/alertmanager/config"
CONFIG_KEY = "alertmanager.yaml"
SECRETS_DIR = "/etc/alertmanager/secrets"  # where each Secret of spec.secrets is mounted, by name


def template_path(key: str) -> str:
    return posixpath.join(CONFIG_DIR, key)


def secret_key(relative_path: str) -> str:
    """The key of a team's Secret that holds the file ``relative_path`` of ``secrets.directory``:
    the path with ``/`` as ``.`` (a Secret's keys cannot hold ``/``)."""
    return relative_path.replace("/", ".")
