"""End to end in a real headless Chromium against `streamlit run app.py`.

A user loads an example, sees the verdict, generates and downloads the dossier, reloads the
browser and finds the draft. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from browser_support import ROOT, artifacts, download_json, draft_in_address, needs_chromium, open_page, settle, streamlit_server

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """One app server for the module, with one register: each test loads its own draft."""
    tmp = tmp_path_factory.mktemp("e2e")
    with streamlit_server(tmp / "server.log", data_dir=tmp / "data") as url:
        yield url, tmp / "data"


def test_load_example_see_verdict_download_dossier_reload_and_find_draft(server, browser, tmp_path):
    from playwright.sync_api import expect

    from assessor.i18n import t

    url, _ = server
    page = open_page(browser, accept_downloads=True)
    page.goto(url)
    expect(page.get_by_role("heading", name=t("app.nav.intake", "zh"))).to_be_visible()

    # Load an example with the selector and the button.
    page.get_by_label(t("app.intake.example_choice", "zh")).click()
    page.get_by_role("option", name="01-eligible-two-sites.json").click()
    page.get_by_role("button", name=t("app.intake.load_example", "zh")).click()
    expect(page.get_by_text(t("app.intake.loaded_example", "zh", file="01-eligible-two-sites.json"))).to_be_visible()
    expect(page.get_by_label(t("app.field.applicant.name", "zh"))).to_have_value("华安信达财产保险股份有限公司")

    # Excel out: the workbook reads back as the same application.
    from assessor.intake import load_application
    from assessor.intake.excel import application_from_workbook

    with page.expect_download() as info:
        page.get_by_role("button", name=t("app.intake.download_excel", "zh"), exact=True).click()
    workbook = tmp_path / "application.xlsx"
    info.value.save_as(workbook)
    original = load_application(ROOT / "examples" / "01-eligible-two-sites.json")
    assert application_from_workbook(workbook.read_bytes()) == original
    with page.expect_download() as info:
        page.get_by_role("button", name=t("app.intake.download_template", "zh")).click()
    assert info.value.suggested_filename.endswith(".xlsx")

    # The verdict, on the date the example is described at.
    page.get_by_role("link", name=t("app.nav.assessment", "zh")).first.click()
    expect(page.get_by_role("heading", name=t("verdict.eligible", "zh"))).to_be_visible()
    expect(page.get_by_role("heading", name=t("app.assessment.findings", "zh"))).to_be_visible()
    expect(page.locator("[data-testid=stPlotlyChart]")).to_be_visible()
    page.screenshot(path=str(artifacts() / "e2e-assessment.png"))

    # Generate the dossier and download it.
    page.get_by_role("link", name=t("app.nav.dossier", "zh")).first.click()
    page.get_by_role("button", name=t("app.dossier.generate", "zh")).click()
    download_button = page.get_by_role("button", name=t("app.dossier.download", "zh"))
    expect(download_button).to_be_visible(timeout=180_000)
    with page.expect_download() as info:
        download_button.click()
    pdf = tmp_path / "dossier.pdf"
    info.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) >= 1
    assert "华安信达财产保险股份有限公司" in "".join(p.extract_text() or "" for p in reader.pages)
    expect(page.get_by_role("img").first).to_be_visible()
    page.screenshot(path=str(artifacts() / "e2e-dossier.png"))

    # Reload the browser: the draft is still there, in the form and in the list of drafts.
    page.wait_for_url(re.compile(r"[?&]draft="))  # the address is written at the end of the run
    page.reload()
    page.get_by_role("link", name=t("app.nav.intake", "zh")).first.click()
    expect(page.get_by_label(t("app.field.applicant.name", "zh"))).to_have_value("华安信达财产保险股份有限公司")
    page.get_by_text(t("app.drafts.title", "zh")).click()
    expect(page.get_by_label(t("app.drafts.pick", "zh"))).to_have_value(re.compile("^华安信达财产保险股份有限公司 · 武汉"))
    page.screenshot(path=str(artifacts() / "e2e-reloaded.png"))

    # A new browser context (a closed and reopened browser, no URL) lists the draft too.
    fresh = open_page(browser)
    fresh.goto(url)
    expect(fresh.get_by_label(t("app.intake.example_choice", "zh"))).to_be_enabled()
    settle(fresh)  # the new session's first run is over: a click now is not lost to it
    fresh.get_by_text(t("app.drafts.title", "zh")).click()
    expect(fresh.get_by_label(t("app.drafts.pick", "zh"))).to_have_value(re.compile("^华安信达财产保险股份有限公司 · 武汉"))
    fresh.get_by_role("button", name=t("app.drafts.resume", "zh")).click()
    expect(fresh.get_by_text(t("app.drafts.resumed", "zh"))).to_be_visible()
    settle(fresh)
    expect(fresh.get_by_label(t("app.field.applicant.name", "zh"))).to_have_value("华安信达财产保险股份有限公司")
    fresh.keyboard.press("Escape")
    fresh.screenshot(path=str(artifacts() / "e2e-new-session.png"))


# ---------------------------------------------------------------- the record is the screen


def _open_with_example(browser, url: str, example: str = "01-eligible-two-sites.json"):
    from playwright.sync_api import expect

    from assessor.i18n import t

    page = open_page(browser, accept_downloads=True)
    page.goto(url)
    page.get_by_label(t("app.intake.example_choice", "zh")).click()
    page.get_by_role("option", name=example).click()
    page.get_by_role("button", name=t("app.intake.load_example", "zh")).click()
    expect(page.get_by_text(t("app.intake.loaded_example", "zh", file=example))).to_be_visible()
    settle(page)
    return page



def test_download_after_an_edit_holds_the_edit(server, browser, tmp_path):
    """Planned seats 600 -> 610, Enter, 下载JSON: the file says 610 (it said 600 before)."""
    from playwright.sync_api import expect

    from assessor.i18n import t

    url, _ = server
    page = _open_with_example(browser, url)
    page.get_by_role("tab", name=t("app.intake.tab.proposed", "zh")).click()
    seats = page.get_by_role("spinbutton", name=t("app.field.proposed.planned_seats", "zh"))
    expect(seats).to_have_value("600")
    seats.fill("610")
    seats.press("Enter")
    settle(page)
    assert download_json(page, t("app.intake.download_json", "zh"), tmp_path)["proposed_site"]["planned_seats"] == 610

    from assessor.intake.excel import application_from_workbook

    with page.expect_download() as info:
        page.get_by_role("button", name=t("app.intake.download_excel", "zh"), exact=True).click()
    workbook = tmp_path / "application.xlsx"
    info.value.save_as(workbook)
    assert application_from_workbook(workbook.read_bytes()).proposed_site.planned_seats == 610


def test_opening_sections_writes_no_version(server, browser):
    """Clicking the 集中销售与保费 and 五个统一 tabs of a loaded example adds no version."""
    from playwright.sync_api import expect

    from assessor.i18n import t
    from assessor.store import DEFAULT_FILE_NAME, CaseStore

    url, data = server
    register_url = f"sqlite:///{data / DEFAULT_FILE_NAME}"
    with CaseStore(register_url) as register:
        drafts_before = len(register.list_drafts())  # the module's other tests share the register
    page = _open_with_example(browser, url)
    draft_id = draft_in_address(page)
    for name in ("premiums", "unifications", "sites", "proposed", "records", "applicant"):
        page.get_by_role("tab", name=t(f"app.intake.tab.{name}", "zh")).click()
        settle(page)
    with CaseStore(register_url) as register:
        assert len(register.list_drafts()) == drafts_before + 1
        assert [v.version for v in register.history(draft_id)] == [1]
    # A real change is one version, and its diff shows it.
    page.get_by_role("tab", name=t("app.intake.tab.proposed", "zh")).click()
    seats = page.get_by_role("spinbutton", name=t("app.field.proposed.planned_seats", "zh"))
    expect(seats).to_have_value("600")
    seats.fill("610")
    seats.press("Enter")
    settle(page)
    from assessor.ui.draft import changes

    with CaseStore(register_url) as register:
        assert len(register.list_drafts()) == drafts_before + 1
        assert draft_in_address(page) == draft_id
        assert [v.version for v in register.history(draft_id)] == [1, 2]
        diff = changes(register.load_version(draft_id, 1).data, register.load_version(draft_id, 2).data)
        assert [(c.path, c.before, c.after) for c in diff] == [("proposed_site.planned_seats", 600, 610)]


def test_reload_keeps_date_readings_and_language(server, browser):
    from playwright.sync_api import expect

    from assessor.i18n import t

    url, _ = server
    page = _open_with_example(browser, url)
    page.get_by_role("link", name=t("app.nav.assessment", "zh")).first.click()
    expect(page.get_by_role("heading", name=t("app.assessment.findings", "zh"))).to_be_visible()
    box = page.get_by_label(t("app.assessment.as_of", "zh"), exact=True)
    box.fill("2026-3-31")
    box.press("Enter")  # a typed date applies on Enter
    settle(page)
    expect(box).to_have_value("2026年3月31日")  # shown back in the page's one date form
    expect(page.get_by_text("2026年3月31日").first).to_be_visible()
    from assessor.core.rulebook import load_rulebook

    page.get_by_text(load_rulebook().readings["original_seats"].options["original"].in_("zh")).click()
    settle(page)
    page.get_by_text(t("app.sidebar.language_name.en", "zh")).click()
    settle(page)
    expect(page.get_by_role("heading", name=t("app.assessment.findings", "en"))).to_be_visible()
    page.wait_for_url(re.compile(r"[?&]lang=en"))  # the address is written at the end of the run

    page.reload()
    expect(page.get_by_role("heading", name=t("app.assessment.findings", "en"))).to_be_visible()
    expect(page.get_by_label(t("app.assessment.as_of", "en"), exact=True)).to_have_value("2026-03-31")
    expect(page.get_by_role("radio", name=load_rulebook().readings["original_seats"].options["original"].in_("en"))).to_be_checked()
    expect(page.get_by_text("2026-03-31").first).to_be_visible()


def test_a_badly_typed_ledger_cell_is_kept_and_its_problem_shown(server, browser):
    """Blank form, ledger: month `2024-8`, premium `2,300`. The row stays and each cell says why."""
    from playwright.sync_api import expect

    from assessor.i18n import t

    url, _ = server
    page = open_page(browser)
    page.goto(url)
    page.get_by_role("tab", name=t("app.intake.tab.premiums", "zh")).click()
    settle(page)
    grid = page.locator("[data-testid=stDataFrame]").nth(1)  # the evidence table comes first
    grid.hover()
    # the toolbar fades in over the grid: a pointer click can land on the grid while it moves
    grid.get_by_role("button", name="Add row").dispatch_event("click")
    settle(page)
    box = grid.bounding_box()
    # The grid is a canvas: cells by position (viewport 1400 wide; row 1 sits below the header).
    y = box["y"] + 53
    for offset, text in ((70, "2024-8"), (230, "DX-1"), (640, "2,300")):
        page.mouse.dblclick(box["x"] + offset, y)
        page.wait_for_timeout(300)
        page.keyboard.type(text, delay=30)
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
    page.get_by_role("heading", name=t("app.intake.ledger", "zh")).click()
    settle(page)
    row = t("app.fields.row", "zh", row=1)
    page.screenshot(path=str(artifacts() / "e2e-ledger-cell.png"))
    expect(page.get_by_text(f"{row} · {t('app.col.month', 'zh')}")).to_be_visible()
    expect(page.get_by_text(f"{row} · {t('app.col.premium', 'zh')}")).to_be_visible()
    expect(page.get_by_text(t("app.intake.valid", "zh"))).to_have_count(0)
    page.screenshot(path=str(artifacts() / "e2e-ledger-cell.png"))


def test_a_typed_date_applies_on_enter_and_shows_in_one_form(server, browser, tmp_path):
    """集中销售起始日: typed 2021/3/5, Enter, 下载JSON: the file says 2021-03-05, the field 2021年3月5日."""
    from playwright.sync_api import expect

    from assessor.core.model import CentralizedSelling
    from assessor.i18n import t
    from assessor.intake import shape

    url, _ = server
    page = _open_with_example(browser, url)
    page.get_by_role("tab", name=t("app.intake.tab.premiums", "zh")).click()
    settle(page)
    since = page.get_by_role("textbox", name=shape.field_of(CentralizedSelling, ("since",)).shown("zh"))
    expect(since).to_have_value(re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"))
    since.fill("2021/3/5")
    since.press("Enter")
    settle(page)
    assert download_json(page, t("app.intake.download_json", "zh"), tmp_path)["centralized_selling"]["since"] == "2021-03-05"
    page.reload()
    page.get_by_role("tab", name=t("app.intake.tab.premiums", "zh")).click()
    expect(page.get_by_role("textbox", name=shape.field_of(CentralizedSelling, ("since",)).shown("zh"))).to_have_value("2021年3月5日")
