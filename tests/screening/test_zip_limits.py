"""Archives that could exhaust memory or reach outside themselves are refused whole, as an
error row that says why; ordinary archives of submissions pass the default limits."""

from __future__ import annotations

import io
import zipfile

from assessor.screening import Settings, ZipLimits, collect_uploads, open_zip, screen

from .conftest import AS_OF, EXAMPLES


def zip_of(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(data: bytes, limits: ZipLimits = ZipLimits()) -> str:
    sources, refused = open_zip("up.zip", data, limits)
    assert sources == [] and len(refused) == 1
    return refused[0].reason.text("en")


def test_a_zip_bomb_is_refused_by_its_expansion_ratio():
    bomb = zip_of({"a.json": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "zip bomb" in refusal(bomb)


def test_total_uncompressed_size_is_limited():
    data = zip_of({f"{i}.json": b"{}" * 40_000 for i in range(3)}, zipfile.ZIP_STORED)
    assert "would expand to" in refusal(data, ZipLimits(max_total_bytes=200_000))


def test_member_count_is_limited():
    data = zip_of({f"{i}.json": b"{}" for i in range(11)})
    assert "11 files" in refusal(data, ZipLimits(max_members=10))


def test_path_traversal_is_refused():
    assert "path traversal" in refusal(zip_of({"ok.json": b"{}", "../../etc/evil.json": b"{}"}))
    assert "path traversal" in refusal(zip_of({"/abs/evil.json": b"{}"}))
    assert "path traversal" in refusal(zip_of({"..\\evil.json": b"{}"}))


def test_a_corrupt_zip_is_an_error_row_not_a_crash():
    sources, refused = collect_uploads([("bad.zip", b"PK\x03\x04 truncated"), ("a.json", b"{")])
    screening = screen(sources, Settings(as_of=AS_OF), refused)
    assert sorted((r.label, r.status) for r in screening.records) == [("a.json", "error"), ("bad.zip", "error")]
    assert "damaged" in next(r for r in screening.records if r.label == "bad.zip").reason_text("en")


def test_the_examples_zipped_pass_the_default_limits():
    files = {p.name: p.read_bytes() for p in EXAMPLES.glob("*.json")}
    sources, refused = open_zip("examples.zip", zip_of(files))
    assert refused == [] and len(sources) == len(files)


def test_a_nested_zip_is_reported_not_opened():
    inner = zip_of({"a.json": b"{}"})
    sources, refused = open_zip("outer.zip", zip_of({"inner.zip": inner, "b.json": b"{}"}))
    assert [s.label for s in sources] == ["outer.zip!b.json"]
    assert [r.label for r in refused] == ["outer.zip!inner.zip"]


def test_a_zip_on_disk_is_read_member_by_member_and_a_damaged_member_is_one_error_row(tmp_path):
    import json

    from assessor.screening import collect_paths

    from .conftest import example, with_hashes

    good = json.dumps(with_hashes(example()), ensure_ascii=False).encode("utf-8")
    data = bytearray(zip_of({"a.json": good, "b.json": good.replace(b"{", b"{ ", 1)}, zipfile.ZIP_STORED))
    # Flip one byte inside b.json's stored content: its CRC no longer matches.
    at = data.rfind(b'"applicant"')
    data[at + 2] ^= 0x20
    (tmp_path / "batch.zip").write_bytes(bytes(data))
    sources, refused = collect_paths([tmp_path])
    assert refused == [] and all(s.data is None and s.member for s in sources)
    screening = screen(sources, Settings(as_of=AS_OF), refused)
    rows = {r.label.rsplit("!", 1)[-1]: r for r in screening.records}
    assert rows["a.json"].status == "screened"
    assert rows["b.json"].status == "error" and "damaged" in rows["b.json"].reason_text("en")
