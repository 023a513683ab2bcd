"""The case register on real SQLite files: drafts, every version kept, the audit trail, screenings."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import timezone
from decimal import Decimal
from pathlib import Path

import pytest

from assessor.i18n import t
from assessor.store import CaseStore, DraftNotFound, default_url

ROOT = Path(__file__).resolve().parents[2]


def typed(**changes):
    """What a user might have typed so far: part of an application, some of it invalid."""
    data = {"applicant": {"name": "华安信达", "credit_code": "9111"}, "existing_sites": [{"id": "BJ-01", "seats": "很多"}]}
    data.update(changes)
    return data


def test_a_new_draft_is_version_one_with_time_and_user(store):
    saved = store.save_draft(None, "武汉职场", typed(), "李明")
    assert saved.version == 1 and saved.title == "武汉职场" and saved.user == "李明"
    assert saved.saved_at.tzinfo is timezone.utc
    loaded = store.load_draft(saved.draft_id)
    assert loaded == saved
    assert loaded.data["existing_sites"][0]["seats"] == "很多"  # kept as typed, never validated


def test_every_saved_version_is_kept_and_loadable(store):
    first = store.save_draft(None, "草稿", typed(), "李明")
    second = store.save_draft(first.draft_id, "草稿", typed(proposed_site={"city": "武汉"}), "王强")
    third = store.save_draft(first.draft_id, "草稿", typed(proposed_site={"city": "西安"}), "李明")
    assert [second.version, third.version] == [2, 3]
    assert store.load_draft(first.draft_id).data["proposed_site"] == {"city": "西安"}
    assert store.load_version(first.draft_id, 1).data == typed()
    assert store.load_version(first.draft_id, 2).data["proposed_site"] == {"city": "武汉"}
    assert store.load_version(first.draft_id, 2).user == "王强"
    assert first.saved_at <= second.saved_at <= third.saved_at


def test_saving_what_the_latest_version_holds_adds_no_version(store):
    first = store.save_draft(None, "草稿", typed(), "李明")
    again = store.save_draft(first.draft_id, "草稿", json.loads(json.dumps(typed())), "王强")
    assert again == first
    assert [v.version for v in store.history(first.draft_id)] == [1]


def test_history_says_which_sections_changed_in_each_language(store):
    first = store.save_draft(None, "草稿", typed(), "李明")
    store.save_draft(first.draft_id, "草稿", typed(proposed_site={"city": "武汉"}, applicant={"name": "华安"}), "王强")
    store.save_draft(first.draft_id, "武汉草稿", typed(proposed_site={"city": "武汉"}, applicant={"name": "华安"}), "王强")
    trail = store.history(first.draft_id)
    assert [(v.version, v.user) for v in trail] == [(1, "李明"), (2, "王强"), (3, "王强")]
    assert trail[1].changed == ("applicant", "proposed_site")  # in the application's own order
    assert trail[2].changed == ("title",)
    sep = t("store.history.separator", "zh")
    assert trail[0].summary("zh") == t("store.history.created", "zh")
    assert trail[1].summary("zh") == t("store.history.changed", "zh", sections=sep.join([t("store.section.applicant", "zh"), t("store.section.proposed_site", "zh")]))
    assert trail[1].summary("en") == "changed: applicant, proposed site"
    assert all(v.saved_at.tzinfo is timezone.utc for v in trail)


def test_a_removed_section_counts_as_changed(store):
    first = store.save_draft(None, "草稿", typed(complaints={"incidents": []}), "李明")
    store.save_draft(first.draft_id, "草稿", typed(), "李明")
    assert store.history(first.draft_id)[1].changed == ("complaints",)


def test_drafts_are_listed_newest_first_with_their_version_counts(store):
    old = store.save_draft(None, "甲", typed(), "李明")
    new = store.save_draft(None, "乙", typed(), "王强")
    store.save_draft(old.draft_id, "甲", typed(violations={}), "赵六")  # now the most recent
    listed = store.list_drafts()
    assert [(d.id, d.title, d.user, d.versions) for d in listed] == [(old.draft_id, "甲", "赵六", 2), (new.draft_id, "乙", "王强", 1)]
    assert listed[0].updated_at > listed[1].updated_at
    assert listed[0].updated_at.tzinfo is timezone.utc


def test_unknown_drafts_and_versions_are_a_clear_error(store):
    saved = store.save_draft(None, "草稿", typed(), "李明")
    with pytest.raises(DraftNotFound) as caught:
        store.load_draft("nope")
    assert caught.value.message("en") == t("store.error.no_draft", "en", id="nope")
    with pytest.raises(DraftNotFound) as caught:
        store.load_version(saved.draft_id, 9)
    assert caught.value.message("zh") == t("store.error.no_version", "zh", id=saved.draft_id, version=9)
    with pytest.raises(DraftNotFound):
        store.save_draft("nope", "草稿", typed(), "李明")
    with pytest.raises(DraftNotFound):
        store.history("nope")


def test_exact_amounts_and_dates_are_kept_as_text(store):
    from datetime import date

    saved = store.save_draft(None, "草稿", {"premium": Decimal("1050000000.50"), "since": date(2021, 3, 1)}, "李明")
    assert store.load_draft(saved.draft_id).data == {"premium": "1050000000.50", "since": "2021-03-01"}


def test_a_draft_can_be_deleted_with_its_versions(store):
    saved = store.save_draft(None, "草稿", typed(), "李明")
    store.save_draft(saved.draft_id, "草稿", typed(x=1), "李明")
    store.delete_draft(saved.draft_id)
    assert store.list_drafts() == []
    with pytest.raises(DraftNotFound):
        store.load_version(saved.draft_id, 1)


def test_two_stores_on_one_file_see_each_others_saves(url):
    with CaseStore(url) as one, CaseStore(url) as two:
        saved = one.save_draft(None, "草稿", typed(), "李明")
        assert two.load_draft(saved.draft_id) == saved
        two.save_draft(saved.draft_id, "草稿", typed(x=2), "王强")
        assert one.load_draft(saved.draft_id).version == 2
        assert [d.versions for d in one.list_drafts()] == [2]


def test_two_stores_saving_the_same_draft_at_once_never_share_a_version_number(url):
    with CaseStore(url) as one, CaseStore(url) as two:
        draft = one.save_draft(None, "草稿", typed(), "李明").draft_id
        errors: list[BaseException] = []

        def save_many(store: CaseStore, user: str) -> None:
            try:
                for n in range(15):
                    store.save_draft(draft, "草稿", typed(n=f"{user}-{n}"), user)
            except BaseException as exc:  # reported below: a thread cannot fail the test itself
                errors.append(exc)

        threads = [threading.Thread(target=save_many, args=(s, u)) for s, u in ((one, "甲"), (two, "乙"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        trail = one.history(draft)
        assert [v.version for v in trail] == list(range(1, 32))
        assert sorted(one.load_version(draft, v.version).data["n"] for v in trail[1:]) == sorted(
            f"{u}-{n}" for u in ("甲", "乙") for n in range(15)
        )


def test_sqlite_runs_in_wal_mode_and_the_file_is_sound(tmp_path):
    path = tmp_path / "cases.sqlite3"
    with CaseStore(f"sqlite:///{path}") as store:
        store.save_draft(None, "草稿", typed(), "李明")
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_screening_runs_are_stored_with_what_they_read(store):
    first = store.record_screening({"files": [{"name": "a.json", "fingerprint": "ab" * 32, "verdict": "eligible"}], "as_of": "2026-06-30"})
    second = store.record_screening({"files": [], "as_of": "2026-07-01"})
    runs = store.list_screenings()
    assert [r.id for r in runs] == [second, first]
    assert runs[1].run["files"][0]["fingerprint"] == "ab" * 32
    assert runs[0].recorded_at.tzinfo is timezone.utc


def test_the_data_folder_and_database_url_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path / "register"))
    assert default_url() == f"sqlite:///{tmp_path / 'register' / 'cases.sqlite3'}"
    with CaseStore() as store:
        store.save_draft(None, "草稿", typed(), "李明")
    assert (tmp_path / "register" / "cases.sqlite3").is_file()
    elsewhere = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("ASSESSOR_DATABASE_URL", elsewhere)
    assert default_url() == elsewhere
    with CaseStore() as store:
        assert store.list_drafts() == []
    with CaseStore(f"sqlite:///{tmp_path / 'register' / 'cases.sqlite3'}") as store:  # an explicit URL wins
        assert len(store.list_drafts()) == 1


def test_without_any_setting_the_register_lives_in_data_under_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSESSOR_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'cases.sqlite3'}"


def test_odd_titles_and_names_are_treated_alike_on_every_database(store):
    # PostgreSQL refuses text wider than a column, and NUL anywhere; SQLite would keep both. The
    # register decides instead, the same way on both: a long title is shortened (the data holds the
    # full text), a NUL is dropped from a title, and an over-long or NUL-bearing name is refused.
    long_name = "华安信达财产保险股份有限公司" * 50
    saved = store.save_draft(None, long_name + "\x00", {"applicant": {"name": long_name + "\x00"}}, "李明")
    loaded = store.load_draft(saved.draft_id)
    assert len(loaded.title) == 500 and loaded.title.endswith("…") and "\x00" not in loaded.title
    assert loaded.data["applicant"]["name"] == long_name + "\x00"  # what was typed is kept as typed
    assert store.save_draft(saved.draft_id, long_name, {"applicant": {"name": long_name + "\x00"}}, "李明") == loaded
    for bad in ("王" * 201, "李\x00明"):
        with pytest.raises(ValueError):
            store.save_draft(None, "草稿", typed(), bad)
        with pytest.raises(ValueError):
            store.save_draft(None, "草稿", typed(), "李明", organisation=bad)
        with pytest.raises(ValueError):
            store.add_comment(saved.draft_id, 1, bad, "好")
    comment = store.add_comment(saved.draft_id, 1, "王" * 200, "坐席\x00数")
    assert comment.text == "坐席数" and store.comments(saved.draft_id) == [comment]
    assert [d.id for d in store.list_drafts()] == [saved.draft_id]


def test_a_postgresql_url_without_a_driver_uses_psycopg():
    from assessor.store import with_driver

    assert with_driver("postgresql://u:p@db.example:5432/cases") == "postgresql+psycopg://u:p@db.example:5432/cases"
    assert with_driver("postgres://u@db/cases") == "postgresql+psycopg://u@db/cases"
    assert with_driver("postgresql+psycopg://u@db/cases") == "postgresql+psycopg://u@db/cases"
    assert with_driver("sqlite:////tmp/cases.sqlite3") == "sqlite:////tmp/cases.sqlite3"


def test_the_register_opens_a_postgresql_url_written_without_a_driver(postgres_url):
    bare = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with CaseStore(bare) as store:
        assert store.engine.dialect.driver == "psycopg"
        saved = store.save_draft(None, "草稿", typed(), "李明")
        assert store.load_draft(saved.draft_id) == saved


def test_on_postgresql_a_delete_waits_for_a_save_in_progress_and_takes_its_version_too(postgres_url):
    import time

    from sqlalchemy import create_engine, text

    with CaseStore(postgres_url) as store:
        draft = store.save_draft(None, "草稿", typed(), "李明").draft_id
        other = create_engine(postgres_url)
        monitor = create_engine(postgres_url)
        outcome: list[BaseException | None] = []
        try:
            with other.connect() as saving:
                # A save in progress elsewhere: the draft's row locked, its next version written, not committed.
                saving.execute(text("SELECT id FROM drafts WHERE id = :d FOR UPDATE"), {"d": draft})
                saving.execute(
                    text(
                        "INSERT INTO draft_versions (draft_id, version, title, saved_at, \"user\", data, data_sha256, changed) "
                        "VALUES (:d, 2, '草稿', now(), '王强', '{}', '', '[]')"
                    ),
                    {"d": draft},
                )
                saving.execute(text("UPDATE drafts SET latest_version = 2 WHERE id = :d"), {"d": draft})

                def remove() -> None:
                    try:
                        store.delete_draft(draft)
                        outcome.append(None)
                    except BaseException as exc:  # reported below: a thread cannot fail the test itself
                        outcome.append(exc)

                deleting = threading.Thread(target=remove)
                deleting.start()
                deadline = time.monotonic() + 60
                with monitor.connect() as watch:  # wait until the delete is queued behind the save's lock
                    while time.monotonic() < deadline and not watch.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                    ).scalar():
                        time.sleep(0.01)
                saving.commit()
                deleting.join(timeout=60)
        finally:
            other.dispose()
            monitor.dispose()
        assert outcome == [None]
        assert store.list_drafts() == []
        with pytest.raises(DraftNotFound):
            store.load_version(draft, 2)
