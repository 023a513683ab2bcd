"""The case register's schema migrations (Alembic), shipped inside the package.

`CaseStore` upgrades the database it opens to `HEAD` itself; nothing needs to be run by hand.
A register written before migrations existed (tables made by `create_all`, no `alembic_version`
table) is recognised as revision 0001 and upgraded from there.

To write the next revision: add `versions/NNNN_what.py` (down_revision = the current head) and
set `HEAD` below to its id; tests/store check that the migrated schema equals the models in
`assessor.store` on SQLite and on PostgreSQL. `alembic -c assessor/migrations/alembic.ini ...`
works from the repository root for `history`, `current`, `upgrade`, `downgrade`; the URL is
`$ASSESSOR_DATABASE_URL` or the default SQLite file.
"""

from __future__ import annotations

HEAD = "0002"  # the newest revision under versions/; CaseStore skips Alembic when a register is there
FIRST = "0001"  # the schema of registers written before migrations existed
SCRIPT_LOCATION = "assessor:migrations"
