"""Output files are named for what they hold, and a run that produced nothing writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    "argv, suffix",
    [
        (["dossier", str(EXAMPLES / "01-eligible-two-sites.json"), "-o", "{out}/x.txt"], ".pdf"),
        (["template", "-o", "{out}/x.csv"], ".xlsx"),
    ],
)
def test_a_mislabelled_output_is_refused_before_any_work(tmp_path, capsys, argv, suffix):
    argv = [a.format(out=tmp_path) for a in argv] + ["--lang", "en"]
    assert main(argv) == 2
    assert suffix in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_screening_nothing_writes_no_table(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    out = tmp_path / "screening.json"
    assert main(["screen", str(bad), "-o", str(out), "--no-register", "--lang", "en"]) == 2
    assert not out.exists()
