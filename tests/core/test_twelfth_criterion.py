"""A criterion is one entry in the rulebook: a 12th one, written in a test rulebook, is assessed,
forecast, what-if'd, drawn, summarised in the dossier and screened with no change to the code.

The first adds another minimum on an existing measure (half the premium threshold, under a new
id); the second a criterion of a new kind, registered beside the others, on a field of the
application no criterion used before."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from core_support import EXAMPLES

from assessor.charts import all_charts
from assessor.core.engine import assess
from assessor.core.kinds import KINDS
from assessor.core.kinds.base import Kind, Outcome, Params, PathCheck, resolve
from assessor.core.results import Quantity, Status, Verdict
from assessor.core.rulebook import DEFAULT_RULEBOOK, load_rulebook
from assessor.forecast import Outlook, forecast
from assessor.intake import parse_application
from assessor.scenarios import minimal_changes
from assessor.screening.collect import collect_paths
from assessor.screening.run import screen
from assessor.screening.worker import Settings

TEXT = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
LABELS = "# Labels of the attested sub-items"

HALF = '''[[criteria]]
id = "4.1.premium_half"
clause = "四（一）"
title_zh = "累计保费达到5亿元"
title_en = "Cumulative premium of 5亿元 or more"
text = "集中销售电销专用产品1年以上且累计保费规模达到10亿元以上"
kind = "min_sum"
applies_to = ["new_site"]
[criteria.params]
premiums = "premiums"
since = "centralized_selling.since"
threshold = "500000000"
unit = "yuan"
noun = { zh = "电销专用产品累计保费", en = "cumulative premium" }

'''


def rulebook_with(tmp_path, entry: str, version: int = 99):
    text = TEXT.replace(LABELS, entry + LABELS, 1).replace("version = 2\n", f"version = {version}\n", 1)
    file = tmp_path / "twelve.toml"
    file.write_text(text, encoding="utf-8")
    return file, load_rulebook(file)


def _ledger(first_month: str, months: int, per_month: int) -> list[dict[str, Any]]:
    year, month = map(int, first_month.split("-"))
    rows = []
    for _ in range(months):
        rows.append({"month": f"{year:04d}-{month:02d}", "product_code": "DX-AUTO-01", "telemarketing_exclusive": True, "premium": str(per_month), "unit": "元"})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def short_application() -> dict[str, Any]:
    """Example 01 selling since July 2025 at 40,000,000元 a month: 4亿元 by the end of April
    2026, so both sums are short on 2026-05-20 and the half threshold is crossed first."""
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    data["centralized_selling"]["since"] = "2025-07-01"
    data["premiums"] = {"ledger": _ledger("2025-07", 10, 40_000_000)}
    return data


AS_OF = date(2026, 5, 20)


def test_a_twelfth_minimum_on_an_existing_measure_goes_everywhere_with_no_code_change(tmp_path):
    file, rulebook = rulebook_with(tmp_path, HALF)
    assert len(rulebook.criteria) == 12
    application = parse_application(short_application(), today=AS_OF)

    # assessed: 4亿元 counted, 1亿元 short of the new threshold
    assessment = assess(application, rulebook, AS_OF, today=AS_OF)
    half = assessment.finding("4.1.premium_half")
    assert half.status is Status.NOT_MET and half.kind == "min_sum"
    assert half.measured == Quantity(Decimal(400_000_000), "yuan")
    assert half.gap.amount == Quantity(Decimal(100_000_000), "yuan")
    assert "5.00亿元" in half.explanation.text("zh")

    # forecast: at 4,000万元 a month the new threshold is crossed three months before the old
    fc = forecast(application, rulebook, AS_OF)
    assert fc.criterion("4.1.premium_half").outlook is Outlook.ON_DATE
    assert fc.criterion("4.1.premium_half").met_on == date(2026, 7, 31)
    assert fc.criterion("4.1.premium").met_on == date(2027, 7, 31)
    assert fc.eligible_on == date(2027, 7, 31)

    # what-if: a change is offered for it and, applied, meets it
    changes = [c for c in minimal_changes(application, rulebook, AS_OF) if c.criterion == "4.1.premium_half"]
    assert changes and all(c.flips for c in changes)

    # drawn: the chart draws the binding sum (the higher threshold) over the same ledger
    premium_chart = next(c for c in all_charts(application, assessment, rulebook) if c.id == "premium")
    assert premium_chart.threshold == Decimal(1_000_000_000)
    assert premium_chart.series[0].points[-1].y == Decimal(400_000_000)

    # screened: the run loads the rulebook file and ranks the application by the binding sum
    path = tmp_path / "short.json"
    path.write_text(json.dumps(short_application(), ensure_ascii=False), encoding="utf-8")
    sources, refused = collect_paths([path])
    run = screen(sources, Settings(as_of=AS_OF, rulebook_path=str(file), today=AS_OF), refused, workers=1)
    (record,) = run.records
    assert run.rulebook_version == 99
    assert "4.1.premium_half" in record.not_met and "4.1.premium" in record.not_met
    assert record.premium_margin == Decimal(-600_000_000)


def test_the_twelfth_criterion_is_summarised_in_the_dossier(tmp_path):
    from assessor.dossier import build_dossier
    from assessor.dossier.verify import verify_dossier
    from pypdf import PdfReader
    import io

    _, rulebook = rulebook_with(tmp_path, HALF)
    application = parse_application(short_application(), today=AS_OF)
    pdf = build_dossier(application, rulebook, AS_OF)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "累计保费达到5亿元" in text.replace("\n", "")
    assert verify_dossier(pdf, rulebook=rulebook).ok


# ---------------------------------------------------------------- a new kind on an unused field


class OpeningAfterParams(Params):
    """The planned opening lies at least `days` after the assessment date."""

    day: str
    days: int


class OpeningAfter(Kind):
    name = "opening_after"
    Params = OpeningAfterParams

    def paths(self, params: OpeningAfterParams) -> list[PathCheck]:
        return [PathCheck("day", params.day, "date")]

    def measure(self, app, params: OpeningAfterParams, as_of: date, labels: Any) -> Outcome:
        day = resolve(app, params.day)
        threshold = Quantity(params.days, "days")
        if day is None:
            return Outcome(Status.INSUFFICIENT_EVIDENCE, "none", threshold=threshold, missing_evidence=(params.day,))
        lead = (day - as_of).days
        status = Status.MET if lead >= params.days else Status.NOT_MET
        return Outcome(status, "met" if status is Status.MET else "not_met", {"lead": lead}, Quantity(lead, "days"), threshold)


OPENING = '''[[criteria]]
id = "4.4.opening_notice"
clause = "四（四）"
title_zh = "新职场启用前留出审批时间"
title_en = "Time for approval before the new site opens"
text = "未经批准，保险公司不得擅自搬迁电销职场，或在已有职场外增设分职场或呼叫中心。"
kind = "opening_after"
applies_to = ["new_site"]
[criteria.params]
day = "proposed_site.planned_opening"
days = 30

'''


@pytest.fixture
def opening_kind(monkeypatch):
    monkeypatch.setitem(KINDS, "opening_after", OpeningAfter())
    from assessor import i18n

    catalog = {**i18n.catalog("zh"), "engine.opening_after.met": "计划启用日前留有{lead}天", "engine.opening_after.not_met": "计划启用日前仅留{lead}天"}
    monkeypatch.setattr(i18n, "catalog", lambda lang: catalog)


def test_a_criterion_of_a_new_kind_needs_the_kind_and_the_rulebook_entry_only(tmp_path, opening_kind):
    _, rulebook = rulebook_with(tmp_path, OPENING)
    data = json.loads((EXAMPLES / "01-eligible-two-sites.json").read_text(encoding="utf-8"))
    application = parse_application(data, today=date(2026, 6, 30))  # opening 2026-09-01
    assert assess(application, rulebook, date(2026, 6, 30), today=date(2026, 6, 30)).verdict is Verdict.ELIGIBLE
    late = assess(application, rulebook, date(2026, 8, 15), today=date(2026, 8, 15))
    finding = late.finding("4.4.opening_notice")
    assert finding.status is Status.NOT_MET and finding.explanation.text("zh") == "计划启用日前仅留17天"
    assert late.verdict is Verdict.NOT_ELIGIBLE
    fc = forecast(application, rulebook, date(2026, 8, 15))
    assert fc.criterion("4.4.opening_notice").outlook is not Outlook.MET_NOW
