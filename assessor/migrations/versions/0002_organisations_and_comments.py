"""Drafts belong to an organisation (every existing draft to "local"); reviewers' comments.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOCAL_ORG = "local"  # as assessor.store.LOCAL_ORG; a migration keeps its own copy of what it wrote


def upgrade() -> None:
    # SQLite adds a NOT NULL column with a default in place; existing rows read the default.
    op.add_column("drafts", sa.Column("organisation", sa.String(200), nullable=False, server_default=LOCAL_ORG))
    op.create_index("ix_drafts_organisation", "drafts", ["organisation"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"]),
    )
    op.create_index("ix_comments_draft_id", "comments", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_comments_draft_id", table_name="comments")
    op.drop_table("comments")
    op.drop_index("ix_drafts_organisation", table_name="drafts")
    op.drop_column("drafts", "organisation")  # SQLite 3.35 and later drop a column in place
