"""A real PostgreSQL server for the tests: a throw-away cluster in a temporary folder, reached only through a
Unix socket in that folder (no TCP port, so nothing on the network can reach it and parallel test workers
never collide).

Why a real server and not a mock: the merged store's promises (advisory locks, transactional DDL, the
same figures as SQLite) are properties of PostgreSQL itself. CI installs Debian's ``postgresql`` package;
a developer's machine without it skips these tests with a reason, unless ``CI`` is set, where a missing
server is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PostgresServer:
    """One cluster; ``url(name)`` creates a fresh database and returns its SQLAlchemy URL."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="cpchair-pg-"))
        self.datadir = self.root / "data"
        self.sockdir = self.root
        self._user: str | None = None
        if os.geteuid() == 0:  # initdb refuses to run as root; Debian's package creates the postgres user
            self._user = "postgres"
            pw = pwd.getpwnam(self._user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.superuser = self._user or pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        opts = f"-c listen_addresses='' -k {self.sockdir} -c fsync=off -c full_page_writes=off -c max_connections=60"
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-o", opts, "-w", "-t", "60", "-l", str(self.root / "log"), "start"
        )
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@/{database}?host={self.sockdir}"

    def add_password_user(self, name: str, password: str) -> None:
        """A role that must give its password (scram-sha-256), as a council's server would ask of it."""
        import psycopg

        with psycopg.connect(host=str(self.sockdir), user=self.superuser, dbname="postgres", autocommit=True) as c:
            c.execute(f"CREATE ROLE \"{name}\" LOGIN SUPERUSER PASSWORD '{password}'")
        hba = self.datadir / "pg_hba.conf"
        if self._user:
            self._run_sh(f"sed -i '1i local all {name} scram-sha-256' {hba}")
        else:
            hba.write_text(f"local all {name} scram-sha-256\n" + hba.read_text())
        self._run("pg_ctl", "-D", str(self.datadir), "reload")

    def _run_sh(self, script: str) -> None:
        subprocess.run(["runuser", "-u", str(self._user), "--", "sh", "-c", script], check=True, timeout=60)

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host=str(self.sockdir), user=self.superuser, dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
