"""`assessor forecast FILE` through the real command line entry point."""

from __future__ import annotations

import json

from forecast_support import WORKSHOP

from assessor.cli import main


def test_text_names_each_criterion_date_and_the_checked_overall_date(capsys):
    assert main(["forecast", str(WORKSHOP / "04-new-entrant.json"), "--as-of", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "4.1.tenure" in out and "2027年2月1日" in out
    assert "2027年9月30日" in out and "已复核" in out


def test_json_in_english_with_basis_and_changes(capsys):
    code = main(["forecast", str(WORKSHOP / "01-almost-premium.json"), "--as-of", "2026-11-25", "--basis", "3", "--format", "json", "--lang", "en"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["basis_months"] == 3 and payload["outcome"] == "eligible_on"
    assert payload["check"]["holds"] is True
    kinds = {(c["criterion"], c["kind"]) for c in payload["changes"]}
    assert ("4.1.premium", "add_premium") in kinds and ("4.1.premium", "wait") in kinds
    assert all(c["flips"] for c in payload["changes"])


def test_readings_change_the_forecast(capsys):
    main(["forecast", str(WORKSHOP / "02-recent-incident.json"), "--as-of", "2026-11-25", "--format", "json"])
    strict = json.loads(capsys.readouterr().out)
    main(["forecast", str(WORKSHOP / "02-recent-incident.json"), "--as-of", "2026-11-25", "--format", "json", "--reading", "complaint_attributes=both"])
    both = json.loads(capsys.readouterr().out)
    assert strict["eligible_on"] == "2027-08-21" and both["eligible_on"] == "2026-11-25"


def test_bad_input_is_a_message_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["forecast", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and "Traceback" not in err
    assert main(["forecast", str(WORKSHOP / "05-clean-case.json"), "--reading", "nonsense=1"]) == 2
