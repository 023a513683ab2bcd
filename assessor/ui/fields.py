"""Widgets bound to a path in the draft, with a place beside each for its validation messages.

Each helper seeds its widget from the draft the first time it draws, and writes the widget's
value back into the draft after drawing, so the draft always holds what the user typed.
Messages are filled in at the end of the run (`Board.fill`), once the whole draft is checked.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from ..i18n import format_date, t
from ..intake import Problem
from .draft import problems_under
from ..labels import field_name
from . import state
from .state import FIELD_PREFIX, draft, lang, tr


def read_only() -> bool:
    """A reviewer reads the draft: every input is shown, none can be changed (the register
    refuses an edit from them anyway; this keeps the screen from offering one)."""
    who = state.identity()
    return who is not None and not who.can_edit

TABLE_GEN_PREFIX = "tgen."

if TYPE_CHECKING:
    import pandas as pd

Path = tuple[str | int, ...]

EARLIEST = date(1980, 1, 1)
LATEST = date(2100, 12, 31)


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def get(path: Path, default: Any = None) -> Any:
    node: Any = draft()
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return default
    return default if node is None else node


def put(path: Path, value: Any) -> None:
    node: Any = draft()
    for part, following in zip(path[:-1], path[1:], strict=True):
        if isinstance(part, int):
            node = node[part]  # a row of a list: it exists, since its editor drew it
            continue
        if not isinstance(node.get(part), (list if isinstance(following, int) else dict)):
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    node[path[-1]] = value


# A widget's key may carry a scope (`#…`): the same path under another scope is another widget,
# seeded afresh from the draft (a row's details once the rows above it have changed).
_SCOPE: list[str] = [""]


def where(path: Path | str, code: str | None = None) -> str:
    """A place in the application named by its labels, never its path (现有职场 第2行 · 坐席数);
    a key the model does not know is shown as it was written (`labels.field_name`)."""
    return field_name(path, code or lang())


def _key(path: Path) -> str:
    return FIELD_PREFIX + path_text(path) + _SCOPE[-1]


def path_scope() -> str:
    """The scope widgets are drawn in now, for keys made outside these helpers."""
    return _SCOPE[-1]


class scope:
    """Widgets drawn inside `with scope("…"):` are keyed apart from the same paths elsewhere."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self) -> None:
        _SCOPE.append(f"#{self.name}" if self.name else "")

    def __exit__(self, *exc: Any) -> None:
        _SCOPE.pop()


def _seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- messages beside fields


@dataclass
class Board:
    """Placeholders for validation messages, claimed by path; what no field claims goes on top."""

    slots: list[tuple[str, bool, Any, dict[str, str]]] = field(default_factory=list)

    def slot(self, path: Path | str, *, exact: bool = False, columns: dict[str, str] | None = None) -> None:
        self.slots.append((path if isinstance(path, str) else path_text(path), exact, st.empty(), columns or {}))

    def fill(self, problems: Sequence[Problem], summary: Any | None = None) -> None:
        claimed: set[int] = set()
        for path, exact, place, columns in self.slots:
            mine = [p for p in problems if (p.path == path if exact else p in problems_under(problems, path)) and id(p) not in claimed]
            claimed |= {id(p) for p in mine}
            if mine:
                place.markdown("\n".join(f"- :red[:material/error: {escape(_located(p, path, columns))}]" for p in mine))
        rest = [p for p in problems if id(p) not in claimed]
        if summary is not None and rest:
            summary.error("\n\n".join(escape(_line(p)) for p in rest), icon=":material/error:")


def escape(text: str) -> str:
    # Messages quote what the user typed; keep Markdown and colour directives from acting on it.
    for char in "\\[]*_`$<>#|~":
        text = text.replace(char, "\\" + char)
    return text


def _line(problem: Problem) -> str:
    """A problem no field claimed, placed by the labels of where it is."""
    if not problem.path or problem.path.startswith("("):
        return problem.line(lang())
    return f"{where(problem.path)}: {problem.message(lang())}"


def _located(problem: Problem, base: str, columns: dict[str, str]) -> str:
    """`existing_sites[1].seats` under `existing_sites` reads as "第2行 · 坐席数: …": the place
    below the field's own, named by labels."""
    message = problem.message(lang())
    if problem.path == base or not problem.path.startswith(base):
        return message
    full, own = where(problem.path), where(base) if base else ""
    rest = full[len(own) :].lstrip(" ·") if own and full.startswith(own) else full
    return f"{rest}: {message}" if rest else message


# ---------------------------------------------------------------- scalar fields


def _keep_or_put(path: Path, raw: Any, fits: bool, seeded: Any, shown: Any, value: Any) -> None:
    """Write the widget's value into the draft, unless the draft holds something the widget
    cannot show (`"yes"` for a tick box, `"820"` for a count, a choice not offered) and the user
    has not touched the widget: then what the file said is kept, and the model's check says
    beside the field why it is refused, instead of the widget's default quietly replacing it."""
    if fits or shown != seeded:
        put(path, value)


def text(path: Path, label: str, board: Board, *, area: bool = False, help: str | None = None, placeholder: str | None = None) -> str:
    key = _key(path)
    raw = get(path)
    seeded = "" if raw is None else str(raw)
    _seed(key, seeded)
    widget = st.text_area if area else st.text_input
    value = widget(label, key=key, help=help, placeholder=placeholder, disabled=read_only())
    _keep_or_put(path, raw, raw is None or isinstance(raw, str), seeded, value, value)
    board.slot(path)
    return value


def lines(path: Path, label: str, board: Board, *, help: str | None = None) -> list[str]:
    """A list of short texts, one per line (phone numbers, product codes)."""
    key = _key(path)
    current = get(path, [])
    seeded = "\n".join(str(v) for v in current) if isinstance(current, list) else str(current)
    _seed(key, seeded)
    value = st.text_area(label, key=key, help=help, height=90, disabled=read_only())
    items = [line.strip() for line in value.splitlines() if line.strip()]
    fits = isinstance(current, list) and all(isinstance(v, str) for v in current)
    _keep_or_put(path, current, fits, seeded, value, items)
    board.slot(path)
    return items


_TYPED_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


def read_date(text: Any) -> date | None:
    """A date as typed: 2026年12月5日, 2026-12-05, 2026/12/5 or 2026.12.5; None for anything else."""
    if isinstance(text, date):
        return text
    match = _TYPED_DATE.fullmatch(str(text or ""))
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # no such day (2026-02-30)
        return None


def date_text(value: Any, code: str | None = None) -> str:
    """A date in the one form the page shows it: 2026年12月5日 in Chinese, 2026-12-05 in English;
    text that is not a date is shown as it was typed, nothing as nothing."""
    found = read_date(value) if isinstance(value, (str, date)) else None
    if found is None:
        return "" if value is None else str(value)
    return format_date(found, code or lang())


def _show_typed_date(text_key: str, code: str) -> None:
    """On Enter, a date typed in any accepted form (2026-3-31) is shown back in the page's form."""
    found = read_date(str(st.session_state.get(text_key) or "").strip())
    if found is not None:
        st.session_state[text_key] = date_text(found, code)


def date_box(label: str, key: str, value: date, *, earliest: date, latest: date, help: str | None = None, where: Any = None) -> date:
    """A date for a page's own setting (an assessment date), typed and applied on Enter and shown
    as 2026年6月30日 (zh): Streamlit's date picker applies a typed date only once the field is
    left. `st.session_state[key]` holds the date in force; a text that is no date, or a date
    outside [earliest, latest], is kept where it was typed with the reason beneath, and the date
    in force stays. Setting `st.session_state[key]` from code shows the new date."""
    where = where or st
    code = lang()
    held = st.session_state.get(key)
    if not isinstance(held, date) or not earliest <= held <= latest:
        held = min(max(value, earliest), latest)
        st.session_state[key] = held
    text_key, shown_key = f"{key}.text@{code}", f"{key}.shown@{code}"
    if st.session_state.get(shown_key) != held or text_key not in st.session_state:
        st.session_state[text_key] = date_text(held, code)  # a date set from code, or a new language
        st.session_state[shown_key] = held
    typed = where.text_input(label, key=text_key, help=help, placeholder=t("app.fields.date_placeholder", code), on_change=_show_typed_date, args=(text_key, code))
    found = read_date(typed.strip())
    if found is None:
        where.error(t("app.fields.date_refused", code, input=typed), icon=":material/event_busy:")
        return held
    if not earliest <= found <= latest:
        where.error(t("app.fields.date_out_of_range", code, earliest=earliest, latest=latest), icon=":material/event_busy:")
        return held
    st.session_state[key] = st.session_state[shown_key] = found
    return found


def day(path: Path, label: str, board: Board, *, help: str | None = None, latest: date = LATEST) -> date | None:
    """A date, typed and applied on Enter like any text, shown as 2026年12月5日 (zh). What is not
    a date is kept as typed, and the model's check says beside the field why it is refused."""
    code = lang()
    key = _key(path) + f"@{code}"  # each language shows the date in its own form
    _seed(key, date_text(get(path), code))
    value = st.text_input(label, key=key, help=help, placeholder=t("app.fields.date_placeholder", code), disabled=read_only())
    found = read_date(value)
    put(path, found.isoformat() if found else (value.strip() or None))
    board.slot(path)
    return found


def choice(path: Path, label: str, options: Sequence[str], board: Board, *, labels: Callable[[str], str], help: str | None = None) -> str:
    key = _key(path)
    current = get(path)
    _seed(key, current if current in options else None)  # nothing chosen is shown as nothing
    value = st.selectbox(label, options, key=key, format_func=labels, help=help, placeholder=tr("fields.choose"), disabled=read_only())
    _keep_or_put(path, current, current is None or current in options, None, value, value)
    board.slot(path)
    return value


def flag(path: Path, label: str, board: Board, *, help: str | None = None) -> bool:
    key = _key(path)
    current = get(path)
    fits = current is None or isinstance(current, bool)
    _seed(key, bool(current) if fits else False)
    value = st.checkbox(label, key=key, help=help, disabled=read_only())
    _keep_or_put(path, current, fits, False, value, value)
    board.slot(path)
    return value


def count(path: Path, label: str, board: Board, *, help: str | None = None) -> int | None:
    key = _key(path)
    current = get(path)
    fits = current is None or (isinstance(current, int) and not isinstance(current, bool) and current >= 0)
    _seed(key, current if fits else None)
    value = st.number_input(label, key=key, min_value=0, step=1, format="%d", help=help, placeholder="—", disabled=read_only())
    _keep_or_put(path, current, fits, None, value, int(value) if value is not None else None)
    board.slot(path)
    return value


def answer(path: Path, label: str, board: Board) -> bool | None:
    """Attested: yes, no, or not yet answered (a claim the engine must not assume)."""
    key = _key(path)
    current = get(path)
    states = ("unanswered", "yes", "no")
    fits = current is None or isinstance(current, bool)
    _seed(key, {True: "yes", False: "no"}.get(current, "unanswered") if fits else "unanswered")
    value = st.radio(label, states, key=key, horizontal=True, format_func=lambda s, code=lang(): t(f"app.fields.answer.{s}", code), disabled=read_only())
    result = {"yes": True, "no": False}.get(value)
    _keep_or_put(path, current, fits, "unanswered", value, result)
    board.slot(path, exact=True)
    return result


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # text, money, int, date, bool, select
    label: str
    options: tuple[str, ...] = ()
    default: Any = None
    required: bool = False
    help: str | None = None
    labels: Callable[[str], str] | None = None

    def config(self) -> Any:
        cc = st.column_config
        common = {"label": self.label, "help": self.help, "required": self.required, "default": self.default}
        if self.kind == "int":
            return cc.NumberColumn(**common, min_value=0, step=1, format="%d")
        if self.kind == "date":
            # The page's one date form: 2026年12月5日 in Chinese (a moment.js pattern), ISO in English.
            return cc.DateColumn(**common, format="YYYY-MM-DD" if lang() == "en" else "YYYY年M月D日", min_value=EARLIEST, max_value=LATEST)
        if self.kind == "bool":
            return cc.CheckboxColumn(**common)
        if self.kind == "select":
            return cc.SelectboxColumn(**common, options=list(self.options), format_func=self.labels)
        return cc.TextColumn(**common)

    def signature(self) -> str:
        shown = tuple(self.labels(o) for o in self.options) if self.labels else ()
        return repr((self.name, self.kind, self.label, self.options, self.default, self.help, shown))


def _cell_in(col: Col, value: Any) -> Any:
    if col.kind == "date":
        return _as_date(value)
    if col.kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if col.kind == "bool":
        return value if isinstance(value, bool) else None
    if value is None:
        # An empty text cell is drawn empty; None would show as the word "None".
        return None if col.kind == "select" else ""
    return str(value)


def _missing(value: Any) -> bool:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _cell_out(col: Col, value: Any) -> Any:
    import pandas as pd

    if _missing(value):
        return None
    if col.kind == "date":
        found = _as_date(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
        return found.isoformat() if found else None
    if col.kind == "int":
        number = float(value)
        return int(number) if number.is_integer() else number
    if col.kind == "bool":
        return bool(value)
    text = str(value).strip()
    return text or None


def frame(rows: list[dict[str, Any]], columns: Sequence[Col]) -> pd.DataFrame:
    # pandas is loaded with the first table, not with the page: it is a second of start-up.
    import pandas as pd

    data = {c.name: [_cell_in(c, row.get(c.name)) if isinstance(row, dict) else None for row in rows] for c in columns}
    # What a row holds beyond the table's columns (a site's team, numbers and documents) rides
    # along in a hidden column, so editing a cell never drops the facts it does not show.
    shown = {c.name for c in columns}
    data[HIDDEN] = [json.dumps({k: v for k, v in row.items() if k not in shown}, ensure_ascii=False) if isinstance(row, dict) else "{}" for row in rows]
    df = pd.DataFrame(data, columns=[c.name for c in columns] + [HIDDEN])
    for c in columns:
        if c.kind == "int":
            df[c.name] = df[c.name].astype("Int64")
        elif c.kind == "bool":
            df[c.name] = df[c.name].astype("boolean")
        elif c.kind == "date":
            df[c.name] = pd.to_datetime(df[c.name], errors="coerce")
        elif c.kind == "select":
            df[c.name] = df[c.name].astype("object")
        else:
            # Typed as text even with no rows: an empty object column reaches the grid as
            # Arrow's null type, and what is typed into such a column comes back as None.
            df[c.name] = df[c.name].astype("string")
    df[HIDDEN] = df[HIDDEN].astype("string")
    return df


def rows_of(df: pd.DataFrame, columns: Sequence[Col]) -> list[dict[str, Any]]:
    """Rows back as dicts, dropping rows left entirely blank."""
    out = []
    for record in df.to_dict("records"):
        row = {c.name: _cell_out(c, record.get(c.name)) for c in columns}
        if all(v is None or v is False for v in row.values()):
            continue
        hidden = record.get(HIDDEN)
        out.append({**(json.loads(hidden) if isinstance(hidden, str) and hidden else {}), **row})
    return out


HIDDEN = "_hidden"


def table(path: Path, columns: Sequence[Col], board: Board, *, fixed: bool = False, height: int | None = None) -> list[dict[str, Any]]:
    """An editable table over a list of rows in the draft.

    The editor's edits are deltas against the frame it was first given, so that frame is kept
    in the session and rebuilt from the draft only when the editor itself is new (first draw,
    page left and re-entered) or when its columns change (language, default unit).
    """
    signature = hashlib.sha1("|".join(c.signature() for c in columns).encode()).hexdigest()[:10]
    # A fresh key whenever the rows were replaced from outside (load, upload), so that no
    # edit made against the old rows is replayed onto the new ones.
    generation = f"{st.session_state.get(state.TABLE_GEN, 0)}.{st.session_state.get(TABLE_GEN_PREFIX + path_text(path), 0)}"
    key = _key(path) + f"#{signature}.{generation}"
    base_key = FIELD_PREFIX + "base." + path_text(path)
    rows = get(path, [])
    rows = rows if isinstance(rows, list) else []
    base = st.session_state.get(base_key)
    if key not in st.session_state or base is None or base[0] != key:
        base = (key, frame(rows, columns))
        st.session_state[base_key] = base
    edited = st.data_editor(
        base[1],
        key=key,
        column_config={c.name: c.config() for c in columns},
        column_order=[c.name for c in columns],
        num_rows="fixed" if fixed or read_only() else "dynamic",
        disabled=read_only(),
        hide_index=True,
        width="stretch",
        height=height or "auto",
    )
    result = rows_of(edited, columns)
    put(path, result)
    board.slot(path, columns={c.name: c.label for c in columns})
    return result


def refresh_table(path: Path) -> None:
    """The rows of this table changed outside its editor: draw it afresh from the draft."""
    name = TABLE_GEN_PREFIX + path_text(path)
    st.session_state[name] = st.session_state.get(name, 0) + 1
