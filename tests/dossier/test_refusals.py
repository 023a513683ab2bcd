"""What the dossier refuses before laying anything out: text its fonts cannot draw, bidi controls
and invisible characters (named by field and code point), and dates that do not hold."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from dossier_support import EXAMPLES, EXPECTED, GENERATED_AT, ROOT, example

from assessor.dossier import DossierError, build_dossier, dossier_html
from assessor.intake import parse_application

AS_OF = EXPECTED["01-eligible-two-sites.json"]["as_of"]


def _with(path: tuple, value: str):
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return parse_application(data, today=AS_OF)


@pytest.mark.parametrize(
    "path, char, why",
    [
        (("proposed_site", "address"), "\U0001f3e2", "font"),  # 🏢, no CJK face has it
        (("applicant", "name"), "\U0002a6d6", "font"),  # an extension-B ideograph outside the faces
        (("existing_sites", 0, "name"), "\u202e", "bidi"),  # RIGHT-TO-LEFT OVERRIDE
        (("proposed_site", "address"), "\u200b", "invisible"),  # ZERO WIDTH SPACE
    ],
)
def test_undrawable_and_invisible_characters_are_refused_naming_field_and_character(path, char, why):
    app = _with(path, f"武汉{char}中心")
    with pytest.raises(DossierError) as caught:
        build_dossier(app, as_of=AS_OF, generated_at=GENERATED_AT)
    error = caught.value
    assert error.key == f"dossier.errors.undrawable_{why}"
    field = "/".join(str(p) for p in path)
    assert error.values["field"] == field and error.values["code"] == f"U+{ord(char):04X}"
    message = error.message("zh")
    assert field in message and f"U+{ord(char):04X}" in message


def test_options_are_checked_too():
    app, _ = example("01-eligible-two-sites.json")
    with pytest.raises(DossierError) as caught:
        dossier_html(app, as_of=AS_OF, generated_at=GENERATED_AT, signer="张\u200d三")
    assert caught.value.values["field"] == "signer"


def test_the_cli_exits_2_with_the_field_and_character_named(tmp_path):
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    data["proposed_site"]["address"] = "光谷大道77号\U0001f3e2"
    source = tmp_path / "app.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "dossier", str(source), "-o", str(out), "--as-of", AS_OF.isoformat(), "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "proposed_site/address" in done.stderr and "U+1F3E2" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_a_letter_dated_before_its_assessment_date_is_refused():
    app, _ = example("01-eligible-two-sites.json")
    with pytest.raises(DossierError) as caught:
        dossier_html(app, as_of=AS_OF, generated_at=GENERATED_AT, letter_day=date(2026, 6, 29))
    assert caught.value.key == "dossier.errors.as_of_after_letter"
    assert "2026-06-30" in caught.value.message("en") and "2026-06-29" in caught.value.message("en")


def test_a_planned_opening_not_after_the_letter_makes_no_request():
    from assessor import assess, load_rulebook
    from assessor.dossier.view_model import build_view

    app, _ = example("01-eligible-two-sites.json")  # planned opening 2026-09-01
    rulebook = load_rulebook()
    assessment = assess(app, rulebook, AS_OF, today=GENERATED_AT.date())
    view = build_view(app, assessment, rulebook, "zh", generated_at=GENERATED_AT, letter_day=date(2026, 9, 1))
    assert view.letter is None and view.gap is not None
    assert "计划投入运营日期（2026年9月1日）不晚于成文日期（2026年9月1日）" in view.gap.projected
    before = build_view(app, assessment, rulebook, "zh", generated_at=GENERATED_AT, letter_day=date(2026, 8, 31))
    assert before.letter is not None and before.letter.date == "2026年8月31日"


def test_the_letter_date_defaults_to_the_day_in_beijing():
    from datetime import datetime, timezone

    from assessor import assess, load_rulebook
    from assessor.dossier.view_model import build_view

    app, _ = example("01-eligible-two-sites.json")
    rulebook = load_rulebook()
    late_utc = datetime(2026, 7, 1, 18, 30, tzinfo=timezone.utc)  # 2026-07-02 02:30 in Beijing
    assessment = assess(app, rulebook, AS_OF, today=date(2026, 7, 2))
    view = build_view(app, assessment, rulebook, "zh", generated_at=late_utc)
    assert view.letter.date == "2026年7月2日"


def test_default_doc_number_and_signer_are_visible_blanks():
    app, _ = example("01-eligible-two-sites.json")
    html, _ = dossier_html(app, as_of=AS_OF, generated_at=GENERATED_AT)
    assert "××〔2026〕\u3000号" in html and "签发人：" in html
    html, _ = dossier_html(app, as_of=AS_OF, generated_at=GENERATED_AT, doc_number="华安财险〔2026〕3号", signer="张三", addressee="国家金融监督管理总局湖北监管局")
    assert "华安财险〔2026〕3号" in html and "张三" in html and "国家金融监督管理总局湖北监管局：" in html
