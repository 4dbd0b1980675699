"""Red team, fixed: a cache base inside the repository under review takes the repository's word.

GitLab CI caches only paths inside the project directory, so CI jobs commonly set
``XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache`` (the same holds for any job whose cache is restored
from a store every branch's pipeline writes). ``private_cache`` takes the base "as given" and
trusts any entry below it in directories owned by the effective user and not group- or
other-writable: exactly what ``git checkout`` makes of directories a merge request adds. The
entry's hash is no secret, so the merge request can carry both a loosened, resealed
``generated/silence-rules.json`` and the entry that calls it verified; the silence path then
trusts the loosened rules (P1 for 30 days, no approval) over the reviewed policy.

Now: an entry the repository itself supplies vouches for nothing (a cache base inside the
policy's tree is refused, or entries are authenticated by something the checkout cannot
carry); the 30-day P1 silence is judged by the policy's 1h + manager and refused (exit 1).
Observed: accepted (exit 0).
"""

from __future__ import annotations

import hashlib
import os
import shutil

from oncall_policy.private_cache import MAGIC
from oncall_policy.silence.document import FORMAT
from oncall_policy.silence.seal import digest_of, seal
from oncall_policy.version import __version__
from tests.compile_trees import run_cli
from tests.conftest import CLIPPER

P1_RULE = '"max_duration": "1h", "max_duration_ms": 3600000, "approvals": ["manager"]'
LOOSE = '"max_duration": "30d", "max_duration_ms": 2592000000, "approvals": []'
THIRTY_DAYS_OF_P1 = [
    "alertname=ServiceDown",
    "service=api",
    "-d",
    "30d",
    "-c",
    "deployment in progress",
    "--author=engineer-a@clipper.app",
]


def test_a_verification_entry_committed_to_the_checkout_is_not_trusted(tmp_path):
    checkout = tmp_path / "repo"
    checkout.mkdir()
    policy = checkout / "policy.yaml"
    shutil.copy2(CLIPPER, policy)
    # What the merge request carries: the compiled rules, loosened and sealed again ...
    elsewhere = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "attacker-cache")}
    assert run_cli("compile", "--policy", str(policy), env=elsewhere).returncode == 0
    rules = checkout / "generated" / "silence-rules.json"
    body = rules.read_text(encoding="utf-8").rpartition(',\n  "sha256": ')[0]
    assert P1_RULE in body
    loosened = seal(body.replace(P1_RULE, LOOSE) + "\n}\n").encode()
    rules.write_bytes(loosened)
    # ... and .cache/oncall-policy/verified-silence-rules/<seal>, as git checks it out (0755 dirs).
    digest = hashlib.sha256(policy.read_bytes()).hexdigest()
    key = f"silence rules {FORMAT} by oncall-policy {__version__}, of the policy {digest}".encode()
    entries = checkout / ".cache" / "oncall-policy" / "verified-silence-rules"
    entries.mkdir(parents=True, mode=0o755)
    for directory in (checkout / ".cache", entries.parent, entries):
        directory.chmod(0o755)
    forged = hashlib.sha256(len(key).to_bytes(8, "big") + key).digest()
    (entries / digest_of(loosened)).write_bytes(MAGIC + forged)
    # The CI job: XDG_CACHE_HOME=$CI_PROJECT_DIR/.cache, the silence hook on a 30-day P1 silence.
    ci = {**os.environ, "XDG_CACHE_HOME": str(checkout / ".cache")}
    done = run_cli("silence", "check", "--policy", str(policy), *THIRTY_DAYS_OF_P1, env=ci)
    assert done.returncode == 1, f"accepted under the merge request's rules:\n{done.stdout}{done.stderr}"
