"""Heavy work, cached: assessment keyed on the canonical application JSON, readings and date;
figures and the dossier keyed on the assessment's fingerprint and the language."""

from __future__ import annotations

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


def _application(application_json: str) -> Application:
    return Application.model_validate_json(application_json, context=_ANY_DAY)


@st.cache_data(show_spinner=False, max_entries=512)
def _assessed(application_json: str, as_of: date, readings: tuple[tuple[str, str], ...]) -> Assessment:
    return assess(_application(application_json), load_rulebook(), as_of, dict(readings))


def assessment(application: Application, as_of: date, readings: dict[str, str]) -> Assessment:
    return _assessed(canonical_application_json(application), as_of, tuple(sorted(readings.items())))


@st.cache_resource(show_spinner=False, max_entries=256)
def _charts(fingerprint: str, _application: Application, _assessment: Assessment) -> tuple[Any, ...]:
    # Keyed on the fingerprint, which pins application, rulebook, readings and date.
    from ..charts import all_charts

    return all_charts(_application, _assessment, load_rulebook())


def charts(application: Application, result: Assessment) -> tuple[Any, ...]:
    """The core's chart data for this result (shared read-only, never changed once made)."""
    return _charts(result.fingerprint, application, result)


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(fingerprint: str, chart_id: str, lang: str, _chart: Any) -> Any:
    from ..charts import plotly_figure

    return plotly_figure(_chart, lang)


def figure(result: Assessment, chart: Any, lang: str) -> Any:
    """The plotly figure of one chart; building a figure is the slow part, so only the one shown."""
    return _figure(result.fingerprint, chart.id, lang, chart)


@st.cache_resource(show_spinner=False, max_entries=256)
def _checked(canonical_text: str, today: date, _draft: dict[str, Any]) -> Checked:
    return check(_draft, today)


def checked(draft: dict[str, Any]) -> Checked:
    """The draft checked against the model, once per distinct content and day."""
    return _checked(canonical(draft), date.today(), draft)


@st.cache_data(show_spinner=False, max_entries=16)
def _dossier(application_json: str, as_of: date, readings: tuple[tuple[str, str], ...], lang: str, addressee: str | None) -> bytes:
    from ..dossier import build_dossier

    return build_dossier(_application(application_json), rulebook=load_rulebook(), as_of=as_of, readings=dict(readings), lang=lang, addressee=addressee)


def dossier(application: Application, as_of: date, readings: dict[str, str], lang: str, addressee: str | None) -> bytes:
    return _dossier(canonical_application_json(application), as_of, tuple(sorted(readings.items())), lang, addressee or None)


@st.cache_data(show_spinner=False, max_entries=16)
def preview(pdf: bytes) -> bytes:
    from ..dossier import preview_png

    return preview_png(pdf, page=1)
