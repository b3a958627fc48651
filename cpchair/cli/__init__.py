"""The command line of interchange-v1 §7. Never imports Qt, except to open the window when no command is given.

Each command lives in its own module with ``register(subparsers)`` (which sets ``func``); modules import
their heavy dependencies inside ``run`` so that ``cpchair --help`` and ``cpchair list`` stay quick.
Exit codes: 0 success, 1 a failure explained on stderr, 2 a usage error, 3 a merge that rejected a file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cpchair import __version__

COMMANDS = (
    "demo",
    "listing",
    "export",
    "merge",
    "stats",
    "minutes",
    "letter",
    "report",
    "audit",
    "retention",
    "backup",
    "restore",
    "comparators",
    "keys",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpchair",
        description="Quality assurance, minutes and statistics for Child Protection Conference Chairs. "
        "With no command, opens the application.",
    )
    parser.add_argument("--version", action="version", version=f"cpchair {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="keep everything in DIR (also: CPCHAIR_DATA_DIR)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="the coordinators' merged store on PostgreSQL, postgresql+psycopg://USER@HOST/DB?sslmode=verify-full "
        "(also: CPCHAIR_DATABASE_URL; the password comes from the credential store or a libpq service file)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary data folder (your data is not touched), then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"cpchair.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from cpchair import paths
    from cpchair.errors import CpchairError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from cpchair import selftest

        return selftest.run()
    try:
        if args.data_dir:
            paths.set_data_dir(args.data_dir)
        if args.database_url:
            from cpchair.storage.store import set_database_url

            set_database_url(args.database_url)
        if args.command is not None:  # the window checks the folder itself, and explains it in a dialog
            from cpchair.storage.location import check_data_dir

            check_data_dir(paths.data_dir())  # --data-dir, CPCHAIR_DATA_DIR or the platform's folder alike
        if args.command is None:
            from cpchair.cli.display import missing_display

            problem = missing_display()
            if problem:
                print(f"cpchair: {problem}", file=sys.stderr)
                return 1
            from cpchair.gui.app import run

            return run()
        return int(args.func(args) or 0)
    except CpchairError as exc:
        print(f"cpchair: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cpchair stats --json | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def open_db():
    """The installation's database for a command (created and migrated on first use)."""
    from cpchair.storage.db import open_database

    return open_database()


@contextmanager
def opened_stores() -> Iterator[tuple[Any, Any]]:
    """``(local, store)``: this installation's database and the coordinator's merged store, which is the
    same database unless a PostgreSQL store is chosen (``--database-url``, the environment or Settings).
    Settings, keys and a chair's own conferences are read from ``local`` only; merged records from ``store``."""
    from cpchair import settings
    from cpchair.storage.store import choose, open_store

    local = open_db()
    try:
        with local.session() as s:
            configured = settings.get(s, "database_url")
        store = open_store(choose(configured), local)
        try:
            yield local, store
        finally:
            if store is not local:
                store.dispose()
    finally:
        local.dispose()


if __name__ == "__main__":
    sys.exit(main())
