"""Screening reads only regular files: pipes, devices and sockets are refused rather than read
(a read of a pipe blocks forever), symbolic links are followed only inside the folder given, and
a damaged or hostile zip becomes a worded row."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from hostile_support import AS_OF, EXAMPLE, assert_clean, make_fifo, make_socket, nested, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.i18n import t
from assessor.screening import collect_uploads
from assessor.screening.worker import Settings, screen_source
from datetime import date


def _screen(*paths: Path | str, output: Path, lang: str = "en"):
    run = run_cli("screen", *map(str, paths), "-o", str(output), "--as-of", AS_OF, "--lang", lang, "--no-register", timeout=60)
    rows = json.loads(output.read_text(encoding="utf-8"))["rows"] if output.exists() else []
    return run, rows


@pytest.fixture
def hostile_folder(tmp_path):
    folder = tmp_path / "submissions"
    (folder / "deeper").mkdir(parents=True)
    (folder / "a.json").write_bytes(EXAMPLE.read_bytes())
    make_fifo(folder / "pipe.json")
    (folder / "passwd.json").symlink_to("/etc/passwd")
    (folder / "deeper" / "same.json").symlink_to(folder / "a.json")  # inside: read
    (folder / "dangling.json").symlink_to(folder / "gone.json")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.json").write_bytes(EXAMPLE.read_bytes())
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)  # not descended
    server = make_socket(folder / "s.json")
    yield folder
    server.close()


def test_a_folder_with_a_pipe_a_socket_and_links_is_screened_without_blocking_or_leaving_it(hostile_folder, tmp_path):
    run, rows = _screen(hostile_folder, output=tmp_path / "out.json")
    assert_clean(run, 0)
    by_file = {Path(row["file"]).name: row for row in rows}
    assert by_file["a.json"]["status_code"] == "screened" and by_file["same.json"]["status_code"] == "screened"
    not_regular = t("errors.os.ESPIPE", "en")
    assert not_regular in by_file["pipe.json"]["reason"] and not_regular in by_file["s.json"]["reason"]
    assert by_file["passwd.json"]["reason"] == t("errors.input.symlink_outside", "en", file=str(hostile_folder / "passwd.json"))
    assert by_file["dangling.json"]["status_code"] == "error"
    assert "b.json" not in by_file  # the linked folder outside was not walked
    passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    assert passwd not in (tmp_path / "out.json").read_text(encoding="utf-8")
    assert run.seconds < 30


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_a_pipe_or_device_given_by_name_is_refused_by_screen_and_assess(tmp_path, make):
    target = make_fifo(tmp_path / "pipe.json") if make == "fifo" else Path("/dev/zero")
    run, _ = _screen(target, output=tmp_path / "out.json", lang="zh")
    assert_clean(run, 2)  # nothing could be screened
    assert t("errors.os.ESPIPE", "zh") in run.stderr
    run = run_cli("assess", str(target), "--as-of", AS_OF, timeout=30)
    assert_clean(run, 2)
    assert t("errors.input.not_regular_file", "zh", file=str(target)) in run.stderr


def test_a_pipe_given_as_the_rulebook_is_refused(tmp_path):
    run = run_cli("assess", str(EXAMPLE), "--rulebook", str(make_fifo(tmp_path / "rules.toml")), "--lang", "en", timeout=30)
    assert_clean(run, 2)
    assert t("errors.input.not_regular_file", "en", file=str(tmp_path / "rules.toml")) in run.stderr


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            # Stored, not deflated: 100,000 brackets compress 800:1 and would be refused as a bomb.
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "deep.json" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _damaged(data: bytes, name: str) -> bytes:
    """The archive with one byte of `name`'s compressed data flipped: a bad CRC or inflate error."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    flipped = bytearray(data)
    flipped[start + info.compress_size // 2] ^= 0xFF
    return bytes(flipped)


def test_a_zip_with_a_damaged_member_and_hostile_json_gives_worded_rows(tmp_path):
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["applicant"]["name"] = "\udfff"
    archive = _zip(
        {
            "ok.json": EXAMPLE.read_bytes(),
            "damaged.json": EXAMPLE.read_bytes(),
            "deep.json": nested(100_000),
            "surrogate.json": json.dumps(document).encode(),
        }
    )
    file = tmp_path / "batch.zip"
    file.write_bytes(_damaged(archive, "damaged.json"))
    run, rows = _screen(file, output=tmp_path / "out.json")
    assert_clean(run, 0)
    reasons = {row["file"].rsplit("!", 1)[1]: row["reason"] for row in rows}
    assert reasons["ok.json"] == ""
    assert t("errors.os.EBADMSG", "en") in reasons["damaged.json"]
    assert t("errors.input.too_deep", "en", limit=32) in reasons["deep.json"]
    assert reasons["surrogate.json"].startswith("applicant.name: ")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["a.json", "a.xlsx", "a.pdf", "a.zip"]))
def test_any_upload_becomes_a_row_never_an_exception(data, name):
    settings_ = Settings(as_of=date(2026, 6, 30), today=date(2026, 6, 30), lang="en")
    sources, refused = collect_uploads([(name, data)])
    for source in sources:
        record = screen_source(source, settings_)
        assert record.reasons  # random bytes are never an application
        for reason in record.reasons:
            text = reason.text("en")
            assert text and "Error" not in text and "Traceback" not in text
    for item in refused:
        assert "Error" not in item.reason.text("en")


def test_the_walk_holds_no_more_than_the_folder(tmp_path):
    # A link to a folder outside, deep inside the tree, is neither walked nor read.
    inner = tmp_path / "given" / "a" / "b"
    inner.mkdir(parents=True)
    (inner / "up.json").symlink_to(tmp_path / "secret.json")
    (tmp_path / "secret.json").write_text("{}", encoding="utf-8")
    from assessor.screening import collect_paths

    sources, refused = collect_paths([tmp_path / "given"])
    assert sources == [] and [r.reason.key for r in refused] == ["errors.input.symlink_outside"]
    assert os.path.exists(tmp_path / "secret.json")
