"""``cpchair restore FILE``: replace the database with the backup FILE.

The backup is checked first (SQLite's quick_check, and a schema this cpchair can open); the database as it
is now is kept aside in the backups folder (or, when it is too damaged to copy, moved there whole), so a
restore never loses anything. Close the app before restoring from the command line."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "restore",
        help="replace the database with a backup (the current one is kept aside)",
        description="Replace the database with the backup FILE, after checking it; the current database is "
        "kept aside in the backups folder. Close the app first.",
    )
    p.add_argument("file", metavar="FILE", help="the backup to restore (see `cpchair backup --list`)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cpchair import paths
    from cpchair.cli import open_db
    from cpchair.services import audit
    from cpchair.storage import backups

    result = backups.restore(paths.database_path(), Path(args.file).expanduser())
    db = open_db()  # brings an older backup up to this release's schema (backing it up first)
    try:
        with db.session() as s:
            audit.record_restore(s, result.source, result.kept_aside)
            s.commit()
    finally:
        db.dispose()
    print(f"Restored {result.source}.")
    for kept in result.kept_aside:
        print(f"The database as it was is kept as {kept}")
    return 0
