"""`assess` is pure: what a caller does with one result cannot change the next one.

Every assessment is built afresh, so nothing a caller does to one result reaches another; its
records are frozen dataclasses, so a field cannot be set by mistake either."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date

import pytest
from core_support import EXAMPLES

from assessor import Status, assess, load_application, load_rulebook

AS_OF = date(2026, 8, 31)


@pytest.fixture()
def application():
    return load_application(EXAMPLES / "05-new-site-too-small.json", today=date(2026, 11, 25))


def _attempts(assessment):
    finding = assessment.finding("4.2.new_seats")
    systems = assessment.finding("4.4.systems")
    return [
        lambda: setattr(finding, "status", Status.MET),
        lambda: setattr(assessment, "verdict", "eligible"),
        lambda: finding.title.__setitem__("zh", "改过"),
        lambda: finding.readings.clear(),
        lambda: finding.explanation.values.update(seats=10_000),
        lambda: setattr(finding.threshold, "value", 1),
        lambda: systems.parts[0].label.pop("zh"),
        lambda: assessment.conventions.popitem(),
        lambda: assessment.readings.__setitem__("original_seats", "original"),
    ]


def test_every_record_of_a_result_refuses_a_field_set(application):
    first = assess(application, load_rulebook(), AS_OF)
    for attempt in _attempts(first)[:2] + [_attempts(first)[5]]:
        with pytest.raises((AttributeError, TypeError)):
            attempt()


def test_a_result_tampered_with_leaves_the_next_assessment_alone(application):
    rulebook = load_rulebook()
    before = assess(application, rulebook, AS_OF).to_json()
    for attempt in _attempts(assess(application, rulebook, AS_OF)):
        try:
            attempt()
        except (AttributeError, TypeError):
            pass
    assert assess(application, rulebook, AS_OF).to_json() == before
    assert before["verdict"] == assess(load_application(EXAMPLES / "05-new-site-too-small.json"), rulebook, AS_OF).verdict.value


def test_results_pickle_copy_and_dump_like_plain_values(application):
    # Streamlit's caches and worker processes pickle results; JSON and deep copies must work too.
    assessment = assess(application, load_rulebook(), AS_OF)
    assert pickle.loads(pickle.dumps(assessment)) == assessment
    assert copy.deepcopy(assessment) == assessment
    finding = assessment.finding("4.2.new_seats")
    assert json.loads(json.dumps(finding.title, ensure_ascii=False)) == dict(finding.title)
    changeable = finding.readings.copy()
    changeable["original_seats"] = "original"
    assert finding.readings != changeable
