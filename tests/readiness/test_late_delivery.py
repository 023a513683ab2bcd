"""二(三): a delivery later than 48 hours is for review unless agreed with or explained to the policyholder."""

import json

import pytest

from readiness_support import POLICY_HEADER, issues_of, policies_file, policy, run, write_csv

from assessor.cli import main
from assessor.readiness import DutyStatus

DELIVERY, CALLBACK = "2.3.delivery_within_48h", "2.6.callback_within_72h"
HEADER = POLICY_HEADER + ["late_delivery_explanation"]
SALE = "2026-01-05 10:00:00"
AT_48H = "2026-01-07 10:00:00"
AT_48H_1S = "2026-01-07 10:00:01"


def explained(pid: str, sale: str, delivery: str, note: str, receipt: str = "", callback: str = "") -> list[str]:
    return policy(pid, sale, delivery, receipt, callback) + [note]


def delivery_of(tmp_path, rows, header=HEADER):
    return run(policies_file(tmp_path, rows, header=header)).duty(DELIVERY)


def test_exactly_48_hours_is_in_time(tmp_path):
    duty = delivery_of(tmp_path, [explained("P1", SALE, AT_48H, "")])
    assert duty.status is DutyStatus.MET
    assert duty.counts["within"] == 1 and duty.counts["late"] == 0


def test_one_second_over_without_explanation_is_for_review_not_a_breach(tmp_path):
    duty = delivery_of(tmp_path, [explained("P1", SALE, AT_48H, ""), explained("LATE", SALE, AT_48H_1S, "")])
    assert duty.status is DutyStatus.REVIEW
    assert (duty.counts["within"], duty.counts["late_explained"], duty.counts["late_unexplained"]) == (1, 0, 1)
    assert duty.gap.value == 1
    assert "LATE" in duty.explanation("en") and "review" in duty.explanation("en")
    assert "LATE" in duty.explanation("zh") and "需人工复核" in duty.explanation("zh")


@pytest.mark.parametrize("note", ["agreed", "协商一致", "informed", "已说明", "  Agreed ", "INFORMED"])
def test_one_second_over_with_an_explanation_is_explained(tmp_path, note):
    duty = delivery_of(tmp_path, [explained("P1", SALE, AT_48H_1S, note)])
    assert duty.status is DutyStatus.MET
    assert (duty.counts["late"], duty.counts["late_explained"], duty.counts["late_unexplained"]) == (1, 1, 0)
    assert duty.gap is None
    assert "1 late with an explanation" in duty.explanation("en")


def test_without_the_column_every_late_delivery_is_for_review(tmp_path):
    duty = delivery_of(tmp_path, [policy("P1", SALE, AT_48H_1S)], header=POLICY_HEADER)
    assert duty.status is DutyStatus.REVIEW and duty.counts["late_unexplained"] == 1


def test_an_undelivered_policy_past_its_48_hours_can_be_explained_too(tmp_path):
    duty = delivery_of(tmp_path, [explained("AGREED", SALE, "", "协商一致"), explained("SILENT", SALE, "", "")])
    assert (duty.counts["late_explained"], duty.counts["late_unexplained"]) == (1, 1)
    assert duty.status is DutyStatus.REVIEW and "SILENT" in duty.explanation("en") and "AGREED" not in duty.explanation("en")


def test_an_unknown_explanation_is_reported_and_does_not_excuse(tmp_path):
    report = run(policies_file(tmp_path, [explained("ODD", SALE, AT_48H_1S, "customer on holiday"), explained("OK", SALE, AT_48H, "nonsense on time")], header=HEADER))
    duty = report.duty(DELIVERY)
    assert duty.status is DutyStatus.REVIEW and duty.counts["late_unexplained"] == 1
    [issue] = issues_of(report, "bad_explanation")  # the on-time row's note is irrelevant and not reported
    assert issue.count == 1 and issue.examples == ("ODD",) and issue.affects == (DELIVERY,)
    assert "agreed/协商一致" in issue.text("en") and "ODD" in issue.text("zh")


def test_the_explanation_excuses_deliveries_only_not_callbacks(tmp_path):
    rows = [explained("P1", SALE, AT_48H_1S, "agreed", "2026-01-07 12:00:00", "2026-01-10 12:00:01")]
    report = run(policies_file(tmp_path, rows, header=HEADER))
    assert report.duty(DELIVERY).status is DutyStatus.MET
    assert report.duty(CALLBACK).status is DutyStatus.NOT_MET


def test_a_second_file_without_the_column_keeps_the_firsts_explanations(tmp_path):
    first = policies_file(tmp_path, [explained("A", SALE, AT_48H_1S, "informed")], name="a.csv", header=HEADER)
    second = write_csv(tmp_path, "b.csv", POLICY_HEADER, [policy("B", SALE, AT_48H_1S)])
    duty = run(first, second).duty(DELIVERY)
    assert (duty.counts["late_explained"], duty.counts["late_unexplained"]) == (1, 1)


def test_cli_reports_review_and_does_not_fail_on_not_met_for_it(tmp_path, capsys):
    log = policies_file(tmp_path, [explained("LATE", SALE, AT_48H_1S, "")], header=HEADER)
    assert main(["readiness", f"policies={log}", "--as-of", "2026-06-30", "--fail-on-not-met", "--format", "json"]) == 0
    duty = next(d for d in json.loads(capsys.readouterr().out)["duties"] if d["id"] == DELIVERY)
    assert duty["status"] == "review" and duty["counts"]["late_unexplained"] == 1
    assert main(["readiness", f"policies={log}", "--as-of", "2026-06-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[Review] 二(三) 2.3.delivery_within_48h" in out and "late_delivery_explanation" in out
