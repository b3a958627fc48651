"""``cpchair backup`` writes a backup of the database now and prints its path; ``cpchair backup --list``
lists the backups kept (newest first). The app also makes one before every migration and once a day, and
keeps the newest seven."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backup",
        help="back up the database now (or --list the backups)",
        description="Write a consistent copy of the database into the backups folder and print its path.",
    )
    p.add_argument("--list", action="store_true", help="list the backups kept, newest first, and change nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair import paths
    from cpchair.storage import backups

    db_path = paths.database_path()
    if args.list:
        found = backups.list_backups(backups.backups_dir(db_path))
        if not found:
            print(f"No backups yet in {backups.backups_dir(db_path)}.")
        for b in found:
            print(f"{b.created:%Y-%m-%d %H:%M} UTC  {b.size / 1024:9.0f} kB  {b.label:24} {b.path}")
        return 0
    from cpchair.cli import open_db
    from cpchair.services import audit

    db = open_db()  # creates, checks or upgrades the database first: a damaged one is reported, not copied
    try:
        made = backups.backup(db_path, label="manual")
        with db.session() as s:
            audit.record_backup(s, made, "manual")
            s.commit()
    finally:
        db.dispose()
    print(made)
    return 0
