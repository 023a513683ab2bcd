"""Fixtures for the case-register tests: every test that takes `url` (or `store`) runs twice, on a
real SQLite file in a temporary folder and on a fresh database of a real PostgreSQL server.

The PostgreSQL server is started by the tests themselves, once per test session (per xdist
worker), from Debian's `postgresql` package (`scripts/setup.sh test` installs it): `initdb` and
`pg_ctl` in a temporary folder, listening only on a unix socket in that folder, stopped at the
end. PostgreSQL refuses to run as root, so under root the server runs as `nobody`. With
`$ASSESSOR_TEST_POSTGRES_URL` set (an admin URL such as postgresql+psycopg://me@localhost/postgres)
the tests use that server instead. Without either, the PostgreSQL tests fail, saying what to do.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assessor.store import CaseStore

BACKENDS = ("sqlite", "postgresql")
EXTERNAL_ENV = "ASSESSOR_TEST_POSTGRES_URL"
SUPERUSER = "assessor"
SETUP_HINT = "run `scripts/setup.sh test` (it installs Debian's postgresql package), or set $ASSESSOR_TEST_POSTGRES_URL to a server you have"


def _server_binaries() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]), reverse=True)
    on_path = shutil.which("initdb")
    found = Path(candidates[0]).parent if candidates else (Path(on_path).parent if on_path else None)
    if found is None or not (found / "pg_ctl").exists():
        pytest.fail(f"PostgreSQL's server programs (initdb, pg_ctl) are not installed: {SETUP_HINT}", pytrace=False)
    return found


class _Server:
    """A throwaway PostgreSQL cluster in a temporary folder, reached through a unix socket there."""

    def __init__(self) -> None:
        self.bin = _server_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="assessor-pg-"))
        self.as_user: dict = {}
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.as_user = {"user": "nobody", "group": "nogroup", "extra_groups": []}
            os.chown(self.root, *_ids("nobody", "nogroup"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    def _run(self, *args: str) -> None:
        done = subprocess.run(args, capture_output=True, text=True, cwd=self.root, timeout=120, **self.as_user)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}", pytrace=False)

    def start(self) -> str:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
        # Durability settings are off: a test server's data is thrown away, and the register's own
        # guarantees (one transaction per save) do not depend on them.
        options = f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        return f"postgresql+psycopg://{SUPERUSER}@/postgres?host={self.root}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60, **self.as_user)
        shutil.rmtree(self.root, ignore_errors=True)


def _ids(user: str, group: str) -> tuple[int, int]:
    import grp
    import pwd

    return pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A URL of the `postgres` database of a running server, as a superuser."""
    external = os.environ.get(EXTERNAL_ENV, "").strip()
    if external:
        yield external
        return
    server = _Server()
    try:
        yield server.start()
    finally:
        server.stop()


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_admin_url) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"register_{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def url(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url):
    with CaseStore(url) as opened:
        yield opened
