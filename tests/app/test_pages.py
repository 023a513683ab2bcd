"""Every page renders, in Chinese and in English, blank and with an application loaded."""

from __future__ import annotations

import pytest

from assessor.i18n import t

PAGES = ("intake", "assessment", "dossier")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_blank_and_loaded(app, ui, lang):
    if lang != "zh":
        app.radio(key="lang").set_value(lang).run()
    for page in PAGES:
        ui.goto(app, page)
        assert app.title[0].value == t(f"app.nav.{page}", lang)
        assert not ui.unexpected_errors(app)
    ui.load_example(app, "01-eligible-two-sites.json")
    for page in PAGES:
        ui.goto(app, page)
        assert app.title[0].value == t(f"app.nav.{page}", lang)
        assert not ui.unexpected_errors(app)
    ui.goto(app, "assessment")
    assert ui.banner(app) in {t(f"verdict.{v}", lang) for v in ("eligible", "not_eligible", "incomplete", "out_of_scope")}


def test_chinese_is_the_default_and_english_a_switch(app, ui):
    assert app.radio(key="lang").value == "zh"
    assert app.title[0].value == "申请信息"
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Application"
    assert app.text_input(key="f.applicant.name").label == t("app.field.applicant.name", "en")


def test_switching_language_keeps_what_was_typed(app, ui):
    app.text_input(key="f.applicant.name").input("测试财产保险股份有限公司").run()
    app.text_input(key="f.applicant.credit_code").input("123").run()
    app.radio(key="lang").set_value("en").run()
    assert app.text_input(key="f.applicant.name").value == "测试财产保险股份有限公司"
    assert app.text_input(key="f.applicant.credit_code").value == "123"
    # The field's message follows the language too.
    assert any(t("errors.input.credit_code_length", "en", n=3) in m for m in ui.field_messages(app))
    app.radio(key="lang").set_value("zh").run()
    assert app.text_input(key="f.applicant.name").value == "测试财产保险股份有限公司"


def test_every_app_string_exists_in_both_languages():
    from assessor.i18n import catalog

    zh = {k for k in catalog("zh") if k.startswith("app.")}
    en = {k for k in catalog("en") if k.startswith("app.")}
    assert zh == en
    assert len(zh) > 150


def test_every_key_the_pages_ask_for_is_defined():
    import re
    from pathlib import Path

    from assessor.i18n import has

    ui = Path(__file__).parents[2] / "assessor" / "ui"
    mine = ("shell", "state", "fields", "cases", "intake_page", "assessment_page", "dossier_page")
    source = "\n".join((ui / f"{name}.py").read_text(encoding="utf-8") for name in mine)
    keys = set(re.findall(r"\btr\(\s*[\"']([a-z_.]+)[\"']", source))
    assert len(keys) > 100
    missing = sorted(k for k in keys for lang in ("zh", "en") if not has(f"app.{k}", lang))
    assert not missing
