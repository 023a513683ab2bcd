"""`assessor schema` describes the files the reader takes: every example passes it, and inputs
the reader refuses for their form fail it too."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path

import jsonschema
import pytest

from assessor.cli import main

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.fixture(scope="module")
def validator():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["schema"]) == 0
    schema = json.loads(buffer.getvalue())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_passes_the_printed_schema(validator, path):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
    assert errors == []


def _with_ledger_row(**changes):
    doc = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    row = copy.deepcopy(doc["premiums"]["ledger"][0])
    row.update(changes)
    doc["premiums"]["ledger"][0] = row
    return doc


@pytest.mark.parametrize(
    "changes",
    [{"month": "2024-13"}, {"month": "2024-02-15"}, {"premium": "-3"}, {"premium": "12,000"}, {"premium": -3}, {"unit": "美元"}, {"telemarketing_exclusive": "yes"}],
)
def test_a_ledger_row_the_reader_refuses_fails_the_schema(validator, changes):
    assert list(validator.iter_errors(_with_ledger_row(**changes)))


def test_a_credit_code_of_the_wrong_length_and_seats_as_text_fail_the_schema(validator):
    doc = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    doc["applicant"]["credit_code"] = "91110000ABC"
    doc["existing_sites"][0]["seats"] = "820"
    paths = {tuple(e.absolute_path) for e in validator.iter_errors(doc)}
    assert ("applicant", "credit_code") in paths and ("existing_sites", 0, "seats") in paths
