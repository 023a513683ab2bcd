"""verify also catches an edit to the printed pages: it makes the pages again from the embedded
data and compares the files, since rendering is deterministic for the same software."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from pathlib import Path

import pypdf
import pytest

from assessor.dossier import build_dossier, verify_dossier
from assessor.intake import load_application

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "04-small-second-site.json"
AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def dossier() -> bytes:
    application = load_application(EXAMPLE, today=AS_OF)
    return build_dossier(application, as_of=AS_OF, generated_at=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc))


def test_an_untouched_dossier_has_its_pages_checked(dossier):
    result = verify_dossier(dossier, lang="en")
    assert result.status == "ok" and result.pages_checked, result.differences


def test_one_flipped_byte_in_the_pages_is_caught(dossier):
    data = bytearray(dossier)
    data[len(data) // 2] ^= 0xFF
    result = verify_dossier(bytes(data), lang="en")
    assert result.status == "mismatch"
    assert any("printed pages" in line for line in result.differences)


def test_an_edit_that_keeps_the_embedded_files_is_caught(dossier):
    reader = pypdf.PdfReader(io.BytesIO(dossier))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.add_metadata({"/Title": "关于申请增设电话营销专用产品销售职场的请示（已修改）"})
    out = io.BytesIO()
    writer.write(out)
    result = verify_dossier(out.getvalue(), lang="zh")
    assert result.status == "mismatch", result.differences


def test_the_quick_data_check_leaves_the_pages_alone(dossier):
    data = bytearray(dossier)
    data[len(data) // 2] ^= 0xFF
    result = verify_dossier(bytes(data), lang="en", rerender=False)
    assert result.status == "ok" and not result.pages_checked


def test_a_dossier_from_an_earlier_version_is_checked_on_its_data_and_not_called_unaltered(monkeypatch, tmp_path, capsys):
    # Pages are compared only when the same software made them: a dossier from an earlier
    # version (rendered by other code) must not read as altered, nor as unaltered.
    import assessor.dossier as dossier_module

    application = load_application(EXAMPLE, today=AS_OF)
    monkeypatch.setattr(dossier_module, "__version__", "0.1.0")
    earlier = build_dossier(application, as_of=AS_OF, generated_at=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc))
    monkeypatch.undo()
    result = verify_dossier(earlier, lang="en")
    assert result.status == "data_only" and not result.pages_checked, result.differences
    assert "another software version" in result.differences[0]
    assert "unaltered" not in result.summary("en").replace("cannot be confirmed unaltered", "")
    from assessor.cli import main

    file = tmp_path / "earlier.pdf"
    file.write_bytes(earlier)
    assert main(["verify", str(file), "--lang", "en"]) == 5
    out = capsys.readouterr().out
    assert "pages not checked" in out and "Verified" not in out
