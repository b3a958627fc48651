"""Keys of interchange-v2 and sample data kept apart.

``chair_key``: the chairs' signing keys a coordinator enrolled (kid → chair, device, enrolled, revoked).
``sample_conference``: the ids of conferences ``cpchair demo`` made, so that sample data can be told from
real work (exported only with ``--sample``, removed by "Remove sample data") without touching the
``conference`` table itself.

Revision ID: 0003
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0008"  # issued as 0003 beside the others; chained after 0008 when the branches were merged
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chair_key",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("chair_id", sa.String(length=36), nullable=False),
        sa.Column("chair_name", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("enrolled_at", sa.String(length=20), nullable=False),
        sa.Column("revoked_at", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_chair_key")),
    )
    with op.batch_alter_table("chair_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chair_key_chair_id"), ["chair_id"], unique=False)
    op.create_table(
        "sample_conference",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_conference")),
    )


def downgrade() -> None:
    op.drop_table("sample_conference")
    with op.batch_alter_table("chair_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chair_key_chair_id"))
    op.drop_table("chair_key")
