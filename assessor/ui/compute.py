"""Heavy work, cached, in bounded memory.

Every cache here is keyed by small values: the SHA-256 of the content it was computed from
(the draft's canonical text, the application's canonical JSON), the date, the readings and the
language; the content itself rides along in an argument Streamlit does not hash (a leading
underscore). Each cache holds a bounded number of entries of small results, so a few users at
work keep their results warm while twenty different uploads cannot pile up in the server. The
one large result, a checked draft, lives in its own session, the latest only.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import streamlit as st

from ..core.engine import Assessment, assess, canonical_application_json
from ..core.model import Application
from ..core.rulebook import load_rulebook
from .draft import Checked, canonical, check

# The application was checked against the real "today" when the user typed it; rebuilding it
# from its canonical JSON needs no second opinion on dates, so no date counts as future here.
_ANY_DAY = {"today": date.max}

# Entries per cache. Dossiers are the large ones; assessments, chart data and figures are small
# (kilobytes) whatever the application's size. A checked draft is kept per session (see `checked`).
ASSESSED_ENTRIES = 128
CHARTS_ENTRIES = 64
FIGURE_ENTRIES = 32
DOSSIER_ENTRIES = 4


def digest(text: str | bytes) -> str:
    """The cache key of a content: its SHA-256, 64 characters whatever the content's size."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def _application(application_json: str) -> Application:
    return Application.model_validate_json(application_json, context=_ANY_DAY)


@st.cache_data(show_spinner=False, max_entries=ASSESSED_ENTRIES)
def _assessed(key: str, as_of: date, readings: tuple[tuple[str, str], ...], _application_json: str) -> Assessment:
    return assess(_application(_application_json), load_rulebook(), as_of, dict(readings))


def assessment(application: Application, as_of: date, readings: dict[str, str]) -> Assessment:
    text = canonical_application_json(application)
    return _assessed(digest(text), as_of, tuple(sorted(readings.items())), text)


@st.cache_resource(show_spinner=False, max_entries=CHARTS_ENTRIES)
def _charts(fingerprint: str, _application: Application, _assessment: Assessment) -> tuple[Any, ...]:
    # Keyed on the fingerprint, which pins application, rulebook, readings and date.
    from ..charts import all_charts

    return all_charts(_application, _assessment, load_rulebook())


def charts(application: Application, result: Assessment) -> tuple[Any, ...]:
    """The core's chart data for this result (shared read-only, never changed once made)."""
    return _charts(result.fingerprint, application, result)


@st.cache_resource(show_spinner=False, max_entries=FIGURE_ENTRIES)
def _figure(fingerprint: str, chart_id: str, lang: str, _chart: Any) -> Any:
    # plotly looks pandas up in sys.modules, where the shell's warm-up thread may have left it
    # half imported on a fresh server ("partially initialized module 'pandas'"); an import
    # statement waits for that import to finish first.
    import pandas  # noqa: F401

    from ..charts import plotly_figure

    return plotly_figure(_chart, lang)


def figure(result: Assessment, chart: Any, lang: str) -> Any:
    """The plotly figure of one chart; building a figure is the slow part, so only the one shown."""
    return _figure(result.fingerprint, chart.id, lang, chart)


CHECKED = "compute.checked"  # session key: (content digest, day), Checked


def checked(draft: dict[str, Any]) -> Checked:
    """The draft checked against the model, once per distinct content and day.

    Kept in the session, the last one only: a checked application is as large as the draft
    itself (about 10 MB of objects for a 1 MB upload) and is of use to no other session, so a
    shared cache would only keep every upload of every user alive. A page asks several times a
    run and on every rerun; each asks the same content and gets the same object back."""
    key = (digest(canonical(draft)), date.today())
    kept = st.session_state.get(CHECKED)
    if kept is not None and kept[0] == key:
        return kept[1]
    result = check(draft, key[1])
    st.session_state[CHECKED] = (key, result)
    return result


@st.cache_data(show_spinner=False, max_entries=DOSSIER_ENTRIES)
def _dossier(key: str, as_of: date, readings: tuple[tuple[str, str], ...], lang: str, addressee: str | None, _application_json: str) -> bytes:
    from ..dossier import build_dossier

    return build_dossier(_application(_application_json), rulebook=load_rulebook(), as_of=as_of, readings=dict(readings), lang=lang, addressee=addressee)


def dossier(application: Application, as_of: date, readings: dict[str, str], lang: str, addressee: str | None) -> bytes:
    text = canonical_application_json(application)
    return _dossier(digest(text), as_of, tuple(sorted(readings.items())), lang, addressee or None, text)


@st.cache_data(show_spinner=False, max_entries=DOSSIER_ENTRIES)
def _preview(key: str, _pdf: bytes) -> bytes:
    from ..dossier import preview_png

    return preview_png(_pdf, page=1)


def preview(pdf: bytes) -> bytes:
    """Page 1 of a dossier as PNG, keyed by the PDF's digest."""
    return _preview(digest(pdf), pdf)
