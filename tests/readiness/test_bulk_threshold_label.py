"""二(九) says only 「批量」: every output calls the 20-policy threshold ours, never the notice's."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from readiness_support import policies_file, policy, run

from assessor.cli import main
from assessor.i18n import t

BULK = "2.9.bulk_policy_monitoring"
OURS = {"zh": "非通知规定", "en": "not the notice's"}
NO_NUMBER = {"zh": "未规定件数", "en": "sets no number"}


def _shared_address(n: int) -> list[list[str]]:
    return [policy(f"B{i:03d}", "2026-01-05 10:00:00", address="同一地址1号", recipient=f"R{i}", phone=f"1380000{i:04d}") for i in range(n)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_text_says_whose_threshold_it_is(tmp_path, capsys, lang):
    log = policies_file(tmp_path, _shared_address(20))
    assert main(["readiness", f"policies={log}", "--as-of", "2026-06-30", "--lang", lang]) == 0
    out = capsys.readouterr().out
    duty_line = next(line for line in out.splitlines() if "20" in line and ("批量保单" in line or "groups of" in line))
    assert NO_NUMBER[lang] in duty_line
    heading = next(line for line in out.splitlines() if line.startswith("== ") and "20" in line)
    assert NO_NUMBER[lang] in heading
    assert t("readiness.bulk_basis.default", lang) in out


def test_a_chosen_threshold_is_called_chosen_and_still_not_the_notices(tmp_path, capsys):
    log = policies_file(tmp_path, _shared_address(5))
    assert main(["readiness", f"policies={log}", "--as-of", "2026-06-30", "--bulk-min", "5", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["bulk_min_policies"] == 5 and data["bulk_min_basis"] == "chosen"
    duty = next(d for d in data["duties"] if d["id"] == BULK)
    assert duty["threshold"] == {"value": "5", "unit": "bulk_chosen"}


def test_the_default_is_called_ours_in_the_report_and_the_appendix(tmp_path):
    report = run(policies_file(tmp_path, _shared_address(3)))
    assert report.bulk_min_policies == 20 and report.bulk_min_basis == "default"
    for lang in ("zh", "en"):
        duty = report.duty(BULK)
        assert OURS[lang] in duty.threshold.text(lang)
        assert NO_NUMBER[lang] in duty.explanation(lang)
        assert NO_NUMBER[lang] in report.view(lang).bulk_title
        assert any("「批量」" in c for c in report.view(lang).conventions)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_help_and_page_strings_say_the_notice_sets_no_number(lang):
    assert NO_NUMBER[lang] in t("readiness.cli.bulk_min", lang)
    for key in ("bulk_min", "bulk_none"):
        assert ("通知" if lang == "zh" else "notice") in t(f"readiness.page.{key}", lang)


def _page():
    from assessor.ui import readiness

    readiness.render()


def test_the_page_labels_its_threshold_field_and_bulk_list():
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["lang"] = "en"
    at = at.run()
    assert not at.exception
    assert at.number_input(key="readiness.bulk_min").label == t("readiness.page.bulk_min", "en")
    assert "notice" in at.number_input(key="readiness.bulk_min").label
