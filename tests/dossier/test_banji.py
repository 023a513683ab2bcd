"""版记 (GB/T 9704-2012 §7.4) with 抄送: at the foot of the 请示's last page, only when 抄送 is
given; it verifies like the rest of the file."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from dossier_support import GENERATED_AT, example, pdftotext, squash

from assessor.dossier import build_dossier, verify_dossier

CC = "国家金融监督管理总局北京监管局，中国保险行业协会"
TEXT_BLOCK_BOTTOM = (297 - 35) / 25.4 * 72  # the bottom margin is 35 mm: 742.7 pt from the top


@pytest.fixture(scope="module")
def with_cc() -> bytes:
    app, as_of = example("01-eligible-two-sites.json")
    return build_dossier(app, as_of=as_of, generated_at=GENERATED_AT, cc=CC, internal_annex=False)


def _words(pdf: bytes, page: int) -> list[tuple[str, float]]:
    done = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=pdf, capture_output=True, check=True)
    return [(w, float(y)) for y, w in re.findall(r'yMax="([\d.]+)">([^<]*)</word>', done.stdout.decode("utf-8"))]


def test_banji_sits_at_the_foot_of_the_last_page(with_cc):
    from pypdf import PdfReader
    import io

    last = len(PdfReader(io.BytesIO(with_cc)).pages)
    words = _words(with_cc, last)
    cc = [y for w, y in words if w.startswith("抄送：")]
    issued = [y for w, y in words if w.endswith("印发")]
    assert cc and issued, words
    assert cc[0] < issued[0] <= TEXT_BLOCK_BOTTOM and TEXT_BLOCK_BOTTOM - issued[0] < 28  # on the last line of the text block
    text = squash(pdftotext(with_cc))
    assert f"抄送：{CC}。" in text and "华安信达财产保险股份有限公司办公室" in text and "2026年7月1日印发" in text
    assert text.count("抄送：") == 1


def test_no_banji_without_cc(zh_text):
    assert "抄送" not in zh_text and "印发" not in zh_text


def test_dossier_with_banji_verifies(with_cc):
    result = verify_dossier(with_cc)
    assert result.status == "ok" and result.pages_checked, result.differences
