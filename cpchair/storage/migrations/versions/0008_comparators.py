"""The comparators' table: values of the DfE local-authority tables the coordinator imports.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparator_value",
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("time_period", sa.String(length=8), nullable=False),
        sa.Column("measure", sa.String(length=80), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("area_code", "time_period", "measure", name=op.f("pk_comparator_value")),
    )


def downgrade() -> None:
    op.drop_table("comparator_value")
