"""A workbook of any shape is refused or read without a crash, naming the cell or sheet at fault;
its size is checked in the zip's XML before openpyxl parses it."""

from __future__ import annotations

import functools

import pytest
from hostile_support import AS_OF, LEDGER_SHEET, SITES_SHEET, assert_clean, blank_cells, filled_workbook, peak_bound_mb, rewrite, run_cli, with_cell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.i18n import t
from assessor.intake import ApplicationError
from assessor.intake.excel import MAX_CELLS, MAX_COLUMNS, MAX_ROWS_PER_SHEET, application_from_workbook

SITES = "现有职场 Existing sites"
LEDGER = "保费台账 Premium ledger"


@functools.cache
def _filled() -> bytes:
    return filled_workbook()


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return _filled()


@pytest.fixture(scope="module")
def files(workbook, tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    made = {
        "filled": workbook,
        # Blank styled cells beyond the limit; the same shape 40 times larger (80 MB unpacked)
        # took 39 s before cells were counted, and is refused as fast: measured in the README.
        "blank": blank_cells(workbook, MAX_CELLS // 250 + 10, 250),
    }
    for name, data in made.items():
        (folder / f"{name}.xlsx").write_bytes(data)
    return {name: folder / f"{name}.xlsx" for name in made}


def _problems(data: bytes) -> list[str]:
    with pytest.raises(ApplicationError) as caught:
        application_from_workbook(data)
    return caught.value.lines("en")


def test_a_workbook_of_blank_cells_is_refused_before_it_is_parsed(files):
    base = run_cli("assess", str(files["filled"]), "--as-of", AS_OF)
    assert_clean(base, 0)
    run = run_cli("assess", str(files["blank"]), "--as-of", AS_OF, "--lang", "en")
    assert_clean(run, 2)
    assert f"{SITES}: {t('excel.problem.too_many_cells', 'en', limit=MAX_CELLS)}" in run.stderr
    assert run.seconds < 10
    assert run.peak_mb <= peak_bound_mb(base.peak_mb, files["blank"].stat().st_size)


def test_a_sheet_stated_to_reach_past_the_row_or_column_limit_is_refused(workbook):
    import io
    import re
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read(SITES_SHEET).decode()
    rows = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:G{2 * MAX_ROWS_PER_SHEET + 1}"', sheet)
    columns = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:ZZZ10"', sheet)
    assert _problems(rewrite(workbook, {SITES_SHEET: rows.encode()})) == [f"{SITES}: {t('excel.problem.too_many_rows', 'en', limit=MAX_ROWS_PER_SHEET)}"]
    assert _problems(rewrite(workbook, {SITES_SHEET: columns.encode()})) == [f"{SITES}: {t('excel.problem.too_many_columns', 'en', limit=MAX_COLUMNS)}"]


def test_a_money_cell_of_1e999_is_named_not_a_type_error(workbook):
    lines = _problems(with_cell(workbook, "D3", "1e999", sheet=LEDGER_SHEET))
    assert lines == [f"{LEDGER}!D3 (保费 / Premium): {t('errors.input.finite_number', 'en')}"]


@pytest.mark.parametrize("cell_type", [None, "str"], ids=["number", "text"])
def test_a_seats_cell_of_over_4300_digits_is_named_not_a_value_error(workbook, cell_type):
    lines = _problems(with_cell(workbook, "E3", "9" * 4301, cell_type))
    assert len(lines) == 1 and lines[0].startswith(f"{SITES}!E3")
    assert lines[0].endswith(t("errors.input.number_too_long", "en"))


def test_a_workbook_without_styles_is_read_without_formats_and_names_its_cells(tmp_path, workbook):
    # Without styles nothing marks a cell as a date: the dates stored as serial numbers are named.
    file = tmp_path / "no-styles.xlsx"
    file.write_bytes(rewrite(workbook, {"xl/styles.xml": None}))
    run = run_cli("assess", str(file), "--as-of", AS_OF, "--lang", "en")
    assert_clean(run, 2)
    assert "Selling & total!B2 (" in run.stderr and "Premium ledger!A3 (" in run.stderr


_cell_values = st.one_of(
    st.sampled_from(["1e999", "-1e999", "9" * 5000, "NaN", "", "1.5", "-3", "0x10", "4e3", "1" * 400]),
    st.text(alphabet="0123456789.eE-+", min_size=1, max_size=30),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_cell_values, ref=st.sampled_from(["E3", "E4", "A3", "G3"]), cell_type=st.sampled_from([None, "str", "n"]))
def test_any_cell_value_is_read_or_named(value, ref, cell_type):
    try:
        data = with_cell(_filled(), ref, value, cell_type)
        application = application_from_workbook(data)
    except ApplicationError as exc:
        for line in exc.lines("en"):
            line.encode("utf-8")
            assert "Error" not in line
    else:
        assert application.applicant.name  # the value stood for its field and the rest was read

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=400))
def test_any_bytes_that_claim_to_be_a_workbook_give_problems(data):
    with pytest.raises(ApplicationError):
        application_from_workbook(b"PK\x03\x04" + data)
