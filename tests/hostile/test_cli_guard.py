"""No command prints a Python traceback: a failure no command foresaw is one line in the user's
language and exit 4. The failure is provoked in a command's own entry point, not in the core."""

from __future__ import annotations

import pytest

from assessor import cli
from assessor.commands import schema
from assessor.i18n import t


def _fail(args):
    raise RuntimeError("internal detail that must not reach the user: /etc/passwd")


@pytest.mark.parametrize("argv, lang", [(["schema"], "zh"), (["schema", "--lang", "en"], "en"), (["--lang", "en", "schema"], "en")])
def test_an_unforeseen_failure_is_one_line_in_the_users_language(monkeypatch, capsys, argv, lang):
    monkeypatch.setattr(schema, "run", _fail)
    monkeypatch.delenv("ASSESSOR_DEBUG", raising=False)
    assert cli.main(argv) == cli.EXIT_UNEXPECTED == 4
    out, err = capsys.readouterr()
    assert out == ""
    assert err == t("cli.unexpected", lang, code_name="E-runtime-error", code=4) + "\n"
    assert "passwd" not in err and "Traceback" not in err


def test_with_assessor_debug_the_traceback_is_shown_to_developers(monkeypatch):
    monkeypatch.setattr(schema, "run", _fail)
    monkeypatch.setenv("ASSESSOR_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["schema"])


def test_an_interrupt_exits_130_without_a_traceback(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(schema, "run", interrupted)
    assert cli.main(["schema"]) == 130
    assert "Traceback" not in capsys.readouterr().err
