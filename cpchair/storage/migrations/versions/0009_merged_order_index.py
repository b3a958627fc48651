"""An index on the merged conferences in the §6.2 order: (conference_date, updated_at, id).

Why: the statistics and the dashboard read the merged store once, in that order, keeping a small state per
child instead of every conference (a region's store holds a million). With this index both stores hand the
rows over in order as they walk it, with no sort of the whole table first (which spilled the records' text to
temporary files). It replaces the index on conference_date alone, whose every use its first column serves.

On PostgreSQL the text columns are ordered byte by byte (``COLLATE "C"``), as Python compares strings and as
SQLite's default collation does, whatever the server database's own collation: the order must be the one
the Python definition (``statistics.conference_order``) gives, and the query asks for the same collation.

Revision ID: 0009
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_merged_conference_order"


def _columns() -> list:
    if op.get_bind().dialect.name == "postgresql":
        return ["conference_date", sa.text('updated_at COLLATE "C"'), sa.text('id COLLATE "C"')]
    return ["conference_date", "updated_at", "id"]


def upgrade() -> None:
    with op.batch_alter_table("merged_conference", schema=None) as batch_op:
        batch_op.create_index(INDEX, _columns(), unique=False)
        batch_op.drop_index("ix_merged_conference_date")


def downgrade() -> None:
    with op.batch_alter_table("merged_conference", schema=None) as batch_op:
        batch_op.create_index("ix_merged_conference_date", ["conference_date"], unique=False)
        batch_op.drop_index(INDEX)
