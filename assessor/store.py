"""The case register: drafts with every saved version, and the screening runs, in one database.

SQLite by default (a file under `$ASSESSOR_DATA_DIR`, else `./data`); any SQLAlchemy URL in
`$ASSESSOR_DATABASE_URL`, or passed to `CaseStore(url)`, overrides it: PostgreSQL through psycopg
(`postgresql+psycopg://...`; a bare `postgresql://` means the same). Opening a register brings its
schema to the newest Alembic revision (`assessor/migrations`), once, under the write lock.

Every draft belongs to one organisation (`LOCAL_ORG` when the app runs without sign-in). The
reading methods take the organisations a user belongs to; a draft of any other organisation
behaves exactly as a missing one (`DraftNotFound`, absent from lists), so nothing of it leaks.
`None` means no filter: the command line and the tests see everything.

What a draft holds is whatever the user typed, as a JSON-able dict. It may well be an invalid
application: the register keeps it as typed and never validates it, so a mistake is never lost.

Every save is one transaction. On SQLite the register runs in WAL mode with `synchronous=FULL`
and takes the write lock at the start of a save (`BEGIN IMMEDIATE`), so two app processes on
one file never both claim the same version number, and a process killed mid-save leaves the
last committed version intact. On PostgreSQL a save locks its draft's row (`SELECT ... FOR
UPDATE`) to the same end.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .i18n import has, t
from .core.model import Application

DATA_DIR_ENV = "ASSESSOR_DATA_DIR"
DATABASE_URL_ENV = "ASSESSOR_DATABASE_URL"
DEFAULT_FILE_NAME = "cases.sqlite3"
BUSY_TIMEOUT_MS = 10_000
LOCAL_ORG = "local"  # the one organisation of an app that runs without sign-in
TITLE_LENGTH = 500  # the widths of the register's columns, enforced alike on every database
IDENTITY_LENGTH = 200  # user and organisation names


# ---------------------------------------------------------------- records handed out


@dataclass(frozen=True, slots=True)
class DraftVersion:
    """One saved version of a draft: what the user had typed, when, and who saved it."""

    draft_id: str
    version: int
    title: str
    data: dict[str, Any]
    saved_at: datetime
    user: str
    organisation: str = LOCAL_ORG


@dataclass(frozen=True, slots=True)
class DraftSummary:
    """A draft as the list of drafts shows it: its newest version's time and author."""

    id: str
    title: str
    updated_at: datetime
    user: str
    versions: int
    created_at: datetime
    organisation: str = LOCAL_ORG


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One line of a draft's audit trail."""

    version: int
    saved_at: datetime
    user: str
    title: str
    changed: tuple[str, ...] = field(default_factory=tuple)

    def summary(self, lang: str = "zh") -> str:
        """What this version changed, in words: the top-level sections that differ."""
        if self.version == 1:
            return t("store.history.created", lang)
        if not self.changed:
            return t("store.history.nothing", lang)
        names = [section_label(name, lang) for name in self.changed]
        return t("store.history.changed", lang, sections=t("store.history.separator", lang).join(names))


@dataclass(frozen=True, slots=True)
class Comment:
    """A reviewer's remark on one version of a draft."""

    draft_id: str
    version: int
    user: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ScreeningRecord:
    """One stored screening run, as the screening helper recorded it."""

    id: int
    recorded_at: datetime
    run: dict[str, Any]


class DraftNotFound(KeyError):
    """No draft (or no such version of it) in the register."""

    def __init__(self, draft_id: str, version: int | None = None):
        self.draft_id = draft_id
        self.version = version
        super().__init__(draft_id if version is None else f"{draft_id} v{version}")

    def message(self, lang: str = "zh") -> str:
        if self.version is None:
            return t("store.error.no_draft", lang, id=self.draft_id)
        return t("store.error.no_version", lang, id=self.draft_id, version=self.version)


def section_label(name: str, lang: str = "zh") -> str:
    """The words for a top-level section of an application (or the key itself if unknown)."""
    key = f"store.section.{name}"
    return t(key, lang) if has(key, lang) else name


# ---------------------------------------------------------------- tables


class _UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the case register")
        value = value.astimezone(timezone.utc)
        # SQLite would store the offset text inconsistently; store naive UTC and re-attach on read.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class _Base(DeclarativeBase):
    pass


class _Draft(_Base):
    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(_UTCDateTime(), index=True)
    updated_by: Mapped[str] = mapped_column(String(IDENTITY_LENGTH))
    latest_version: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str] = mapped_column(String(IDENTITY_LENGTH), index=True, server_default=LOCAL_ORG)


class _Version(_Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    saved_at: Mapped[datetime] = mapped_column(_UTCDateTime())
    user: Mapped[str] = mapped_column(String(IDENTITY_LENGTH))
    data: Mapped[str] = mapped_column(Text)
    data_sha256: Mapped[str] = mapped_column(String(64))
    changed: Mapped[str] = mapped_column(Text)  # JSON list of the top-level sections that differ


class _Comment(_Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    user: Mapped[str] = mapped_column(String(IDENTITY_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime())


class _Screening(_Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recorded_at: Mapped[datetime] = mapped_column(_UTCDateTime(), index=True)
    run: Mapped[str] = mapped_column(Text)


# ---------------------------------------------------------------- helpers


def default_url() -> str:
    """The database the register uses when no URL is given: env URL, else a SQLite file."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(os.environ.get(DATA_DIR_ENV, "").strip() or "data")
    return f"sqlite:///{(folder / DEFAULT_FILE_NAME).resolve()}"


def with_driver(url: str) -> str:
    """The URL with the driver the lock ships: a bare `postgresql://` (or Heroku-style
    `postgres://`) URL would make SQLAlchemy look for psycopg2, which is not installed."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def _json_default(value: Any) -> Any:
    # The app may hand over exact amounts and dates; they are kept as the text they print as.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be stored in a draft")


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def _changed_sections(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        changed = set(after)
    else:
        changed = {key for key in after.keys() | before.keys() if before.get(key, _MISSING) != after.get(key, _MISSING)}
    # In the order the application form presents its sections; unknown keys after, alphabetically.
    return sorted(changed, key=lambda name: (_SECTION_ORDER.get(name, len(_SECTION_ORDER)), name))


_SECTION_ORDER = {name: i for i, name in enumerate(Application.model_fields)}


_MISSING = object()


def _label(title: str | None) -> str:
    """A draft's title as kept: the list shows it, the data holds the full text, so a title too
    long for its column is shortened (PostgreSQL would refuse it, SQLite would not)."""
    title = (title or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def _identity(value: str | None, what: str) -> str:
    """A user or organisation name as kept. Never shortened: two long names must stay apart."""
    value = (value or "").strip()
    if len(value) > IDENTITY_LENGTH or "\x00" in value:
        raise ValueError(f"a {what} name is at most {IDENTITY_LENGTH} characters, without NUL")
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _make_engine(url: str) -> Engine:
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _tune_sqlite(engine)
    else:  # a server may have closed an idle connection (restart, timeout): test it before use
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own would be deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # an audit trail: a committed save survives power loss too
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A save reads the latest version and writes the next one; taking the write lock up front
        # makes a second writer wait (busy timeout) instead of failing on a stale snapshot.
        if connection.get_execution_options().get("write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


# ---------------------------------------------------------------- schema


_MIGRATION_LOCK = 0x61737365  # PostgreSQL advisory lock key: one process migrates at a time ("asse")


def _revision(connection) -> str | None:
    """The register's schema revision; None for a database without the migrations' table."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(engine: Engine) -> None:
    """Bring the register's schema to the newest revision (Alembic, `assessor/migrations`).

    A register already there costs one query. Otherwise the upgrade runs in one transaction that
    holds the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two processes
    opening a new or old register at once migrate it once; a register written before migrations
    existed (tables, no `alembic_version`) is taken as revision 0001 and upgraded from there."""
    from sqlalchemy import inspect, text

    from .migrations import FIRST, HEAD, SCRIPT_LOCATION

    with engine.connect() as connection:
        if _revision(connection) == HEAD:
            return
    from alembic import command
    from alembic.config import Config

    with engine.execution_options(write=True).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = Config()
        config.set_main_option("script_location", SCRIPT_LOCATION)
        config.attributes["connection"] = connection
        if _revision(connection) is None and inspect(connection).has_table(_Draft.__tablename__):
            command.stamp(config, FIRST)
        command.upgrade(config, "head")


# ---------------------------------------------------------------- the register


class CaseStore:
    """Drafts, their versions, and screening runs, in a SQL database."""

    def __init__(self, url: str | None = None):
        self.url = with_driver(url or default_url())
        self.engine = _make_engine(self.url)
        try:
            _upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _writing(self) -> Session:
        return Session(self.engine.execution_options(write=True), expire_on_commit=False)

    def _reading(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- drafts

    def save_draft(
        self, draft_id: str | None, title: str, data: dict[str, Any], user: str, organisation: str = LOCAL_ORG
    ) -> DraftVersion:
        """Keep what the user typed: a new draft of `organisation` when `draft_id` is None, else
        the draft's next version. A draft of another organisation is not found.

        Saving exactly what the latest version already holds (data and title) adds no version
        and returns that latest version."""
        if not isinstance(data, dict):
            raise TypeError("a draft holds a dict of what the user typed")
        text = _canonical(data)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        title = _label(title)
        user = _identity(user, "user")
        organisation = _identity(organisation, "organisation")
        now = _now()
        with self._writing() as session, session.begin():
            if draft_id is None:
                draft = _Draft(
                    id=uuid.uuid4().hex,
                    title=title,
                    created_at=now,
                    updated_at=now,
                    updated_by=user,
                    latest_version=0,
                    organisation=organisation,
                )
                session.add(draft)
                latest = None
            else:
                # The row lock (FOR UPDATE; on SQLite the write lock taken at BEGIN) makes a second
                # writer of the same draft wait, so two saves never claim one version number.
                draft = session.get(_Draft, draft_id, with_for_update=True)
                if not _visible(draft, (organisation,)):
                    raise DraftNotFound(draft_id)
                latest = session.scalars(
                    select(_Version).where(_Version.draft_id == draft_id, _Version.version == draft.latest_version)
                ).one()
                if latest.data_sha256 == digest and latest.data == text and latest.title == title:
                    return _version_record(latest, draft.organisation)
            before = json.loads(latest.data) if latest is not None else None
            changed = _changed_sections(before, json.loads(text))
            if latest is not None and latest.title != title:
                changed.insert(0, "title")
            row = _Version(
                draft_id=draft.id,
                version=draft.latest_version + 1,
                title=title,
                saved_at=now,
                user=user,
                data=text,
                data_sha256=digest,
                changed=json.dumps(changed, ensure_ascii=False),
            )
            session.add(row)
            draft.latest_version = row.version
            draft.title = title
            draft.updated_at = now
            draft.updated_by = user
        return _version_record(row, draft.organisation)

    def list_drafts(self, organisations: Collection[str] | None = None) -> list[DraftSummary]:
        """Every draft of these organisations (of all when None), the most recently saved first."""
        columns = (
            _Draft.id,
            _Draft.title,
            _Draft.updated_at,
            _Draft.updated_by,
            _Draft.latest_version,
            _Draft.created_at,
            _Draft.organisation,
        )
        query = select(*columns).order_by(_Draft.updated_at.desc(), _Draft.id)
        if organisations is not None:
            query = query.where(_Draft.organisation.in_(sorted(_org_set(organisations))))
        with self._reading() as session:
            rows = session.execute(query).all()
        return [DraftSummary(*row) for row in rows]

    def load_draft(self, draft_id: str, organisations: Collection[str] | None = None) -> DraftVersion:
        """The latest version of a draft."""
        with self._reading() as session:
            draft = self._draft(session, draft_id, organisations)
            return self._version(session, draft, draft.latest_version)

    def load_version(self, draft_id: str, version: int, organisations: Collection[str] | None = None) -> DraftVersion:
        """One earlier (or the latest) version of a draft."""
        with self._reading() as session:
            draft = self._draft(session, draft_id, organisations)
            return self._version(session, draft, version)

    def history(self, draft_id: str, organisations: Collection[str] | None = None) -> list[VersionInfo]:
        """The audit trail of a draft, oldest version first."""
        with self._reading() as session:
            self._draft(session, draft_id, organisations)
            rows = session.execute(
                select(_Version.version, _Version.saved_at, _Version.user, _Version.title, _Version.changed)
                .where(_Version.draft_id == draft_id)
                .order_by(_Version.version)
            ).all()
        if not rows:
            raise DraftNotFound(draft_id)
        return [VersionInfo(r.version, r.saved_at, r.user, r.title, tuple(json.loads(r.changed))) for r in rows]

    def delete_draft(self, draft_id: str, organisations: Collection[str] | None = None) -> None:
        """Remove a draft with all its versions and comments."""
        with self._writing() as session, session.begin():
            draft = self._draft(session, draft_id, organisations, lock=True)
            session.execute(delete(_Comment).where(_Comment.draft_id == draft_id))
            session.execute(delete(_Version).where(_Version.draft_id == draft_id))
            session.delete(draft)

    # -- reviewers' comments

    def add_comment(
        self, draft_id: str, version: int, user: str, text: str, organisations: Collection[str] | None = None
    ) -> Comment:
        """Keep a reviewer's remark on one version of a draft. The text must say something."""
        text = (text or "").replace("\x00", "").strip()
        if not text:
            raise ValueError("a comment needs some text")
        user = _identity(user, "user")
        with self._writing() as session, session.begin():
            draft = self._draft(session, draft_id, organisations, lock=True)
            if not 1 <= version <= draft.latest_version:
                raise DraftNotFound(draft_id, version)
            row = _Comment(draft_id=draft_id, version=version, user=user, text=text, created_at=_now())
            session.add(row)
        return _comment_record(row)

    def comments(self, draft_id: str, organisations: Collection[str] | None = None) -> list[Comment]:
        """Every comment on a draft, the oldest first."""
        with self._reading() as session:
            self._draft(session, draft_id, organisations)
            rows = session.scalars(
                select(_Comment).where(_Comment.draft_id == draft_id).order_by(_Comment.created_at, _Comment.id)
            ).all()
        return [_comment_record(row) for row in rows]

    # -- shared look-ups

    @staticmethod
    def _draft(session: Session, draft_id: str, organisations: Collection[str] | None, lock: bool = False) -> _Draft:
        # `lock`: a writer holds the draft's row (FOR UPDATE) until it commits, as save_draft does.
        draft = session.get(_Draft, draft_id, with_for_update=lock)
        if not _visible(draft, organisations):
            raise DraftNotFound(draft_id)
        return draft

    @staticmethod
    def _version(session: Session, draft: _Draft, version: int) -> DraftVersion:
        row = session.scalars(select(_Version).where(_Version.draft_id == draft.id, _Version.version == version)).one_or_none()
        if row is None:
            raise DraftNotFound(draft.id, version)
        return _version_record(row, draft.organisation)

    # -- screening runs

    def record_screening(self, run: dict[str, Any]) -> int:
        """Store one screening run (with the fingerprints of what it read); returns its id."""
        if not isinstance(run, dict):
            raise TypeError("a screening run is a dict")
        with self._writing() as session, session.begin():
            row = _Screening(recorded_at=_now(), run=_canonical(run))
            session.add(row)
            session.flush()
            return row.id

    def list_screenings(self) -> list[ScreeningRecord]:
        """Every stored screening run, the newest first."""
        with self._reading() as session:
            rows = session.scalars(select(_Screening).order_by(_Screening.recorded_at.desc(), _Screening.id.desc())).all()
        return [ScreeningRecord(r.id, r.recorded_at, json.loads(r.run)) for r in rows]


def _version_record(row: _Version, organisation: str) -> DraftVersion:
    return DraftVersion(row.draft_id, row.version, row.title, json.loads(row.data), row.saved_at, row.user, organisation)


def _comment_record(row: _Comment) -> Comment:
    return Comment(row.draft_id, row.version, row.user, row.text, row.created_at)


def _visible(draft: _Draft | None, organisations: Collection[str] | None) -> bool:
    return draft is not None and (organisations is None or draft.organisation in _org_set(organisations))


def _org_set(organisations: Collection[str]) -> frozenset[str]:
    if isinstance(organisations, str):  # a lone name would otherwise be read letter by letter
        raise TypeError("organisations is a collection of names, not one name")
    return frozenset(organisations)
