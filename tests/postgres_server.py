"""A real, throwaway PostgreSQL cluster for tests: in a temporary folder owned by the
``postgres`` user (initdb refuses to run as root), on 127.0.0.1 at a free port, its unix socket
in that folder; a database and a user with a password for the gate; stopped and removed at the end.

Debian installs the server's programs in ``/usr/lib/postgresql/VERSION/bin``, off PATH: they are
looked for on PATH first, then there.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

from tests.alertmanager_server import free_port

USER = "gate"
DATABASE = "gate"
# A password with characters a URL must encode, so that the tests see both spellings kept out of
# every message.
PASSWORD = "pg secret:x@y/z"  # noqa: S105 - a test password for a throwaway cluster
SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # a throwaway cluster


def programs() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres (None: PostgreSQL is not installed)."""
    found = shutil.which("initdb")
    if found is not None:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return candidates[-1].parent if candidates else None


@dataclass
class Cluster:
    bin: Path
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.port}/{DATABASE}"

    def url_with(self, password: str) -> str:
        return self.url.replace(quote(PASSWORD, safe=""), quote(password, safe=""))

    def superuser(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.folder), port=self.port, user="postgres", dbname=DATABASE, autocommit=True
        )

    def pg_ctl(self, *args: str) -> None:
        _run(self.bin / "pg_ctl", "-D", str(self.folder / "data"), "-w", "-t", "30", *args)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} {SETTINGS}"
        self.pg_ctl("-l", str(self.folder / "log"), "-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """Stopped (every connection cut) and started again, at the same port."""
        self.stop()
        self.start()

    def drop_table(self) -> None:
        with self.superuser() as db:
            db.execute("DROP TABLE IF EXISTS pending")


def _run(*argv: str | Path) -> None:
    command = [str(part) for part in argv]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _owned_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="oncall-policy-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    return folder


@contextmanager
def running(bin_folder: Path) -> Iterator[Cluster]:
    folder = _owned_folder()
    cluster = Cluster(bin_folder, folder, free_port())
    try:
        _run(
            bin_folder / "initdb", "-D", folder / "data", "-U", "postgres", "-E", "UTF8", "--no-sync",
            "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        cluster.start()
        with psycopg.connect(
            host=str(folder), port=cluster.port, user="postgres", dbname="postgres", autocommit=True
        ) as db:
            db.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
            db.execute(f"CREATE DATABASE {DATABASE} OWNER {USER}")
        yield cluster
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            cluster.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
