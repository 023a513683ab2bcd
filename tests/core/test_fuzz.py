"""Fuzz: arbitrary JSON documents and mutated examples, fed to the loader and to the CLI.

The only failure allowed is the clear validation error: ApplicationError with messages in zh
and en (in the CLI, exit 2 with those messages on stderr). Never another exception.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
from datetime import date
from pathlib import Path

from core_support import EXAMPLES, load_expected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor import ApplicationError, Application, assess, load_rulebook
from assessor.cli import main
from assessor.intake import parse_application

TODAY = date(2026, 11, 25)
RULEBOOK = load_rulebook()
EXPECTED = load_expected()
EXAMPLE_DOCS = {name: json.loads((EXAMPLES / name).read_text(encoding="utf-8")) for name in sorted(EXPECTED)}
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["", "2026-13-01", "2025-02-29", "1e9", "-0", "亿元", "万元", "元", "property_casualty", "relocation", "95510", "9" * 30])
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def check_loader(data) -> Application | None:
    """Parse, and if valid also assess; any failure must be a clear ApplicationError."""
    try:
        app = parse_application(data, today=TODAY)
    except ApplicationError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path
            assert problem.message("zh").strip() and problem.message("en").strip()
        return None
    assessment = assess(app, RULEBOOK, TODAY)
    assessment.to_json_text()
    for finding in assessment.findings:
        finding.explanation.text("zh")
        finding.explanation.text("en")
    return app


def check_cli(document: bytes, lang: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "application.json"
        file.write_bytes(document)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["assess", str(file), "--lang", lang, "--format", "json", "--as-of", TODAY.isoformat()])
    assert code in (0, 2), code
    if code == 2:
        assert err.getvalue().strip(), "exit 2 must say why"
        assert "Traceback" not in err.getvalue()
        assert out.getvalue() == ""
    else:
        assert json.loads(out.getvalue())["verdict"]


# ---------------------------------------------------------------- arbitrary JSON


@SETTINGS
@given(json_values)
def test_arbitrary_json_values_to_the_loader(value):
    check_loader(value if isinstance(value, dict) else json.dumps(value, allow_nan=True))


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(Application.model_fields) + ["x"]), json_values, max_size=9))
def test_arbitrary_objects_with_the_right_top_level_keys(value):
    check_loader(value)
    check_loader(json.dumps(value, allow_nan=True))


@SETTINGS
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_to_the_loader(raw):
    check_loader(raw)


# ---------------------------------------------------------------- mutated examples


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


@st.composite
def mutated_examples(draw):
    doc = copy.deepcopy(EXAMPLE_DOCS[draw(st.sampled_from(sorted(EXAMPLE_DOCS)))])
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add_key", "duplicate"]))
        last = path[-1]
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return doc


@SETTINGS
@given(mutated_examples())
def test_mutated_examples_to_the_loader(doc):
    check_loader(doc)
    check_loader(json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(EXAMPLE_DOCS)), st.data())
def test_byte_flipped_examples_to_the_loader(name, data):
    raw = bytearray((EXAMPLES / name).read_bytes())
    digits = [i for i, b in enumerate(raw) if 0x30 <= b <= 0x39]
    for _ in range(data.draw(st.integers(1, 5))):
        if data.draw(st.booleans()):  # any byte: mostly broken JSON or UTF-8
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        else:  # a digit for a digit: still JSON, now with odd dates, seats, amounts or codes
            raw[data.draw(st.sampled_from(digits))] = data.draw(st.integers(0x30, 0x39))
    check_loader(bytes(raw))


# ---------------------------------------------------------------- the CLI


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_examples() | json_values, st.sampled_from(["zh", "en"]))
def test_cli_on_mutated_and_arbitrary_documents(doc, lang):
    check_cli(json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8"), lang)


@settings(max_examples=20, deadline=None)
@given(st.binary(max_size=100), st.sampled_from(["zh", "en"]))
def test_cli_on_arbitrary_bytes(raw, lang):
    check_cli(raw, lang)


# ---------------------------------------------------------------- money fields with extreme numbers

numeric_literals = st.one_of(
    st.integers(-(10**60), 10**60).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 10**6), st.integers(-60, 60)),
    st.builds(lambda i, f: f"{i}.{f}", st.integers(0, 10**35), st.integers(0, 10**12)),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(repr),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["01-eligible-two-sites.json", "02-premium-short.json", "06-serious-complaint.json"]), numeric_literals, st.sampled_from(["元", "万元", "亿元"]), st.data())
def test_money_fields_with_extreme_json_numbers(name, literal, unit, data):
    doc = copy.deepcopy(EXAMPLE_DOCS[name])
    targets = [row for row in doc["premiums"].get("ledger", [])]
    if doc["premiums"].get("declared_total"):
        targets.append(doc["premiums"]["declared_total"])
    target = data.draw(st.sampled_from(targets))
    key = "premium" if "premium" in target else "amount"
    target[key], target["unit"] = "@@", unit
    text = json.dumps(doc, ensure_ascii=False).replace('"@@"', literal)
    check_loader(text)
    check_cli(text.encode("utf-8"), data.draw(st.sampled_from(["zh", "en"])))
