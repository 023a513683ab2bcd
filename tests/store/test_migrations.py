"""The register's schema is migrated by Alembic when a store opens it, on SQLite and PostgreSQL:
a register written before migrations existed opens, keeps its drafts, and gains organisations and
comments; the migrated schema is exactly the one the code declares."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from assessor.migrations import FIRST, HEAD, SCRIPT_LOCATION
from assessor.store import LOCAL_ORG, CaseStore, _Base

ROOT = Path(__file__).resolve().parents[2]

# The DDL that `_Base.metadata.create_all` issued before migrations existed, as each database
# printed it back (sqlite_master; SQLAlchemy's PostgreSQL compiler), copied verbatim.
LEGACY_DDL = {
    "sqlite": [
        """CREATE TABLE drafts (
	id VARCHAR(64) NOT NULL, 
	title VARCHAR(500) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR(200) NOT NULL, 
	latest_version INTEGER NOT NULL, 
	PRIMARY KEY (id)
)""",
        "CREATE INDEX ix_drafts_updated_at ON drafts (updated_at)",
        """CREATE TABLE screenings (
	id INTEGER NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	run TEXT NOT NULL, 
	PRIMARY KEY (id)
)""",
        "CREATE INDEX ix_screenings_recorded_at ON screenings (recorded_at)",
        """CREATE TABLE draft_versions (
	id INTEGER NOT NULL, 
	draft_id VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	title VARCHAR(500) NOT NULL, 
	saved_at DATETIME NOT NULL, 
	user VARCHAR(200) NOT NULL, 
	data TEXT NOT NULL, 
	data_sha256 VARCHAR(64) NOT NULL, 
	changed TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (draft_id, version), 
	FOREIGN KEY(draft_id) REFERENCES drafts (id)
)""",
        "CREATE INDEX ix_draft_versions_draft_id ON draft_versions (draft_id)",
    ],
    "postgresql": [
        """CREATE TABLE drafts (
	id VARCHAR(64) NOT NULL, 
	title VARCHAR(500) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_by VARCHAR(200) NOT NULL, 
	latest_version INTEGER NOT NULL, 
	PRIMARY KEY (id)
)""",
        "CREATE INDEX ix_drafts_updated_at ON drafts (updated_at)",
        """CREATE TABLE screenings (
	id SERIAL NOT NULL, 
	recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	run TEXT NOT NULL, 
	PRIMARY KEY (id)
)""",
        "CREATE INDEX ix_screenings_recorded_at ON screenings (recorded_at)",
        """CREATE TABLE draft_versions (
	id SERIAL NOT NULL, 
	draft_id VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	title VARCHAR(500) NOT NULL, 
	saved_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	"user" VARCHAR(200) NOT NULL, 
	data TEXT NOT NULL, 
	data_sha256 VARCHAR(64) NOT NULL, 
	changed TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (draft_id, version), 
	FOREIGN KEY(draft_id) REFERENCES drafts (id)
)""",
        "CREATE INDEX ix_draft_versions_draft_id ON draft_versions (draft_id)",
    ],
}
# How that version wrote a time: naive UTC text on SQLite, a zoned timestamp on PostgreSQL.
LEGACY_TIME = {"sqlite": "'2024-05-01 08:30:00.000000'", "postgresql": "'2024-05-01 08:30:00+00'"}
LEGACY_DATA = {"applicant": {"name": "华安信达"}, "proposed_site": {"city": "武汉", "seats": "520"}}


def _write_legacy_register(url: str, backend: str) -> None:
    """A register as the version before migrations left it: its tables, one draft, one screening."""
    data = json.dumps(LEGACY_DATA, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(data.encode()).hexdigest()
    when = LEGACY_TIME[backend]
    user = '"user"'
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in LEGACY_DDL[backend]:
                connection.exec_driver_sql(statement)
            connection.exec_driver_sql(
                f"INSERT INTO drafts (id, title, created_at, updated_at, updated_by, latest_version) "
                f"VALUES ('legacy-draft', '武汉职场', {when}, {when}, '李明', 1)"
            )
            connection.execute(
                text(
                    f"INSERT INTO draft_versions (draft_id, version, title, saved_at, {user}, data, data_sha256, changed) "
                    f"VALUES ('legacy-draft', 1, '武汉职场', {when}, '李明', :data, :digest, :changed)"
                ),
                {"data": data, "digest": digest, "changed": json.dumps(["applicant", "proposed_site"])},
            )
            connection.exec_driver_sql(f"INSERT INTO screenings (recorded_at, run) VALUES ({when}, '{{\"files\":[]}}')")
    finally:
        engine.dispose()


def _schema_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, _Base.metadata)
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_a_register_written_before_migrations_opens_with_its_drafts(url, backend):
    _write_legacy_register(url, backend)
    assert _revision(url) is None
    with CaseStore(url) as store:
        loaded = store.load_draft("legacy-draft", organisations=[LOCAL_ORG])
        assert (loaded.version, loaded.title, loaded.user, loaded.data) == (1, "武汉职场", "李明", LEGACY_DATA)
        assert loaded.saved_at == datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
        assert loaded.organisation == LOCAL_ORG  # every existing draft belongs to the local organisation
        assert [(d.id, d.organisation, d.versions) for d in store.list_drafts([LOCAL_ORG])] == [("legacy-draft", LOCAL_ORG, 1)]
        assert store.history("legacy-draft")[0].changed == ("applicant", "proposed_site")
        assert [r.run for r in store.list_screenings()] == [{"files": []}]
        # ... and the upgraded register works as a new one does.
        second = store.save_draft("legacy-draft", "武汉职场", {**LEGACY_DATA, "proposed_site": {"city": "武汉", "seats": "530"}}, "王强")
        assert second.version == 2 and store.history("legacy-draft")[1].changed == ("proposed_site",)
        store.add_comment("legacy-draft", 1, "审核人", "第1版坐席数有误")
        assert [c.text for c in store.comments("legacy-draft")] == ["第1版坐席数有误"]
    assert _revision(url) == HEAD
    assert _schema_differences(url) == []


def test_a_new_register_is_created_by_the_migrations_exactly_as_the_code_declares_it(url):
    with CaseStore(url) as store:
        store.save_draft(None, "草稿", {"a": 1}, "李明")
    assert _revision(url) == HEAD
    assert _schema_differences(url) == []


def test_head_names_the_newest_migration_and_first_the_oldest():
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_current_head() == HEAD
    assert [s.revision for s in scripts.walk_revisions()][-1] == FIRST


def test_a_register_downgraded_to_the_first_revision_is_upgraded_again_on_open(url):
    with CaseStore(url) as store:
        saved = store.save_draft(None, "草稿", {"a": 1}, "李明", organisation="org-a")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", SCRIPT_LOCATION)
            config.attributes["connection"] = connection
            command.downgrade(config, FIRST)
        with engine.connect() as connection:
            assert "organisation" not in {c["name"] for c in inspect(connection).get_columns("drafts")}
            assert not inspect(connection).has_table("comments")
    finally:
        engine.dispose()
    assert _revision(url) == FIRST
    with CaseStore(url) as store:
        # The organisation was dropped with its column: the draft is back in the local one.
        assert store.load_draft(saved.draft_id, [LOCAL_ORG]).data == {"a": 1}
    assert _revision(url) == HEAD


def test_two_stores_opening_a_new_register_at_once_both_work(url):
    errors: list[BaseException] = []
    opened: list[CaseStore] = []

    def open_and_save(name: str) -> None:
        try:
            store = CaseStore(url)
            opened.append(store)
            store.save_draft(None, name, {"by": name}, name)
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=open_and_save, args=(name,)) for name in ("甲", "乙", "丙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    assert errors == []
    with CaseStore(url) as store:
        assert sorted(d.title for d in store.list_drafts()) == ["丙", "乙", "甲"]
    assert _revision(url) == HEAD


def test_opening_an_up_to_date_register_does_not_load_alembic(url):
    CaseStore(url).close()
    probe = "import sys; from assessor.store import CaseStore; CaseStore(sys.argv[1]).close(); print('alembic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_alembic_run_by_hand_finds_the_register_from_the_environment(url):
    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "ASSESSOR_DATABASE_URL": url}
    ini = "assessor/migrations/alembic.ini"
    upgraded = subprocess.run([str(alembic), "-c", ini, "upgrade", "head"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    current = subprocess.run([str(alembic), "-c", ini, "current"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert current.returncode == 0, current.stderr
    assert f"{HEAD} (head)" in current.stdout
    assert _revision(url) == HEAD
