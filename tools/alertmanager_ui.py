"""Install Alertmanager's real web UI, as released, for the tests that drive it in a browser.

Debian's ``prometheus-alertmanager`` ships no UI (its ``generate-ui.sh`` compiles the Elm sources
with a compiler downloaded from GitHub). But Debian's ``golang-github-prometheus-alertmanager-dev``,
built from the same upstream release, carries ``asset/assets_vfsdata.go``: the UI upstream
compiled and embedded in its own binaries (``/static``: ``index.html``, ``script.js``, the favicon,
Bootstrap 4 and Font Awesome). This script fetches that package with ``apt-get download`` (no
install, none of its Go dependencies), checks it is the release of the installed binary, decodes
``/static`` and writes it to DIR, the layout ``--web.ui-path=DIR`` serves.

    python tools/alertmanager_ui.py DIR
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "golang-github-prometheus-alertmanager-dev"
SOURCE = "./usr/share/gocode/src/github.com/prometheus/alertmanager/"
EMBEDDED = SOURCE + "asset/assets_vfsdata.go"
INDEX = SOURCE + "ui/app/index.html"
# The compiled UI of each release, as upstream embedded it: a changed file is not the release.
SCRIPT_SHA256 = {"0.25.0": "2f451710e855235e8f7e02dd34c07bc4510363d21c323f6d89d106fc41b67ee0"}

# One file of vfsgen's output: its path, then either gzipped content with its size, or content.
FILE = re.compile(
    r'"(?P<path>/static/[^"]+)": &vfsgen۰(?:CompressedFileInfo|FileInfo)\{.*?'
    r'(?:uncompressedSize: (?P<size>\d+),\s*compressedContent|content): \[\]byte\("(?P<bytes>[^"]*)"\)',
    re.DOTALL,
)


def upstream_version(debian_version: str) -> str:
    """``0.25.0`` of ``0.25.0-1+b4`` (or of ``1:0.25.0-1``)."""
    return debian_version.partition(":")[2 if ":" in debian_version else 0].rsplit("-", 1)[0]


def installed_version() -> str:
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "prometheus-alertmanager"],
        capture_output=True,
        text=True,
        check=True,
    )
    return upstream_version(found.stdout)


def download(into: Path) -> Path:
    """The package's .deb, fetched by apt into ``into`` (the newest the mirror offers)."""
    into.chmod(0o755)  # apt's unprivileged _apt user writes the download
    fetch = ["apt-get", "download", "-q", PACKAGE]
    if subprocess.run(fetch, cwd=into, check=False).returncode != 0:  # on a fresh machine: no lists yet
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(fetch, cwd=into, check=True)
    (deb,) = into.glob(f"{PACKAGE}_*.deb")
    return deb


def members(deb: Path, wanted: set[str]) -> dict[str, bytes]:
    """The files ``wanted`` of the package's data, read from ``dpkg-deb --fsys-tarfile``."""
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        for member in archive:
            if member.name in wanted and (stream := archive.extractfile(member)) is not None:
                found[member.name] = stream.read()
    missing = wanted - found.keys()
    if missing:
        sys.exit(f"{deb.name} lacks {sorted(missing)}")
    return found


def decode(go_source: str) -> dict[str, bytes]:
    r"""``/static``'s files (relative paths) from vfsgen's Go source: every byte is written ``\xNN``."""
    files: dict[str, bytes] = {}
    for match in FILE.finditer(go_source):
        data = bytes.fromhex(match["bytes"].replace("\\x", ""))
        if match["size"] is not None:
            data = gzip.decompress(data)
            if len(data) != int(match["size"]):
                sys.exit(f"{match['path']}: {len(data)} bytes, vfsgen says {match['size']}")
        files[match["path"].removeprefix("/static/")] = data
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("dir", type=Path, help="where to write the UI (given to --web.ui-path)")
    target: Path = parser.parse_args().dir
    version = installed_version()
    with tempfile.TemporaryDirectory() as scratch:
        deb = download(Path(scratch))
        packaged = upstream_version(deb.name.split("_")[1].replace("%3a", ":"))
        if packaged != version:
            sys.exit(f"{deb.name} is Alertmanager {packaged}; the installed binary is {version}")
        found = members(deb, {EMBEDDED, INDEX})
    files = decode(found[EMBEDDED].decode())
    for needed in ("index.html", "script.js", "favicon.ico"):
        if needed not in files:
            sys.exit(f"{EMBEDDED} embeds no /static/{needed}")
    if files["index.html"] != found[INDEX]:
        sys.exit(f"the embedded index.html is not {INDEX}")
    digest = hashlib.sha256(files["script.js"]).hexdigest()
    if SCRIPT_SHA256.get(version) != digest:
        sys.exit(
            f"script.js of {version} has sha256 {digest}, not the release's {SCRIPT_SHA256.get(version)}"
        )
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for name, data in files.items():
        (partial / name).parent.mkdir(parents=True, exist_ok=True)
        (partial / name).write_bytes(data)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    print(f"Alertmanager {version}'s web UI ({len(files)} files, script.js sha256 {digest}) in {target}")


if __name__ == "__main__":
    main()
