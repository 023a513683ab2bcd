"""assess_many: the same verdicts, fingerprints and statuses as assessing one by one, in the
documents' order, on one process or several, and one bad document never sinks the batch."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from assessor import ReadingError, assess, load_rulebook, parse_application
from assessor.batch import assess_many

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2026, 6, 30)
TODAY = date(2026, 11, 25)


def _documents() -> list[bytes]:
    expected = tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))
    return [(EXAMPLES / name).read_bytes() for name in sorted(expected)]


def _one_by_one(documents: list[bytes], readings: dict[str, str] | None = None) -> list[tuple]:
    rulebook = load_rulebook()
    rows = []
    for raw in documents:
        assessment = assess(parse_application(raw, today=TODAY), rulebook, AS_OF, readings)
        rows.append((assessment.verdict, assessment.fingerprint, tuple((f.criterion, f.status.value) for f in assessment.findings)))
    return rows


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_comes_to_what_assessing_one_by_one_does(workers):
    documents = _documents() * 3
    outcomes = assess_many(documents, as_of=AS_OF, today=TODAY, workers=workers, pool_threshold=1)
    assert [(o.verdict, o.fingerprint, o.statuses) for o in outcomes] == _one_by_one(documents)
    assert all(o.assessed and not o.problems for o in outcomes)
    assert len({o.verdict for o in outcomes}) >= 3  # the examples cover several verdicts


def test_readings_reach_every_document():
    documents = _documents()
    readings = {"original_seats": "original", "violations_window": "none"}
    outcomes = assess_many(documents, as_of=AS_OF, readings=readings, today=TODAY, workers=1)
    assert [(o.verdict, o.fingerprint, o.statuses) for o in outcomes] == _one_by_one(documents, readings)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_document_gets_its_problems_and_the_rest_are_assessed(workers):
    good = _documents()[0]
    broken_seats = good.replace(b'"planned_seats": ', b'"planned_seats": -', 1)
    assert broken_seats != good
    documents = [good, b"{not json", broken_seats, "[]", good]
    outcomes = assess_many(documents, as_of=AS_OF, today=TODAY, workers=workers, pool_threshold=1)
    assert [o.assessed for o in outcomes] == [True, False, False, False, True]
    assert outcomes[1].problems[0].key == "not_json"
    assert [p.path for p in outcomes[2].problems] == ["proposed_site.planned_seats"]
    assert outcomes[3].problems[0].key == "not_object"
    assert outcomes[0] == outcomes[4]


def test_an_unknown_reading_is_refused_before_any_work():
    with pytest.raises(ReadingError):
        assess_many(_documents(), as_of=AS_OF, readings={"original_seats": "loose"}, today=TODAY)


def test_an_empty_batch_is_an_empty_list():
    assert assess_many([], as_of=AS_OF, today=TODAY, workers=2, pool_threshold=0) == []
