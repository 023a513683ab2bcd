"""The filing copy read back from real PDFs, as a compliance officer and a reviewer get it: a
请示 after GB/T 9704-2012 only when eligible and not projected (red 版头, embedded 仿宋/楷 faces,
nothing outside the text block, no criterion id), otherwise an internal gap report."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from dossier_support import example, pdftotext, squash
from pypdf import PdfReader

CRITERION_ID = re.compile(r"\b4\.\d\.[a-z_]+")
MM = 72 / 25.4
# GB/T 9704-2012 text block: 28 mm from the left, 37 mm from the top, 156 mm × 225 mm.
BLOCK = (28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM)


def page_texts(pdf: bytes) -> list[str]:
    return pdftotext(pdf).split("\f")[:-1]


def letter_pages(pdf: bytes) -> list[int]:
    """0-based indexes of the letter's pages: those before 附件1 (Attachment 1)."""
    pages = page_texts(pdf)
    for i, text in enumerate(pages):
        if squash(text).startswith(("附件1", "Attachment1")):
            return list(range(i))
    raise AssertionError("no 附件1 page")


def page_fonts(pdf: bytes, index: int) -> set[str]:
    """The fonts the page's text is drawn in (its resources list every font of the file)."""
    used: set[str] = set()

    def visit(text, cm, tm, font, size):
        if font is not None and text.strip():
            used.add(str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])

    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return used


def red_pixels(pdf: bytes, page: int = 1, top_fraction: float = 0.45) -> int:
    """Pure-red pixels in the top part of a page rendered by poppler."""
    from PIL import Image

    from assessor.dossier import preview_png

    png = preview_png(pdf, page=page, dpi=40)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    crop = image.crop((0, 0, width, int(height * top_fraction)))
    data = crop.tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90)


def words(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    found, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            found.append((page, *map(float, m.groups()[:4]), m.group(5)))
    return found


# ---------------------------------------------------------------- the 请示


@pytest.mark.parametrize("fixture", ["zh_dossier", "en_dossier"])
def test_the_letter_opens_with_a_red_banhead(request, fixture):
    pdf = request.getfixturevalue(fixture)[0]
    assert red_pixels(pdf, 1) > 150  # the red 发文机关标志 and separator line
    # …drawn in red in the page's own content, not an image
    stream = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert re.search(rb"(?:^|\s)0\.9\d* 0 0 (?:rg|RG)(?:\s|$)", stream)
    first = squash(page_texts(pdf)[0])
    app, _ = example("01-eligible-two-sites.json")
    assert first.startswith(app.applicant.name)
    assert "2026" in first  # the 发文字号's year (a blank to fill in: none was given)


def test_the_zh_letter_has_head_title_addressee_formula_and_signature(zh_dossier):
    pdf = zh_dossier[0]
    letter = squash("".join(page_texts(pdf)[i] for i in letter_pages(pdf)))
    app, _ = example("01-eligible-two-sites.json")
    assert letter.startswith(f"{app.applicant.name}文件")
    assert "签发人：" in letter
    assert f"{app.applicant.name}关于申请增设电话营销专用产品销售职场的请示" in letter
    assert "国家金融监督管理总局：" in letter
    assert "现将有关情况请示如下" in letter and "报告如下" not in letter
    assert "妥否，请批示。" in letter
    assert "附件：1.《通知》第四部分所列条件逐项对照情况2.职场、保费、客户投诉和违法违规情况3.证明材料目录" in letter
    assert letter.index("妥否") < letter.index("附件：") < letter.rindex(app.applicant.name) < letter.index("2026年7月1日")
    assert squash(f"（联系人：{app.applicant.contact_person}；联系电话：{app.applicant.contact_phone}）") in letter


def test_the_letters_fonts_are_the_embedded_fang_kai_hei_and_song_faces(zh_dossier):
    pdf, warnings = zh_dossier
    used: set[str] = set()
    for index in letter_pages(pdf):
        fonts = page_fonts(pdf, index)
        assert all(name.startswith("Fandol") for name in fonts), fonts
        used |= fonts
    assert {"FandolFang", "FandolKai", "FandolHei", "FandolSong-Bold"} <= used, used
    assert warnings == []


def test_every_font_is_embedded(zh_dossier):
    reader = PdfReader(io.BytesIO(zh_dossier[0]))
    for page in reader.pages:
        for ref in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")


@pytest.mark.parametrize("fixture", ["zh_dossier", "en_dossier", "gap_dossier", "filing_zh"])
def test_no_text_runs_outside_the_text_block(request, fixture):
    value = request.getfixturevalue(fixture)
    pdf = value[0] if isinstance(value, tuple) else value
    left, top, right, bottom = BLOCK
    outside = []
    for page, x0, y0, x1, y1, word in words(pdf):
        if y0 > bottom and re.fullmatch(r"—|\d+", word):
            continue  # 「— N —」 sits 7 mm below the block, as GB/T 9704 places it
        if x0 < left - 1.5 or x1 > right + 1.5 or y0 < top - 3 or y1 > bottom + 3:
            outside.append((page, round(x0), round(y0), round(x1), round(y1), word))
    assert outside == []


def test_page_numbers_are_dashes_on_every_page(zh_dossier):
    pages = page_texts(zh_dossier[0])
    for number, text in enumerate(pages, start=1):
        assert squash(text).endswith(f"—{number}—"), (number, squash(text)[-20:])


def test_the_letter_lines_hold_28_characters(zh_dossier):
    # 3号 仿宋 on a 28-character grid: a full line of Chinese text has 28 characters.
    text = pdftotext(zh_dossier[0]).split("\f")[1]
    lengths = [len(line.strip()) for line in text.splitlines() if re.fullmatch(r"[\u4e00-\u9fff，、。；：“”（）《》]+", line.strip() or "x")]
    assert lengths and max(lengths) == 28, lengths


def test_filing_copy_has_no_criterion_id_code_key_value_or_tool_voice(filing_zh):
    text = pdftotext(filing_zh)
    assert not CRITERION_ID.search(text), CRITERION_ID.search(text)
    assert not re.search(r"[a-z_]+=[a-z_]+", text)
    from assessor import __version__, load_rulebook

    rulebook = load_rulebook()
    flat = squash(text)
    for phrase in (rulebook.id, f"assessor{__version__}", "本评估", "不作推定", "申请人未声明", "内部资料", "「", "」"):
        assert phrase not in flat, phrase
    assert "附件3" in flat and "证明材料目录" in flat


def test_the_full_copy_carries_the_internal_method_annex(zh_dossier, filing_zh):
    full = squash(pdftotext(zh_dossier[0]))
    assert "内部资料，不随请示报送" in full and "4.1.premium" in full
    assert len(PdfReader(io.BytesIO(filing_zh)).pages) < len(PdfReader(io.BytesIO(zh_dossier[0])).pages)


def test_numbers_are_never_broken(zh_dossier):
    from assessor import assess
    from assessor.report import format_quantity

    app, as_of = example("01-eligible-two-sites.json")
    text = pdftotext(zh_dossier[0])
    for finding in assess(app, as_of=as_of).findings:
        if finding.measured is not None:
            for number in re.findall(r"[\d,.]+\d", format_quantity(finding.measured, "zh")):
                assert number in text, number


def test_attachments_start_on_their_own_pages_with_label_and_title(zh_dossier):
    pages = [squash(p) for p in page_texts(zh_dossier[0])]
    starts = [p[:40] for p in pages if re.match(r"附件\d", p)]
    assert [s[:3] for s in starts] == ["附件1", "附件2", "附件3"]
    assert starts[0].startswith("附件1《通知》第四部分所列条件逐项对照情况")


# ---------------------------------------------------------------- not a 请示


@pytest.mark.parametrize("fixture", ["gap_dossier", "gap_en"])
def test_not_eligible_yields_a_gap_report_and_no_request(request, fixture):
    pdf = request.getfixturevalue(fixture)
    text = squash(pdftotext(pdf))
    if fixture == "gap_dossier":
        assert text.startswith("内部资料，不得报送") and "差距分析报告" in text
        assert "妥否" not in text and "的请示" not in text and "签发人" not in text
        assert "最早可全部满足的日期" in text and "所需的最小改动" in text
    else:
        assert text.startswith("INTERNAL—NOTTOBEFILED") and "Gapanalysis" in text
        assert "Requestforapproval" not in text
    assert red_pixels(pdf, 1) == 0  # no red 版头 addressed to the regulator


def test_gap_report_states_the_shortfall_and_the_earliest_date(gap_dossier):
    from assessor import assess
    from assessor.forecast import forecast

    app, as_of = example("03-tenure-short.json")
    text = squash(pdftotext(gap_dossier))
    fc = forecast(app, as_of=as_of)
    assert fc.eligible_on is not None
    day = fc.eligible_on
    assert f"最早可于{day.year}年{day.month}月{day.day}日全部满足" in text
    short = [f for f in assess(app, as_of=as_of).findings if f.status.value == "not_met"]
    assert short and all(squash(f.title["zh"]) in text for f in short)


def test_projected_result_yields_no_request(projected_dossier):
    text = squash(pdftotext(projected_dossier))
    assert "妥否" not in text and "的请示" not in text
    assert "晚于今天" in text


def test_gap_report_shows_no_iso_timestamp(gap_dossier):
    first = pdftotext(gap_dossier).split("\f")[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", first)


# ---------------------------------------------------------------- PDF/A-3a


@pytest.mark.parametrize("fixture", ["zh_dossier", "gap_dossier"])
def test_tagged_pdfa_3a(request, fixture):
    value = request.getfixturevalue(fixture)
    pdf = value[0] if isinstance(value, tuple) else value
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="?3', xmp) and re.search(r'pdfaid:conformance="?A', xmp)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    tree = root["/StructTreeRoot"].get_object()
    assert "/K" in tree and "/ParentTree" in tree
    assert str(root.get("/Lang", "")).startswith("zh")
    assert "/OutputIntents" in root and len(root["/AF"]) == 2


def test_the_filing_copy_verifies_with_its_pages_compared(filing_zh):
    from assessor.dossier import verify_dossier

    result = verify_dossier(filing_zh)
    assert result.status == "ok" and result.pages_checked, result.differences
    assert "未被改动" in result.summary("zh")
