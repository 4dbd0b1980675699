"""The seal of silence-rules.json: intact exactly when no byte before it changed."""

from __future__ import annotations

import hashlib
import json
import shutil

from hypothesis import given
from hypothesis import strategies as st

from oncall_policy import build
from oncall_policy.cli import main
from oncall_policy.silence import source
from oncall_policy.silence.document.write import render
from oncall_policy.silence.seal import intact, seal
from tests.conftest import CLIPPER

COMPILED = (CLIPPER.parent / "generated" / "silence-rules.json").read_bytes()


def test_the_seal_is_the_last_field_and_the_sha256_of_all_before_it():
    document = json.loads(COMPILED)
    assert list(document)[-1] == "sha256"
    body = COMPILED[: COMPILED.rindex(b'  "sha256": ')]
    assert document["sha256"] == hashlib.sha256(body).hexdigest()
    assert intact(COMPILED)


# Documents as ``render`` writes them: one field or more (silence-rules.json has about twenty).
documents = st.dictionaries(
    st.text(max_size=8),
    st.one_of(st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=3)),
    min_size=1,
)


@given(documents)
def test_a_sealed_document_is_intact_and_reads_as_itself_plus_its_seal(document):
    """Property: for any rendered document, the sealed text is intact, is JSON, and holds the
    document's fields and then its seal."""
    sealed = seal(render(document))
    assert intact(sealed.encode())
    read = json.loads(sealed)
    assert read.pop("sha256") == hashlib.sha256(sealed[: sealed.rindex('  "sha256": ')].encode()).hexdigest()
    assert read == {key: value for key, value in document.items() if key != "sha256"}


@given(st.integers(min_value=0, max_value=len(COMPILED) - 1), st.integers(min_value=1, max_value=255))
def test_any_changed_byte_breaks_the_seal(position, flip):
    """Property: changing any one byte of the compiled file, the seal included, breaks it."""
    changed = bytearray(COMPILED)
    changed[position] ^= flip
    assert not intact(bytes(changed))


def test_a_truncated_or_extended_file_is_not_intact():
    assert not intact(COMPILED[:-1])
    assert not intact(COMPILED + b"\n")
    assert not intact(b"")
    assert not intact(COMPILED[-81:])  # a seal alone seals nothing


P1_RULE = '"max_duration": "1h", "max_duration_ms": 3600000, "approvals": ["manager"]'
THIRTY_DAYS_OF_P1 = ["alertname=ServiceDown", "service=api", "-d", "30d", "-c", "deployment in progress"]


def test_a_rules_file_edited_and_sealed_again_loosens_nothing(tmp_path, capsys, monkeypatch):
    """Red team: a seal is no signature; P1's cap raised to 30 days and its approval dropped,
    then sealed again, was trusted. A fresh file is used only once it is known to be what the
    policy compiles to: this one is stale, and the policy's own rules judge."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing verified yet
    policy = tmp_path / "policy.yaml"
    shutil.copy2(CLIPPER, policy)
    assert main(["compile", "--policy", str(policy), "--out", str(tmp_path / "generated")]) == 0
    rules = tmp_path / "generated" / "silence-rules.json"
    text = rules.read_text(encoding="utf-8")
    body = text.rpartition(',\n  "sha256": ')[0]
    assert P1_RULE in body
    loosened = seal(
        body.replace(P1_RULE, '"max_duration": "30d", "max_duration_ms": 2592000000, "approvals": []')
        + "\n}\n"
    )
    rules.write_text(loosened, encoding="utf-8")
    argv = ["silence", "check", "--policy", str(policy), *THIRTY_DAYS_OF_P1, "-a", "engineer-a@clipper.app"]
    capsys.readouterr()
    assert main(argv) == 1
    said = capsys.readouterr()
    assert f"{rules} is not what policy.yaml compiles to (edited, then sealed again?)" in said.err
    assert "cap 1h; approvals: manager" in said.out
    assert main(argv) == 1  # never remembered as verified
    assert "is not what policy.yaml compiles to" in capsys.readouterr().err
    rules.write_text(text, encoding="utf-8")  # as compiled: verified once, then read alone
    assert source.load(policy).stale is None
    assert list((tmp_path / "cache" / "oncall-policy" / "verified-silence-rules").iterdir())


def test_a_verification_made_by_another_build_vouches_for_nothing(tmp_path, monkeypatch, capsys):
    """Red team: the key named the version alone, the same across builds; a file an earlier
    build compiled and verified (a cap it got wrong, say) stayed trusted by later ones."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    policy = tmp_path / "policy.yaml"
    shutil.copy2(CLIPPER, policy)
    assert main(["compile", "--policy", str(policy), "--out", str(tmp_path / "generated")]) == 0
    rules = tmp_path / "generated" / "silence-rules.json"
    body = rules.read_text(encoding="utf-8").rpartition(',\n  "sha256": ')[0]
    loosened = seal(
        body.replace(P1_RULE, '"max_duration": "30d", "max_duration_ms": 2592000000, "approvals": []')
        + "\n}\n"
    )
    rules.write_text(loosened, encoding="utf-8")
    with monkeypatch.context() as old:  # the build that compiled it so, and said it was right
        old.setattr(build, "identity", lambda: "0.1.0 an earlier build")
        source.remember_verified(hashlib.sha256(policy.read_bytes()).hexdigest(), loosened.encode())
        assert source.load(policy).stale is None
    capsys.readouterr()
    argv = ["silence", "check", "--policy", str(policy), *THIRTY_DAYS_OF_P1, "-a", "engineer-a@clipper.app"]
    assert main(argv) == 1
    assert "is not what policy.yaml compiles to" in capsys.readouterr().err
