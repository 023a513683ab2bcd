"""assess_many: the same verdicts, fingerprints and statuses as assessing one by one, in the
documents' order, on one process or several, and one bad document never sinks the batch."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from assessor import AsOfError, ReadingError, assess, load_rulebook, parse_application
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
    results = assess_many(documents, as_of=AS_OF, today=TODAY, workers=workers, pool_threshold=1)
    assert [(o.verdict, o.fingerprint, o.statuses) for o in results] == _one_by_one(documents)
    assert all(o.assessed and not o.problems for o in results)
    assert len({o.verdict for o in results}) >= 3  # the examples cover several verdicts


def test_readings_reach_every_document():
    documents = _documents()
    readings = {"original_seats": "original", "violations_window": "none"}
    results = assess_many(documents, as_of=AS_OF, readings=readings, today=TODAY, workers=1)
    assert [(o.verdict, o.fingerprint, o.statuses) for o in results] == _one_by_one(documents, readings)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_document_gets_its_problems_and_the_rest_are_assessed(workers):
    good = _documents()[0]
    broken_seats = good.replace(b'"planned_seats": ', b'"planned_seats": -', 1)
    assert broken_seats != good
    documents = [good, b"{not json", broken_seats, "[]", good]
    results = assess_many(documents, as_of=AS_OF, today=TODAY, workers=workers, pool_threshold=1)
    assert [o.assessed for o in results] == [True, False, False, False, True]
    assert results[1].problems[0].key == "not_json"
    assert [p.path for p in results[2].problems] == ["proposed_site.planned_seats"]
    assert results[3].problems[0].key == "not_object"
    assert results[0] == results[4]


def test_an_unknown_reading_is_refused_before_any_work():
    with pytest.raises(ReadingError):
        assess_many(_documents(), as_of=AS_OF, readings={"original_seats": "loose"}, today=TODAY)


@pytest.mark.parametrize("as_of", [date(2010, 11, 10), date(9999, 12, 31)])
def test_a_date_the_rulebook_cannot_speak_to_is_refused_once_before_any_work(as_of):
    with pytest.raises(AsOfError) as caught:
        assess_many(_documents(), as_of=as_of, today=date(9999, 12, 31))
    assert as_of.isoformat() in caught.value.message("zh") and as_of.isoformat() in caught.value.message("en")


def test_an_empty_batch_is_an_empty_list_and_starts_no_pool(monkeypatch):
    import assessor.batch

    monkeypatch.setattr(assessor.batch, "process_pool", None)  # calling it would fail
    assert assess_many([], as_of=AS_OF, today=TODAY, workers=2, pool_threshold=0) == []


def test_a_number_too_long_to_read_is_a_problem_of_its_document_alone():
    good = _documents()[0]
    huge = b'{"applicant": ' + b"9" * 5000 + b"}"
    results = assess_many([good, huge, good], as_of=AS_OF, today=TODAY, workers=1)
    assert [r.assessed for r in results] == [True, False, True]
    assert [p.key for p in results[1].problems] == ["number_too_long"]


def test_workers_must_be_at_least_one():
    with pytest.raises(ValueError):
        assess_many(_documents(), as_of=AS_OF, today=TODAY, workers=0)
