"""Saves ever newer versions of one draft until killed; each line printed is a committed version.

Run by test_crash.py as `python saver.py URL [DRAFT_ID]`. Each version's data is derived from its
counter `n`, so a reader can tell a whole version from a torn one.
"""

from __future__ import annotations

import sys

from assessor.store import CaseStore


def version_data(n: int) -> dict:
    # About 100 KB of JSON: a save spans many database pages, so a kill lands inside one often.
    return {"n": n, "applicant": {"name": f"申请人{n}"}, "premiums": {"ledger": [{"row": i, "premium": f"{n}.{i:04d}"} for i in range(3000)]}}


def main() -> None:
    url = sys.argv[1]
    draft_id = sys.argv[2] if len(sys.argv) > 2 else None
    store = CaseStore(url)
    n = store.load_draft(draft_id).data["n"] + 1 if draft_id else 0
    while True:
        saved = store.save_draft(draft_id, "crash test", version_data(n), "saver")
        draft_id = saved.draft_id
        print(draft_id, saved.version, n, flush=True)
        n += 1


if __name__ == "__main__":
    main()
