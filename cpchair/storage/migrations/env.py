"""Alembic environment: runs inside the application on the connection it is handed (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from cpchair.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by a developer: use the engine the caller put in attributes
    connection = config.attributes["engine"].connect()

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
