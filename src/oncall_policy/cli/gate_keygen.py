"""``oncall-policy gate keygen --out FILE``: the gate's signing key pair.

Writes the Ed25519 private key to FILE (PKCS #8 PEM, mode 0600; the gate's
``approvals.key_file``) and its public key to FILE.pub (PEM, 0644; what
``silence audit --verify-key`` checks proofs with). Never overwrites either.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from oncall_policy.cli.help import HelpFormatter
from oncall_policy.errors import gate_extra_missing


def run(arguments: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="oncall-policy gate keygen",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        allow_abbrev=False,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="the private key's file (FILE.pub: the public)"
    )
    options = parser.parse_args(arguments)
    try:
        from oncall_policy.gate import proof  # noqa: PLC0415 - imports cryptography
    except ModuleNotFoundError as error:
        raise gate_extra_missing(error) or error from None

    private, public = proof.keygen(options.out)
    print(f"wrote {private} (private, 0600: give it to the gate) and {public} (public: for audits)")
    return 0
