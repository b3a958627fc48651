"""The minutes' local record (restrictions, split parts, attendees, local facts, sign-off) and the
distribution log.

Why separate tables: these are local-only case details (never exported), and keeping them out of
``conference.minutes`` means the minutes editor's autosave cannot overwrite a restriction.

Revision ID: 0007
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minutes_local",
        sa.Column("conference_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("signed_by", sa.String(length=200), nullable=True),
        sa.Column("signed_at", sa.String(length=20), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
            name=op.f("fk_minutes_local_conference_id_conference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conference_id", name=op.f("pk_minutes_local")),
    )
    op.create_table(
        "minutes_distribution",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conference_id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
            name=op.f("fk_minutes_distribution_conference_id_conference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_minutes_distribution")),
    )
    with op.batch_alter_table("minutes_distribution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_distribution_conference_id"), ["conference_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("minutes_distribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_distribution_conference_id"))
    op.drop_table("minutes_distribution")
    op.drop_table("minutes_local")
