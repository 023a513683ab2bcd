"""Attested duties, the `assessor readiness` command, and the dossier appendix fragment."""

import json
from datetime import date
from pathlib import Path

import jinja2
import pytest

from readiness_support import policies_file, policy, run

from assessor.cli import main
from assessor.readiness import LogError, load_readiness_rulebook, parse_attestations

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "logs"
EVIDENCE = {"document": "官网截图.pdf", "sha256": "a" * 64}


def test_attestation_states():
    rulebook = load_readiness_rulebook()
    attestations = parse_attestations(
        {
            "1.1.numbers": {"attested": True, "description": "400号码", "evidence": [EVIDENCE]},
            "1.2.operations_structure": {"attested": True},
            "1.4.lawful_data": {"attested": False, "description": "整改中"},
        },
        rulebook,
    )
    report = run(attestations=attestations)
    assert report.duty("1.1.numbers").status.value == "met"
    assert report.duty("1.1.numbers").evidence[0].document == "官网截图.pdf"
    assert report.duty("1.2.operations_structure").status.value == "insufficient_evidence"
    assert report.duty("1.4.lawful_data").status.value == "not_met"
    assert report.duty("1.5.confidentiality").status.value == "insufficient_evidence"
    assert "1" in report.duty("1.1.numbers").explanation("en")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"2.3.delivery_within_48h": {"attested": True}}, "attestations_unknown_duty"),  # measured, not attestable
        ({"1.1.numbres": {"attested": True}}, "attestations_unknown_duty"),
        ({"1.1.numbers": {"attested": "yes please"}}, "attestations_invalid"),
        (b"{not json", "attestations_not_json"),
        (b"[]", "attestations_not_object"),
    ],
)
def test_bad_attestations_name_the_problem(data, key):
    with pytest.raises(LogError) as caught:
        parse_attestations(data, load_readiness_rulebook())
    assert caught.value.key == key
    assert caught.value.message("zh") and caught.value.message("en")


def test_cli_text_json_and_exit_codes(tmp_path, capsys):
    # Delivered 72 h after the sale (review), called back 96 h after receipt (not met).
    log = policies_file(tmp_path, [policy("P1", "2026-01-05 10:00:00", "2026-01-08 10:00:00", "2026-01-08 12:00:00", "2026-01-12 12:00:00")])
    assert main(["readiness", f"policies={log}", "--as-of", "2026-06-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Operating readiness report" in out and "short by 1 policies" in out
    assert main(["readiness", str(log), "--as-of", "2026-06-30", "--fail-on-not-met"]) == 1
    capsys.readouterr()
    assert main(["readiness", str(log), "--as-of", "2026-06-30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-06-30" and data["rulebook_version"] == load_readiness_rulebook().version
    delivery = next(d for d in data["duties"] if d["id"] == "2.3.delivery_within_48h")
    assert delivery["status"] == "review" and delivery["counts"]["late"] == 1
    callback = next(d for d in data["duties"] if d["id"] == "2.6.callback_within_72h")
    assert callback["status"] == "not_met" and callback["counts"]["late"] == 1


def test_cli_attestations_and_usage_errors(tmp_path, capsys):
    log = policies_file(tmp_path, [policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00")])
    good = tmp_path / "att.json"
    good.write_text(json.dumps({"1.1.numbers": {"attested": True, "evidence": [EVIDENCE]}}), encoding="utf-8")
    assert main(["readiness", str(log), "--as-of", "2026-06-30", "--attestations", str(good), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert next(d for d in data["duties"] if d["id"] == "1.1.numbers")["status"] == "met"
    bad = tmp_path / "bad.json"
    bad.write_text('{"9.9.x": {}}', encoding="utf-8")
    assert main(["readiness", str(log), "--attestations", str(bad), "--lang", "en"]) == 2
    assert "9.9.x" in capsys.readouterr().err
    assert main(["readiness", "policies@Nowhere/City=x.csv"]) == 2
    assert "Nowhere/City" in capsys.readouterr().err
    assert main(["readiness", str(log), "--bulk-min", "1"]) == 2
    assert main(["readiness", str(log), "--as-of", "30/06/2026"]) == 2


def test_cli_one_bad_file_does_not_sink_the_others(tmp_path, capsys):
    log = policies_file(tmp_path, [policy("P1", "2026-01-05 10:00:00", "2026-01-06 10:00:00")])
    assert main(["readiness", str(tmp_path / "missing.csv"), str(log), "--as-of", "2026-06-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "missing.csv: not used. File not found" in out and "policies.csv: policies log, csv, 1 rows" in out


def test_sample_logs_run_end_to_end(capsys):
    assert main(["readiness", *map(str, sorted(SAMPLES.glob("*.csv"))), "--as-of", "2026-11-30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(log["error_key"] is None for log in data["logs"])
    assert data["bulk_groups"][0]["policies"] == 22


def test_templates_hold_every_documented_column():
    from assessor.readiness import LOG_COLUMNS

    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for kind, columns in LOG_COLUMNS.items():
        header = (SAMPLES / "templates" / f"{kind}.csv").read_text(encoding="utf-8").strip().split(",")
        assert sorted(header) == sorted(c.name for c in columns)
        for column in columns:
            assert f"`{column.name}`" in readme, (kind, column.name)


def test_appendix_fragment_renders_escaped(tmp_path):
    rows = [policy(f"B{i}", "2026-01-05 10:00:00", address="<script>alert(1)</script>") for i in range(20)]
    report = run(policies_file(tmp_path, rows)).in_lang("en")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("readiness_appendix.html").render(readiness=report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Operating readiness (sections" in html
    assert html.count('class="status-') == 31
    zh = env.get_template("readiness_appendix.html").render(readiness=report.in_lang("zh"))
    assert "运营合规自查（通知第一至第三部分）" in zh and "需复核" in zh


def test_dossier_pdf_carries_the_appendix():
    import io

    from pypdf import PdfReader

    from assessor.dossier import build_dossier
    from assessor.intake import load_application

    report = run(*sorted(SAMPLES.glob("*.csv")), as_of=date(2026, 11, 30))
    pdf = build_dossier(load_application(ROOT / "examples" / "01-eligible-two-sites.json"), as_of=date(2026, 11, 30), readiness=report)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "运营合规自查（通知第一至第三部分）" in text
    assert "张江路88号3楼" in text  # the bulk group to review (the cell wraps)


def test_cli_with_no_log_found_at_all_is_a_usage_error(tmp_path, capsys):
    assert main(["readiness", str(tmp_path / "missing.csv"), "--lang", "en"]) == 2
    assert "File not found" in capsys.readouterr().err
