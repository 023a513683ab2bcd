"""Each file has a time budget: past it the file's row says so and the batch goes on."""

from __future__ import annotations

import signal
import threading
import time
from datetime import date

import pytest

from assessor.budget import TimeBudgetExceeded, time_budget
from assessor.i18n import t
from assessor.screening import Settings, collect_paths, screen

from .conftest import AS_OF, another_insurer, example, with_hashes, write

TODAY = date(2026, 11, 25)


def test_work_past_its_budget_is_stopped_and_the_timer_is_cleared():
    started = time.monotonic()
    with pytest.raises(TimeBudgetExceeded) as stopped:
        with time_budget(0.05):
            while True:
                pass
    assert stopped.value.seconds == 0.05
    assert time.monotonic() - started < 30  # stopped, not run to the end of the loop
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_work_within_its_budget_is_untouched():
    with time_budget(30):
        total = sum(range(1000))
    assert total == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_the_work_runs_to_its_end():
    # A Streamlit script thread has no timer to set: the budget does not apply there.
    seen = []

    def work() -> None:
        with time_budget(0.001):
            time.sleep(0.05)
            seen.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == ["done"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_files_over_budget_get_their_own_row_and_the_batch_finishes(tmp_path, lang):
    good = with_hashes(example())
    write(tmp_path, "a.json", good)
    write(tmp_path, "b.json", another_insurer(good, 7, "第二财产保险股份有限公司"))
    sources, refused = collect_paths([tmp_path])
    # A budget far below what reading one file takes: every file is stopped, none sinks the run.
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY, lang=lang, seconds_per_file=1e-6), refused, workers=1)
    assert len(screening.records) == 2
    for record in screening.records:
        assert record.status == "error"
        [reason] = record.reasons
        assert reason.key == "screening.error.time_budget"
        text = reason.text(lang)
        assert record.label in text and text == t("screening.error.time_budget", lang, file=record.label, seconds="1e-06")


def test_the_default_budget_leaves_ordinary_files_alone(tmp_path):
    write(tmp_path, "a.json", with_hashes(example()))
    sources, refused = collect_paths([tmp_path])
    screening = screen(sources, Settings(as_of=AS_OF, today=TODAY), refused, workers=1)
    [record] = screening.records
    assert record.status == "screened" and record.verdict == "eligible"
