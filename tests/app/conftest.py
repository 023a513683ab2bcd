"""Fixtures for the app: the real app.py under Streamlit's AppTest, each test with its own
data folder (a real SQLite case register), and helpers that act as a user would."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
EXAMPLES = ROOT / "examples"
TIMEOUT = 60


def expected() -> dict:
    return tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(folder))
    monkeypatch.delenv("ASSESSOR_DATABASE_URL", raising=False)
    return folder


@pytest.fixture
def new_app(data_dir: Path) -> Iterator[Callable[[], AppTest]]:
    """Start a fresh browser session of the app (as many as a test needs)."""

    def start() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.run()
        assert not at.exception, at.exception
        return at

    yield start


@pytest.fixture
def app(new_app) -> AppTest:
    return new_app()


class UI:
    """What a user does and sees, as test helpers (pytest's importlib mode cannot import conftest)."""

    @staticmethod
    def goto(at: AppTest, url: str) -> AppTest:
        """Open another page, as clicking its entry in the sidebar does.

        AppTest.switch_page only knows file pages; the app's pages are callables whose address
        is their url_path, so the session's page is set by that address's hash.
        """
        at._page_hash = calc_hash(url)
        at.run()
        assert not at.exception, at.exception
        return at

    @staticmethod
    def load_example(at: AppTest, name: str) -> AppTest:
        """Load an example from the intake page, with its selector and button."""
        UI.goto(at, "intake")
        at.selectbox(key="example.choice").set_value(name).run()
        at.button(key="btn.example").click().run()
        assert not at.exception, at.exception
        return at

    @staticmethod
    def set_as_of(at: AppTest, day: date) -> AppTest:
        """Type the assessment date as a user does (any accepted form) and press Enter."""
        lang = at.session_state["lang"] if "lang" in at.session_state else "zh"
        at.text_input(key=f"f.as_of.text@{lang}").input(day.isoformat()).run()
        assert not at.exception, at.exception
        return at

    @staticmethod
    def banner(at: AppTest) -> str:
        """The verdict banner's text (its first line is the verdict)."""
        texts = [e.value for kind in (at.success, at.error, at.warning, at.info) for e in kind if e.value.startswith("### ")]
        assert len(texts) == 1, texts
        return texts[0].splitlines()[0].removeprefix("### ").strip()

    @staticmethod
    def finding_status_line(at: AppTest, criterion: str) -> str:
        lines = [m.value for m in at.markdown if f"`{criterion}`" in m.value]
        assert len(lines) == 1, lines
        return lines[0]

    @staticmethod
    def field_messages(at: AppTest) -> list[str]:
        """Validation messages drawn beside fields (red markdown lines)."""
        return [m.value for m in at.markdown if ":red[:material/error:" in m.value]

    @staticmethod
    def unexpected_errors(at: AppTest) -> list[str]:
        from assessor.i18n import t

        guard = {t("app.error.unexpected", lang) for lang in ("zh", "en")}
        return [e.value for e in at.error if e.value in guard]


@pytest.fixture
def ui() -> type[UI]:
    return UI


def _open_section(at: AppTest, name: str) -> AppTest:
    """Open a section (tab) of the intake page, as clicking its tab does."""
    from assessor.i18n import t

    lang = at.session_state["lang"] if "lang" in at.session_state else "zh"
    at.session_state[f"intake.section.{lang}"] = t(f"app.intake.tab.{name}", lang)
    at.run()
    assert not at.exception, at.exception
    return at


UI.section = staticmethod(_open_section)
