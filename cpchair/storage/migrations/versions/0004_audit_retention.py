"""The audit log: an append-only, hash-chained table of who did what to which conference, and when.

Why triggers: the application only ever inserts, so SQLite itself refuses an UPDATE or DELETE of an entry
(a casual edit with a database browser fails loudly). The chain of hashes (``services.audit.verify``) still
catches a tampering that drops the triggers first. AUTOINCREMENT keeps the highest ``seq`` ever issued in
``sqlite_sequence``, so removing the newest entries is caught too. Other databases get the table alone.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

TRIGGERS = {
    "audit_event_no_update": "UPDATE",
    "audit_event_no_delete": "DELETE",
}


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("conference_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_event_conference_id", "audit_event", ["conference_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for name, verb in TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_audit_event_conference_id", table_name="audit_event")
    op.drop_table("audit_event")
